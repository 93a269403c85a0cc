import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { batchCreditDeadline } from "@/lib/batch-window";
import type { BusinessCalendar } from "@/lib/calendar";
import { queryRows, type Tx } from "../client";
import { loadCalendar } from "../queries/calendar";
import { matchNetOfFee, recordMatchFees, ruleInForceSql } from "./match-fees";
import { OPEN_FOR_MATCHING } from "./match-reversals";

/**
 * Batches: one bank credit pays many receipts (issue 16), set-based and idempotent.
 *
 * A batch is a row of channel_batches; its receipts are channel_batch_members (a receipt in one batch
 * at most); the credit's match row points at the batch (matches.batch_id), so the credit is still
 * accounted for exactly once and "posted" is derived from the view receipt_credits.
 *
 *   - With a settlement detail file (清算明细, settlement_detail_lines): each (channel, terminal, batch
 *     number, batch date) of the file is a batch, and each detail line links its receipt (by receipt
 *     number, else by a bank reference only one receipt has). A credit then pays the batch when its
 *     amount is the batch's net (or gross) and either its text names the terminal or batch number, or
 *     it is on the batch's channel within the match window — and the pair is unambiguous both ways.
 *   - Without one: the open receipts of a terminal and a payment day are summed (gross, and net of the
 *     fee in force); a credit whose text names the terminal and whose amount is that gross or net
 *     pays them all — again only when the pair is unambiguous. A date in the text must be that day.
 */

/**
 * A bank credit pays a batch up to the 10th business day after the batch day, on the project's calendar
 * (lib/batch-window.ts). The deadline of each batch day is computed in JavaScript, once per distinct day,
 * and joined as a small table (day, until), so the matching stays one set-based statement.
 */
async function reachOf(tx: Tx, days: SQL, calendar: () => Promise<BusinessCalendar>): Promise<SQL> {
  const rows = await queryRows<{ day: string }>(tx, sql`select distinct to_char(x.day, 'YYYY-MM-DD') as day from (${days}) x(day) where x.day is not null`);
  const cal = rows.length > 0 ? await calendar() : null;
  const json = JSON.stringify(rows.map((r) => ({ day: r.day, until: batchCreditDeadline(r.day, cal!) })));
  return sql`(select * from json_to_recordset(${json}::json) as x(day date, until date))`;
}

export type BatchMatchSummary = { fees: number; netOfFee: number; detailBatches: number; sumBatches: number };

/** Before amount+date matching: detail files become batches and link their receipts (so no other method takes them). */
export async function linkBatchDetails(tx: Tx): Promise<number> {
  await tx.execute(sql`
    insert into channel_batches (channel, terminal_id, batch_no, batch_date, source, gross_fen, fee_fen, net_fen, member_count)
    select d.channel, d.terminal_id, d.batch_no, d.batch_date, 'detail', sum(d.gross_fen), sum(d.fee_fen), sum(d.net_fen), 0
    from settlement_detail_lines d
    group by d.channel, d.terminal_id, d.batch_no, d.batch_date
    on conflict (channel, coalesce(terminal_id, ''), coalesce(batch_no, ''), batch_date) do update
      set gross_fen = excluded.gross_fen, fee_fen = excluded.fee_fen, net_fen = excluded.net_fen
      where channel_batches.settlement_line_id is null and channel_batches.source = 'detail'
        and channel_batches.gross_fen <> excluded.gross_fen`);
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`
    with open_details as (
      select d.id, d.channel, d.terminal_id, d.batch_no, d.batch_date, d.receipt_ref, d.gross_fen, d.fee_fen
      from settlement_detail_lines d
      where not exists (select 1 from channel_batch_members bm where bm.detail_line_id = d.id)
    ), by_no as (
      select o.id as detail_id, r.id as receipt_id from open_details o join receipts r on r.receipt_no = o.receipt_ref
    ), by_ref as (
      -- a bank reference links only when one receipt has it
      select o.id as detail_id, min(r.id) as receipt_id
      from open_details o join receipts r on r.bank_ref = o.receipt_ref
      where o.id not in (select detail_id from by_no)
      group by o.id having count(*) = 1
    ), linked as (
      select distinct on (k.receipt_id) b.id as batch_id, k.receipt_id, o.gross_fen, o.fee_fen, o.id as detail_line_id
      from (select * from by_no union all select * from by_ref) k
      join open_details o on o.id = k.detail_id
      join channel_batches b on b.channel = o.channel and coalesce(b.terminal_id, '') = coalesce(o.terminal_id, '')
        and coalesce(b.batch_no, '') = coalesce(o.batch_no, '') and b.batch_date = o.batch_date and b.source = 'detail'
      where not exists (select 1 from channel_batch_members bm where bm.receipt_id = k.receipt_id)
        -- a receipt that a line of its own already pays is not paid again by the batch
        and not exists (select 1 from matches m where m.receipt_id = k.receipt_id)
      order by k.receipt_id, o.id
    ), ins as (
      insert into channel_batch_members (batch_id, receipt_id, gross_fen, fee_fen, detail_line_id)
      select batch_id, receipt_id, gross_fen, fee_fen, detail_line_id from linked
      on conflict (receipt_id) do nothing
      returning batch_id, receipt_id
    ), counted as (
      update channel_batches b set member_count = b.member_count + c.n
      from (select batch_id, count(*)::int as n from ins group by batch_id) c where b.id = c.batch_id
      returning 1
    ), run as (
      -- members joining a batch whose credit is already matched post now
      insert into matching_run (receipt_id, method)
      select i.receipt_id, 'batch' from ins i join channel_batches b on b.id = i.batch_id where b.settlement_line_id is not null
      returning 1
    )
    select ((select count(*) from ins) + 0 * (select count(*) from counted) + 0 * (select count(*) from run))::int as n`,
  );
  return row?.n ?? 0;
}

/** After the one-to-one methods: fees on this run's matches, net-of-fee pairs, then batch credits. */
export async function matchFeesAndBatches(tx: Tx, timeZone: string, step: <T>(phase: string, run: () => Promise<T>) => Promise<T>): Promise<BatchMatchSummary> {
  let loaded: Promise<BusinessCalendar> | undefined;
  const calendar = () => (loaded ??= loadCalendar(tx));
  const fees = await step("fees on matches", () => recordMatchFees(tx, timeZone));
  const netOfFee = await step("net of fee", () => matchNetOfFee(tx, timeZone));
  const detailBatches = await step("detail batches", () => matchDetailBatches(tx, calendar));
  const sumBatches = await step("summed batches", () => matchSumBatches(tx, timeZone, calendar));
  return { fees, netOfFee, detailBatches, sumBatches };
}

/** Open credit lines that may pay a batch, with the date their text names (YYYYMMDD, if any). */
const openCredits = sql`
  select l.id, l.amount_fen, l.channel, l.value_date, normalize(upper(coalesce(l.remittance, '')), NFKC) as text,
         replace(substring(normalize(coalesce(l.remittance, ''), NFKC) from '(?:^|[^0-9])(20[0-9]{2}-?[01][0-9]-?[0-3][0-9])(?:[^0-9]|$)'), '-', '') as text_date
  from settlement_lines l
  where not exists (select 1 from matches m where m.settlement_line_id = l.id) and ${OPEN_FOR_MATCHING}`;

/** The words of each line's text (terminal ids and batch numbers are found by equal-key joins on them). */
const tokensOf = (lines: string) => sql.raw(`select distinct l.id, t[1] as token from ${lines} l, regexp_matches(l.text, '[0-9A-Z]+', 'g') as t`);

/**
 * Candidate pairs (line_id, key, strong): a line's text naming the batch (strong) outranks an amount
 * on the right channel and dates; of what is left, a pair is kept only when unambiguous both ways
 * (each line one key, each key one line).
 */
const unambiguous = (pairs: SQL) => sql`
  cand as (${pairs}),
  best as (
    select * from (
      select c.*, bool_or(c.strong) over (partition by c.line_id) as line_strong, bool_or(c.strong) over (partition by c.key) as key_strong from cand c
    ) x where strong = line_strong and strong = key_strong
  ),
  uniq as (
    select * from (
      select b.*, count(*) over (partition by b.line_id) as per_line, count(*) over (partition by b.key) as per_key from best b
    ) x where per_line = 1 and per_key = 1
  )`;

async function matchDetailBatches(tx: Tx, calendar: () => Promise<BusinessCalendar>): Promise<number> {
  const reach = await reachOf(tx, sql`select batch_date from channel_batches where source = 'detail' and settlement_line_id is null`, calendar);
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`
    with reach as ${reach}, open_batches as (
      select b.id, b.channel, upper(b.terminal_id) as terminal_id, upper(b.batch_no) as batch_no, b.batch_date, b.gross_fen, b.net_fen, c.match_window_days as w
      from channel_batches b join channels c on c.code = b.channel
      where b.source = 'detail' and b.settlement_line_id is null
    ), lines as (${openCredits} and l.amount_fen in (select net_fen from open_batches union select gross_fen from open_batches)),
    tokens as (${tokensOf("lines")}),
    ${unambiguous(sql`
      select line_id, key, min(amount_fen) as amount_fen, bool_or(strong) as strong from (
        -- the text names the batch's terminal or batch number
        select l.id as line_id, b.id as key, l.amount_fen, true as strong
        from tokens t join lines l on l.id = t.id
        join open_batches b on t.token in (b.terminal_id, b.batch_no)
        join reach on reach.day = b.batch_date
        where l.amount_fen in (b.net_fen, b.gross_fen)
          and l.value_date between b.batch_date and reach.until
          and (l.channel is null or l.channel = b.channel)
          and (l.text_date is null or l.text_date = to_char(b.batch_date, 'YYYYMMDD'))
        union
        -- or the amount on the batch's channel within its match window
        select l.id, b.id, l.amount_fen, false
        from lines l join open_batches b on l.channel = b.channel and l.amount_fen in (b.net_fen, b.gross_fen)
        where l.value_date between b.batch_date and b.batch_date + b.w
          and (l.text_date is null or l.text_date = to_char(b.batch_date, 'YYYYMMDD'))
      ) p group by line_id, key`)},
    paid as (
      update channel_batches b set settlement_line_id = u.line_id from uniq u where b.id = u.key and b.settlement_line_id is null
      returning b.id, b.settlement_line_id, b.gross_fen
    ), ins as (
      insert into matches (settlement_line_id, batch_id, method, gross_fen, fee_fen)
      select p.settlement_line_id, p.id, 'batch', p.gross_fen, p.gross_fen - u.amount_fen from paid p join uniq u on u.key = p.id
      on conflict (settlement_line_id) do nothing
      returning batch_id
    ), run as (
      insert into matching_run (receipt_id, method)
      select bm.receipt_id, 'batch' from channel_batch_members bm where bm.batch_id in (select batch_id from ins)
      returning 1
    )
    select ((select count(*) from ins) + 0 * (select count(*) from run))::int as n`,
  );
  return row?.n ?? 0;
}

async function matchSumBatches(tx: Tx, timeZone: string, calendar: () => Promise<BusinessCalendar>): Promise<number> {
  const openReceipts = sql`
      select r.id, coalesce(r.amount_paid_fen, r.amount_due_fen) as gross, r.channel, upper(r.terminal_id) as terminal_id,
             (r.paid_at at time zone ${timeZone})::date as day
      from receipts r
      where r.terminal_id is not null and r.paid_at is not null
        and r.billing_status in ('paid', 'sent_to_bank')
        and not exists (select 1 from matches m where m.receipt_id = r.id)
        and not exists (select 1 from channel_batch_members bm where bm.receipt_id = r.id)`;
  const reach = await reachOf(tx, sql`select o.day from (${openReceipts}) o`, calendar);
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`
    with reach as ${reach}, open_receipts as (${openReceipts}), day_rules as (
      select d.channel, d.day, f.* from (select distinct channel, day from open_receipts) d
      left join ${ruleInForceSql(sql`d.channel`, sql`d.day`)} on true
    ), groups as (
      select o.channel, o.terminal_id, o.day, sum(o.gross)::bigint as gross, count(*)::int as n,
             min(dr.applies_to) as applies_to, min(dr.tolerance_fen) as tolerance_fen,
             coalesce(sum(fee_fen(o.gross, dr.rate, dr.rate_unit, dr.rounding, dr.min_fen, dr.max_fen)), 0)::bigint as tx_fee,
             min(dr.rate) as rate, min(dr.rate_unit) as rate_unit, min(dr.rounding) as rounding, min(dr.min_fen) as min_fen, min(dr.max_fen) as max_fen
      from open_receipts o join day_rules dr on dr.channel = o.channel and dr.day = o.day
      group by o.channel, o.terminal_id, o.day
    ), priced as (
      select g.channel, g.terminal_id, g.day, g.gross, g.n, coalesce(g.tolerance_fen, 0) as tol,
             case when g.rate is null then 0
                  when g.applies_to = 'batch' then fee_fen(g.gross, g.rate, g.rate_unit, g.rounding, g.min_fen, g.max_fen)
                  else g.tx_fee end as fee
      from groups g
    ), lines as (${openCredits} and l.remittance is not null),
    tokens as (${tokensOf("lines")}),
    ${unambiguous(sql`
      select l.id as line_id, p.channel || '|' || p.terminal_id || '|' || p.day as key, l.amount_fen, true as strong, p.channel, p.terminal_id, p.day, p.gross, p.n
      from tokens t join lines l on l.id = t.id
      join priced p on p.terminal_id = t.token
      join reach on reach.day = p.day
      where (l.channel is null or l.channel = p.channel)
        and (l.text_date is null or l.text_date = to_char(p.day, 'YYYYMMDD'))
        and l.value_date between p.day and reach.until
        and (l.amount_fen = p.gross or (p.fee > 0 and abs(l.amount_fen - (p.gross - p.fee)) <= p.tol))`)},
    batch as (
      insert into channel_batches (channel, terminal_id, batch_date, source, gross_fen, fee_fen, net_fen, member_count, settlement_line_id)
      select u.channel, u.terminal_id, u.day, 'sum', u.gross, u.gross - u.amount_fen, u.amount_fen,
             u.n, u.line_id
      from uniq u
      on conflict do nothing
      returning id, channel, terminal_id, batch_date, gross_fen, fee_fen, settlement_line_id
    ), members as (
      insert into channel_batch_members (batch_id, receipt_id, gross_fen, fee_fen)
      select b.id, o.id, o.gross,
             case when dr.rate is null or b.fee_fen = 0 then 0
                  when dr.applies_to = 'batch' then 0
                  else fee_fen(o.gross, dr.rate, dr.rate_unit, dr.rounding, dr.min_fen, dr.max_fen) end
      from batch b
      join open_receipts o on o.channel = b.channel and o.terminal_id = b.terminal_id and o.day = b.batch_date
      join day_rules dr on dr.channel = o.channel and dr.day = o.day
      on conflict (receipt_id) do nothing
      returning receipt_id
    ), ins as (
      insert into matches (settlement_line_id, batch_id, method, gross_fen, fee_fen)
      select settlement_line_id, id, 'batch', gross_fen, fee_fen from batch
      on conflict (settlement_line_id) do nothing
      returning batch_id
    ), run as (
      insert into matching_run (receipt_id, method) select receipt_id, 'batch' from members returning 1
    )
    select ((select count(*) from ins) + 0 * (select count(*) from run))::int as n`,
  );
  return row?.n ?? 0;
}

import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db, type Executor, queryRows, type Tx } from "../client";
import { notifyPostedSubscribers } from "../queries/posting-subscriptions";
import { postedOf, resolveWaitingTickets } from "../queries/ticket-jobs";
import type { MatchRule, RequiredLineField } from "@/lib/match-rules";
import { linkBatchDetails, matchFeesAndBatches, type BatchMatchSummary } from "./match-batches";
import { creditTotals, openRefundCases } from "./match-refunds";
import { matchReversals, OPEN_FOR_MATCHING, UNACCOUNTED } from "./match-reversals";
import { loadMatchRules } from "./match-rules";
import { timed } from "./source";
import { ANALYZE_AFTER, countWithHashJoins } from "./staging";

/**
 * Matching of settlement lines to receipts (SPEC §2.2), set-based in the
 * database and idempotent. Three methods, in order:
 *   1. reference   — the line's bank reference equals the receipt's (and only one receipt has it);
 *   2. remittance  — exactly one receipt number appears in the line's remittance text;
 *   3. amount_date — same amount (or within the rule's tolerance) and channel, value
 *                    date within the channel's match window around the service-zone
 *                    date of paid_at, the line has the fields the rule requires, and
 *                    the pair is the only candidate on both sides.
 * A line already matched is never touched: matches.settlement_line_id is
 * unique, which is what guarantees a line is never counted twice. Methods 1
 * and 2 also match a second line to an already matched receipt — that is a
 * duplicate payment and must show as one. Method 3 never does (an amount and
 * a date are not evidence enough to call something a duplicate).
 */

export type MatchSummary = {
  /** Reversal lines paired with the credit they return this run (match-reversals.ts). */
  reversals: number;
  reference: number;
  remittance: number;
  amountDate: number;
  /** Issue 16: fees recorded, net-of-fee pairs, batch credits matched (match-batches.ts). */
  batches?: BatchMatchSummary;
  /** Refunds cases opened for receipts this run left paid twice or over (match-refunds.ts). */
  refundCases: number;
  /** Receipts whose derived status became `posted` in this run. */
  posted: number;
  /** Lines still unmatched in the whole store after this run. */
  exceptions: number;
  /** Of those, the lines of `MatchOptions.batchId`'s statement (only when it is given). */
  batchExceptions?: number;
};

/** Receipt ids are handed to the hook in pages of this size, so memory stays flat on large imports. */
const POSTED_PAGE = 10_000;

export type MatchOptions = {
  timeZone: string;
  /**
   * Refresh planner statistics first: worth it after a large load, wasted on a small one. A table
   * name refreshes only the table just loaded (the other's statistics did not change).
   */
  analyze?: boolean | "receipts" | "settlement_lines";
  onPhase?: (phase: string, ms: number) => void;
  /** A statement just imported: its lines left unmatched are counted in the same scan as the store's (batchExceptions). */
  batchId?: number;
};

export async function matchSettlements(options: MatchOptions, tx: Executor = db()): Promise<MatchSummary> {
  // A nested call opens a savepoint; the temp table of this run needs a transaction either way.
  return tx.transaction(async (t) => {
    await t.execute(sql`create temp table if not exists matching_run (receipt_id bigint not null, method text not null) on commit drop`);
    await t.execute(sql`truncate matching_run`);

    // Planner statistics go stale within one large import; without fresh ones PostgreSQL picks
    // nested loops over a million rows. ANALYZE samples a fixed number of rows, so it stays cheap.
    const step = <T>(phase: string, run: () => Promise<T>) => timed(options.onPhase, `match: ${phase}`, run);
    if (options.analyze) {
      await step("analyze", async () => {
        if (options.analyze !== "receipts") await t.execute(sql`analyze settlement_lines`);
        if (options.analyze !== "settlement_lines") await t.execute(sql`analyze receipts`);
      });
    }
    // Reversals first: a credit a reversal returns is never offered to the methods below.
    const reversals = await step("reversals", () => matchReversals(t));
    // Detail files link batch members before amount and date runs, which leaves batch members alone.
    let detailsLinked = false;
    const linkDetails = async () => {
      if (!detailsLinked) await step("batch details", () => linkBatchDetails(t));
      detailsLinked = true;
    };
    // The methods run in the order and with the settings of the match_rules rows (match-rules.ts); the
    // defaults are the fixed order of SPEC §2.2.
    const rules = await loadMatchRules(t);
    const byAmountAndDate = (rule: MatchRule) =>
      step("amount and date", () => insertingOnce(t, (x, onConflict) => matchByAmountAndDate(x, options.timeZone, rule, onConflict)));
    for (const rule of rules) {
      if (!rule.enabled) continue;
      if (rule.method === "reference" && (await step("reference", () => insertingOnce(t, matchByReference))) > ANALYZE_AFTER) await t.execute(sql`analyze matches`);
      if (rule.method === "remittance" && (await step("remittance", () => insertingOnce(t, matchByRemittance))) > ANALYZE_AFTER) await t.execute(sql`analyze matches`);
      // One pass is a fixed point (so a second run is a no-op; the property tests check it): a pair is
      // made only of a line group and a receipt group that each hold one row and reach only each other,
      // so matching it changes no other group's count of candidates. (A second pass, which always found
      // nothing, re-read both tables: 1.5 s at N = 1,000,000.)
      if (rule.method === "amount_date") {
        await linkDetails();
        await byAmountAndDate(rule);
      }
    }
    await linkDetails();
    let batches = await matchFeesAndBatches(t, options.timeZone, step);
    // A batch or net-of-fee pair takes a line and receipts out of the amount-and-date groups, which can
    // leave another group with one candidate on each side (and a net-of-fee pair can free a batch's day):
    // those steps run again until a round finds nothing, so that running matching twice changes nothing.
    const amountDate = rules.find((r) => r.method === "amount_date" && r.enabled);
    // Each round that goes on has paired something, so this ends.
    for (let round = batches; pairsOf(round) > 0; batches = addBatchSummaries(batches, round)) {
      if (amountDate) await byAmountAndDate(amountDate);
      round = await matchFeesAndBatches(t, options.timeZone, step);
    }

    if (options.analyze) await t.execute(sql`analyze matching_run`);
    const counts = await queryRows<{ method: string; n: number }>(t, sql`select method, count(*)::int as n from matching_run group by method`);
    const count = (method: string) => counts.find((c) => c.method === method)?.n ?? 0;
    // The credits of every receipt this run touched, added up once: refund cases and the posted hook both read them.
    await step("credit totals", async () => {
      await t.execute(sql`drop table if exists run_totals`);
      await t.execute(sql`create temp table run_totals on commit drop as ${creditTotals(sql`select receipt_id from matching_run`)}`);
      if (options.analyze) await t.execute(sql`analyze run_totals`);
    });
    const refundCases = await step("refund cases", () => openRefundCases(t, { timeZone: options.timeZone, totals: sql`select * from run_totals` }));
    const posted = await step("posted hook", () => notifyPosted(t));
    // One scan for the store's count and the statement's (a second scan of the store cost as much as the first).
    const [{ exceptions, batchExceptions }] = (await step("count exceptions", () =>
      queryRows<{ exceptions: number; batchExceptions: number }>(
        t,
        sql`select count(*)::int as exceptions, count(*) filter (where l.batch_id = ${options.batchId ?? null}::bigint)::int as "batchExceptions"
            from settlement_lines l where ${UNACCOUNTED}`,
      ),
    )) as [{ exceptions: number; batchExceptions: number }];
    return {
      reversals: reversals.paired,
      reference: count("reference"),
      remittance: count("remittance"),
      amountDate: count("amount_date"),
      batches,
      refundCases,
      posted,
      exceptions,
      ...(options.batchId === undefined ? {} : { batchExceptions }),
    };
  });
}

/**
 * Runs a matching insert as a plain insert first: each method's SELECT already leaves out lines
 * with a match and names each line once, so a conflict on matches_line_idx can only come from
 * another transaction matching the same line meanwhile. ON CONFLICT's speculative insertion per
 * row cost about as much as the rest of the insert; after a 23505 the statement runs again, in
 * the same transaction, with ON CONFLICT DO NOTHING, as it always did.
 */
async function insertingOnce(tx: Tx, run: (tx: Tx, onConflict: SQL) => Promise<number>): Promise<number> {
  try {
    return await tx.transaction((sp) => run(sp, sql``));
  } catch (error) {
    const code = (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
    if (code !== "23505") throw error;
    return run(tx, sql`on conflict (settlement_line_id) do nothing`);
  }
}

async function matchByReference(tx: Tx, onConflict: SQL): Promise<number> {
  return countOf(tx, sql`
    with ins as (
      insert into matches (settlement_line_id, receipt_id, method)
      select l.id, r.id, 'reference'
      from settlement_lines l
      join receipts r on r.bank_ref = l.bank_ref
      where l.bank_ref is not null
        and not exists (select 1 from matches m where m.settlement_line_id = l.id)
        and ${OPEN_FOR_MATCHING}
        -- a reference shared by two receipts proves nothing: leave the line for a clerk
        and not exists (select 1 from receipts r2 where r2.bank_ref = r.bank_ref and r2.id <> r.id)
      order by l.id
      ${onConflict}
      returning receipt_id, method
    ), run as (
      insert into matching_run (receipt_id, method) select receipt_id, method from ins returning 1
    )
    select count(*)::int as n from run`);
}

async function matchByRemittance(tx: Tx, onConflict: SQL): Promise<number> {
  // Receipt numbers appear in remittance text as words ("缴费2026…"), inside words ("RCPT2026…") or
  // printed in groups ("2026-1105-0000-0016"); the tokens cover all three, and the join on the unique
  // receipt_no index does the search.
  return countOf(tx, sql`
    with open_lines as (
      select l.id, normalize(upper(l.remittance), NFKC) as text
      from settlement_lines l
      where l.remittance is not null
        and not exists (select 1 from matches m where m.settlement_line_id = l.id)
        and ${OPEN_FOR_MATCHING}
    ), tokens as (
      select o.id, t[1] as token from open_lines o, regexp_matches(o.text, '[0-9A-Z]+', 'g') as t
      union
      select o.id, t[1] from open_lines o, regexp_matches(o.text, '[0-9]+', 'g') as t
      union
      select o.id, regexp_replace(t[1], '[ -]', '', 'g') from open_lines o, regexp_matches(o.text, '[0-9]+(?:[ -][0-9]+)+', 'g') as t
    ), candidates as (
      select k.id as line_id, min(r.id) as receipt_id
      from tokens k join receipts r on r.receipt_no = k.token
      group by k.id
      -- two receipt numbers in one text (one transfer for two bills) is for a clerk to split
      having count(distinct r.id) = 1
    ), ins as (
      insert into matches (settlement_line_id, receipt_id, method)
      select line_id, receipt_id, 'remittance' from candidates order by line_id
      ${onConflict}
      returning receipt_id, method
    ), run as (
      insert into matching_run (receipt_id, method) select receipt_id, method from ins returning 1
    )
    select count(*)::int as n from run`);
}

/** The settlement_lines column of each line field a rule can require. */
const REQUIRED_COLUMNS: Record<RequiredLineField, SQL> = { payer_account: sql`l.payer_account`, remittance: sql`l.remittance` };

/**
 * Uniqueness is counted on groups (amount, channel, date) rather than on
 * line × receipt pairs, so a popular fee paid thousands of times a day does
 * not explode into millions of candidate pairs.
 *
 * With a tolerance (match_rules.tolerance_fen, t fen) a line group reaches the receipt groups whose
 * amount is within t of its own. Amounts are put in buckets of t + 1 fen, so those receipt groups lie
 * in the line's bucket or the one either side: every join stays on equal keys (a receipt group reaches
 * three buckets, not 2t + 1 amounts) and the exact distance is checked after it. With t = 0 a bucket is
 * one amount and a receipt group reaches only its own: the method is exactly SPEC §2.2's. The pair is
 * still made only of a line group and a receipt group that each hold one row and reach only each
 * other, so one pass stays a fixed point. A match within the tolerance records the line's amount minus
 * the receipt's amount due (matches.difference_fen) and credits the amount due (view receipt_credits).
 */
async function matchByAmountAndDate(
  tx: Tx,
  timeZone: string,
  rule: Pick<MatchRule, "dateWindowDays" | "requireChannel" | "toleranceFen" | "requiredFields">,
  onConflict: SQL,
): Promise<number> {
  // Without "same channel", every line and receipt falls in one channel group ('*').
  const lineChannel = rule.requireChannel ? sql`l.channel` : sql`'*'::text`;
  const receiptChannel = rule.requireChannel ? sql`r.channel` : sql`'*'::text`;
  const tolerance = Math.max(0, Math.trunc(rule.toleranceFen));
  const bucket = (amount: SQL) => (tolerance === 0 ? amount : sql`(${amount}) / ${tolerance + 1}::bigint`);
  // The buckets a receipt group reaches (its own, and with a tolerance the one either side), and the distance checked after the join.
  const reachedBucket = tolerance === 0 ? sql`rg.amount_fen` : sql`${bucket(sql`rg.amount_fen`)} + b`;
  const buckets = tolerance === 0 ? sql`` : sql`, generate_series(-1, 1) as b`;
  const within = tolerance === 0 ? sql`` : sql`where abs(lg.amount_fen - rr.amount_fen) <= ${tolerance}::bigint`;
  // The line fields the rule requires; a blank text is no more a field than a missing one.
  const required = rule.requiredFields.map((f) => sql` and nullif(btrim(${REQUIRED_COLUMNS[f]}), '') is not null`);
  return countWithHashJoins(
    tx,
    sql`
    with open_lines as (
      select l.id, l.amount_fen, ${lineChannel} as channel, l.value_date
      from settlement_lines l
      where l.channel is not null
        and not exists (select 1 from matches m where m.settlement_line_id = l.id)
        and ${OPEN_FOR_MATCHING}${sql.join(required, sql``)}
    ), open_receipts as (
      select r.id, coalesce(r.amount_paid_fen, r.amount_due_fen) as amount_fen, ${receiptChannel} as channel,
             (r.paid_at at time zone ${timeZone})::date as paid_date, coalesce(${rule.dateWindowDays}::int, c.match_window_days) as w
      from receipts r
      join channels c on c.code = r.channel
      where r.paid_at is not null
        and r.billing_status in ('paid', 'sent_to_bank')
        and not exists (select 1 from matches m where m.receipt_id = r.id)
        and not exists (select 1 from channel_batch_members bm where bm.receipt_id = r.id)
    ), line_groups as (
      select amount_fen, ${bucket(sql`amount_fen`)} as bucket, channel, value_date, count(*) as n, min(id) as line_id from open_lines group by amount_fen, channel, value_date
    ), receipt_groups as (
      select amount_fen, channel, paid_date, w, count(*) as n, min(id) as receipt_id from open_receipts group by amount_fen, channel, paid_date, w
    ), receipt_reach as (
      -- every value date (and amount bucket) a receipt group can match, so that all joins below are on equal keys
      select rg.amount_fen, ${reachedBucket} as bucket, rg.channel, rg.paid_date, rg.n, rg.receipt_id, rg.paid_date + k as value_date
      from receipt_groups rg, generate_series(-rg.w, rg.w) as k${buckets}
    ), group_pairs as (
      select lg.amount_fen as line_amount, rr.amount_fen as receipt_amount, lg.channel, lg.value_date, rr.paid_date,
             lg.n as lines, rr.n as receipts, lg.line_id, rr.receipt_id
      from line_groups lg
      join receipt_reach rr on rr.bucket = lg.bucket and rr.channel = lg.channel and rr.value_date = lg.value_date
      ${within}
    ), unique_line_groups as (
      -- lines of this group see exactly one receipt in total (so one receipt group holding one receipt)
      select line_amount, channel, value_date, min(receipt_amount) as receipt_amount, min(paid_date) as paid_date, min(line_id) as line_id
      from group_pairs group by line_amount, channel, value_date having sum(receipts) = 1
    ), unique_receipt_groups as (
      -- receipts of this group see exactly one line in total; with the above, both groups hold one
      -- row each, so the group's min(id) is the line or the receipt itself
      select receipt_amount, channel, paid_date, min(line_amount) as line_amount, min(value_date) as value_date, min(receipt_id) as receipt_id
      from group_pairs group by receipt_amount, channel, paid_date having sum(lines) = 1
    ), pairs as (
      select ul.line_id, ur.receipt_id, ul.line_amount
      from unique_line_groups ul
      join unique_receipt_groups ur on ur.receipt_amount = ul.receipt_amount and ur.channel = ul.channel
        and ur.paid_date = ul.paid_date and ur.line_amount = ul.line_amount and ur.value_date = ul.value_date
    ), ins as (
      insert into matches (settlement_line_id, receipt_id, method, difference_fen)
      -- the difference the tolerance took up; an exact amount, or a line that differs from the amount due
      -- only because the resident paid another amount (matched exactly on it), records none
      ${
        tolerance === 0
          ? sql`select p.line_id, p.receipt_id, 'amount_date', null::bigint from pairs p order by p.line_id`
          : sql`select p.line_id, p.receipt_id, 'amount_date',
                   case when p.line_amount <> r.amount_due_fen and abs(p.line_amount - r.amount_due_fen) <= ${tolerance}::bigint then p.line_amount - r.amount_due_fen end
                from pairs p join receipts r on r.id = p.receipt_id
                order by p.line_id`
      }
      ${onConflict}
      returning receipt_id, method
    ), run as (
      insert into matching_run (receipt_id, method) select receipt_id, method from ins returning 1
    )
    select count(*)::int as n from run`,
  );
}

/**
 * Counts the receipts this run made `posted` (postedOf: paid once, in parts, or over) and hands
 * those a ticket is waiting on to the hook. Both read run_totals, the run's credits added up once; the hook's pages come from
 * the few receipts with a waiting ticket, so a bulk import that posts a million receipts does not
 * write them all down first.
 */
async function notifyPosted(tx: Tx): Promise<number> {
  const postedOnly = (receiptFilter: SQL) => sql`
      select c.receipt_id as id from run_totals c
      where ${receiptFilter} and ${postedOf({ n: sql`c.n`, least: sql`c.least`, total: sql`c.total`, exact: sql`c.exact` }, sql`c.due`)}`;
  const total = await countOf(tx, sql`select count(*)::int as n from (${postedOnly(sql`true`)}) posted`);
  if (total === 0) return 0;
  // Only receipts someone is waiting on (a ticket, or a "tell me when it posts" subscription) go to the hook (which checks them again).
  const waiting = sql`c.receipt_id in (
    select t.receipt_id from tickets t where t.status = 'waiting_on_settlement' and t.receipt_id is not null
    union all
    select s.receipt_id from posting_subscriptions s
    union all
    select r2.id from tickets t join receipts r2 on r2.receipt_no = t.receipt_no where t.status = 'waiting_on_settlement' and t.receipt_id is null)`;
  for (let after = 0; ; ) {
    const page = await queryRows<{ id: string | number }>(tx, sql`${postedOnly(sql`${waiting} and c.receipt_id > ${after}`)} order by c.receipt_id limit ${POSTED_PAGE}`);
    if (page.length === 0) return total;
    const ids = page.map((p) => Number(p.id));
    await onReceiptsPosted(ids, tx);
    after = ids.at(-1)!;
  }
}

/** Lines paired by the fee and batch steps (recording a fee on an existing match pairs nothing). */
const pairsOf = (b: BatchMatchSummary) => b.netOfFee + b.detailBatches + b.sumBatches;
const addBatchSummaries = (a: BatchMatchSummary, b: BatchMatchSummary): BatchMatchSummary => ({
  fees: a.fees + b.fees,
  netOfFee: a.netOfFee + b.netOfFee,
  detailBatches: a.detailBatches + b.detailBatches,
  sumBatches: a.sumBatches + b.sumBatches,
});

async function countOf(tx: Tx, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(tx, query);
  return row?.n ?? 0;
}

/**
 * Called with the receipts that became posted, inside the matching
 * transaction, so that tickets waiting on settlement can close themselves.
 */
export async function onReceiptsPosted(receiptIds: number[], tx: Executor): Promise<void> {
  await resolveWaitingTickets(receiptIds, tx);
  await notifyPostedSubscribers(receiptIds, tx);
}

import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Tx } from "../client";
import { OPEN_FOR_MATCHING } from "./match-reversals";
import { countWithHashJoins } from "./staging";

/**
 * Net-of-fee matching (issue 16), set-based like the rest of matching (matching.ts) and idempotent.
 * A channel or acquirer deducts its fee (fee_rules, the rule in force on the payment date) before
 * it pays out, so a ¥100.00 payment arrives as ¥99.40. Two steps, run after the one-to-one methods:
 *   1. fees on matches — a line this run matched by reference or remittance text whose amount is the
 *      receipt's gross − fee (within the rule's tolerance) records gross and fee on its match, so the
 *      receipt posts at its gross instead of showing a mismatch;
 *   2. net amount and date — as amount_date, but a line group matches a receipt group whose amount
 *      net of the fee equals the line's, and only when neither side has any other candidate at the
 *      gross or the net amount.
 * The fee is recorded against the match (matches.gross_fen, matches.fee_fen; the net is the line).
 */

/** The rule of channel `channel` in force on `day`, as a lateral subquery (alias f). */
export const ruleInForceSql = (channel: SQL, day: SQL) => sql`
  lateral (
    select fr.rate, fr.rate_unit, fr.rounding, fr.min_fen, fr.max_fen, fr.applies_to, fr.tolerance_fen
    from fee_rules fr
    where fr.channel = ${channel} and fr.effective_from <= ${day} and (fr.effective_to is null or fr.effective_to >= ${day})
    order by fr.effective_from desc
    limit 1
  ) f`;

/** fee_fen (migration 0016) over a gross amount with the rule aliased f. */
export const feeOf = (gross: SQL) => sql`fee_fen(${gross}, f.rate, f.rate_unit, f.rounding, f.min_fen, f.max_fen)`;

export async function recordMatchFees(tx: Tx, timeZone: string): Promise<number> {
  // Without a fee rule no match can be net of a fee: nothing to read (most stores, and the bench). The
  // statement below joins every match of this run to its line and receipt; at N = 1,000,000 that cost 23 s.
  const [rules] = (await queryRows<{ any: boolean }>(tx, sql`select exists (select 1 from fee_rules) as any`)) as [{ any: boolean }];
  if (!rules.any) return 0;
  // matching_run has no statistics yet in this step: the planner took it for 200 receipts and probed
  // three indexes for each of 900,000 (40 s at N = 1,000,000); counted, it hashes (4 s). ANALYZE samples
  // a fixed number of rows, so a small run pays next to nothing for it.
  await tx.execute(sql`analyze matching_run`);
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`
    with run_matches as (
      select m.id, r.channel, coalesce(r.amount_paid_fen, r.amount_due_fen) as gross, l.amount_fen as net, (r.paid_at at time zone ${timeZone})::date as paid_date
      from matches m
      join settlement_lines l on l.id = m.settlement_line_id
      join receipts r on r.id = m.receipt_id
      where m.receipt_id in (select receipt_id from matching_run where method in ('reference', 'remittance'))
        and m.method in ('reference', 'remittance') and m.gross_fen is null
        and r.paid_at is not null and l.amount_fen < coalesce(r.amount_paid_fen, r.amount_due_fen)
        -- only a channel with a rule can have kept a fee (day_rules below would drop the others anyway)
        and r.channel in (select channel from fee_rules)
    ), day_rules as (
      -- the rule in force is looked up once per channel and day, not once per match
      select d.channel, d.paid_date, f.* from (select distinct channel, paid_date from run_matches) d
      join ${ruleInForceSql(sql`d.channel`, sql`d.paid_date`)} on true
    ), priced as (
      select rm.id, rm.gross, rm.net, ${feeOf(sql`rm.gross`)} as fee, f.tolerance_fen
      from run_matches rm join day_rules f on f.channel = rm.channel and f.paid_date = rm.paid_date
    ), upd as (
      update matches m set gross_fen = p.gross, fee_fen = p.gross - p.net
      from priced p
      where m.id = p.id and p.fee > 0 and abs(p.net - (p.gross - p.fee)) <= p.tolerance_fen
      returning 1
    )
    select count(*)::int as n from upd`,
  );
  return row?.n ?? 0;
}

export async function matchNetOfFee(tx: Tx, timeZone: string): Promise<number> {
  // Equal-key group joins, as matchByAmountAndDate (matching.ts): hash joins, no JIT.
  return countWithHashJoins(
    tx,
    sql`
    with open_lines as (
      select l.id, l.amount_fen, l.channel, l.value_date
      from settlement_lines l
      where l.channel is not null
        and l.channel in (select channel from fee_rules)
        and not exists (select 1 from matches m where m.settlement_line_id = l.id)
        and ${OPEN_FOR_MATCHING}
    ), open_receipts as (
      select r.id, coalesce(r.amount_paid_fen, r.amount_due_fen) as gross, r.channel,
             (r.paid_at at time zone ${timeZone})::date as paid_date, c.match_window_days as w
      from receipts r
      join channels c on c.code = r.channel
      where r.paid_at is not null
        and r.billing_status in ('paid', 'sent_to_bank')
        and r.channel in (select channel from fee_rules)
        and not exists (select 1 from matches m where m.receipt_id = r.id)
        and not exists (select 1 from channel_batch_members bm where bm.receipt_id = r.id)
    ), line_groups as (
      select amount_fen, channel, value_date, count(*) as n, min(id) as line_id from open_lines group by amount_fen, channel, value_date
    ), receipt_groups as (
      select gross, channel, paid_date, w, count(*) as n, min(id) as receipt_id from open_receipts group by gross, channel, paid_date, w
    ), priced as (
      select g.*, ${feeOf(sql`g.gross`)} as fee
      from receipt_groups g join ${ruleInForceSql(sql`g.channel`, sql`g.paid_date`)} on true
    ), receipt_reach as (
      -- each receipt group reaches lines at its gross and at its net amount, on every date of its window
      select p.gross, p.channel, p.paid_date, p.n, p.receipt_id, p.fee, k.kind, k.amount_fen, p.paid_date + d as value_date
      from priced p
      cross join lateral (values ('gross', p.gross), ('net', p.gross - p.fee)) as k(kind, amount_fen)
      cross join generate_series(-p.w, p.w) as d
      where p.fee > 0
    ), group_pairs as (
      select lg.amount_fen, lg.channel, lg.value_date, rr.gross, rr.paid_date, rr.kind, rr.fee, lg.n as lines, rr.n as receipts, lg.line_id, rr.receipt_id
      from line_groups lg
      join receipt_reach rr on rr.amount_fen = lg.amount_fen and rr.channel = lg.channel and rr.value_date = lg.value_date
    ), unique_line_groups as (
      select amount_fen, channel, value_date, min(gross) as gross, min(paid_date) as paid_date, min(line_id) as line_id
      from group_pairs group by amount_fen, channel, value_date
      having sum(receipts) = 1 and bool_and(kind = 'net')
    ), unique_receipt_groups as (
      select gross, channel, paid_date, min(value_date) as value_date, min(amount_fen) as amount_fen, min(fee) as fee, min(receipt_id) as receipt_id
      from group_pairs group by gross, channel, paid_date
      having sum(lines) = 1 and bool_and(kind = 'net')
    ), pairs as (
      select ul.line_id, ur.receipt_id, ur.gross, ur.fee
      from unique_line_groups ul
      join unique_receipt_groups ur on ur.gross = ul.gross and ur.channel = ul.channel and ur.paid_date = ul.paid_date
        and ur.value_date = ul.value_date and ur.amount_fen = ul.amount_fen
    ), ins as (
      insert into matches (settlement_line_id, receipt_id, method, gross_fen, fee_fen)
      select line_id, receipt_id, 'amount_date', gross, fee from pairs order by line_id
      on conflict (settlement_line_id) do nothing
      returning receipt_id
    ), run as (
      insert into matching_run (receipt_id, method) select receipt_id, 'net_of_fee' from ins returning 1
    )
    select count(*)::int as n from run`,
  );
}

import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Tx } from "../client";
import { notifyReversedSubscribers } from "../queries/posting-subscriptions";

/**
 * Reversals and returns (issue 16), the first step of matching, set-based:
 * each reversal line not yet paired (camt.053 DBIT + RvslInd, MT940 RC) is
 * paired with the credit it returns, found by the same bank reference and
 * amount, or — when the reversal has no reference — by the same amount,
 * channel and payer account. Within one such key, reversals and credits are
 * paired in order (the n-th reversal with the n-th latest credit), so a
 * second run finds every key exhausted on one side: a fixed point.
 *
 * The pair accounts for both lines (neither is matched, neither is an
 * exception). A credit that was matched has its match moved into
 * match_reversals: the receipt derives as if the credit had never come
 * (`pending` or `overdue`), and a credit that arrives again matches again.
 * A reversal that arrives before its credit simply waits for it (it is an
 * exception meanwhile); paired later, the credit is never matched at all.
 * Every undone match is audited; its receipt's subscriptions get a notice and
 * its open tickets a public timeline event, in the matching transaction.
 */

export type ReversalSummary = { paired: number; undone: number };

export async function matchReversals(tx: Tx): Promise<ReversalSummary> {
  // Reversals are rare: the partial index (migration) answers this without reading the lines.
  const [open] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from (
    select 1 from settlement_lines l where l.reversal and not exists (select 1 from match_reversals v where v.reversal_line_id = l.id) limit 1) x`);
  if (!open?.n) return { paired: 0, undone: 0 };
  const undone = await queryRows<{ receipt_id: string | number | null; batch_id: string | number | null; reversal_line_id: string | number; original_line_id: string | number; method: string }>(
    tx,
    sql`
    with open_reversals as (
      -- a reversal without a reference is paired by channel and payer account; without either, a clerk pairs it
      select l.id, l.amount_fen, l.bank_ref as ref, case when l.bank_ref is null then l.channel end as channel,
             case when l.bank_ref is null then l.payer_account end as account
      from settlement_lines l
      where l.reversal and not exists (select 1 from match_reversals v where v.reversal_line_id = l.id)
        and (l.bank_ref is not null or l.payer_account is not null)
    ), keys as (
      select distinct amount_fen, ref, channel, account from open_reversals
    ), open_credits as (
      select l.id, l.amount_fen, k.ref, k.channel, k.account, l.value_date
      from keys k join settlement_lines l on l.amount_fen = k.amount_fen and l.bank_ref = k.ref
      where k.ref is not null and not l.reversal and not exists (select 1 from match_reversals v where v.original_line_id = l.id)
      union all
      select l.id, l.amount_fen, k.ref, k.channel, k.account, l.value_date
      from keys k join settlement_lines l on l.amount_fen = k.amount_fen and l.payer_account = k.account and l.channel is not distinct from k.channel
      where k.ref is null and not l.reversal and not exists (select 1 from match_reversals v where v.original_line_id = l.id)
    ), ranked_reversals as (
      select id, amount_fen, ref, channel, account,
             row_number() over (partition by amount_fen, ref, channel, account order by id) as n
      from open_reversals
    ), ranked_credits as (
      -- the latest credit is returned first
      select id, amount_fen, ref, channel, account,
             row_number() over (partition by amount_fen, ref, channel, account order by value_date desc, id desc) as n
      from open_credits
    ), pairs as (
      select r.id as reversal_line_id, c.id as original_line_id
      from ranked_reversals r join ranked_credits c on c.amount_fen = r.amount_fen and c.n = r.n
        and c.ref is not distinct from r.ref and c.channel is not distinct from r.channel and c.account is not distinct from r.account
    ), undone as (
      delete from matches m using pairs p where m.settlement_line_id = p.original_line_id
      returning m.settlement_line_id, m.receipt_id, m.batch_id, m.method::text as method, m.matched_by, m.matched_at
    ), ins as (
      insert into match_reversals (reversal_line_id, original_line_id, receipt_id, batch_id, method, matched_by, matched_at)
      select p.reversal_line_id, p.original_line_id, u.receipt_id, u.batch_id, u.method, u.matched_by, u.matched_at
      from pairs p left join undone u on u.settlement_line_id = p.original_line_id
      order by p.reversal_line_id
      returning reversal_line_id, original_line_id, receipt_id, batch_id, method
    ), batch_members as (
      -- a returned batch credit undoes the match of every member receipt
      select i.reversal_line_id, i.original_line_id, bm.receipt_id, i.batch_id, i.method
      from ins i join channel_batch_members bm on bm.batch_id = i.batch_id
    )
    -- one row per pair without a batch (receipt_id null: the credit had not been matched), one per batch member
    select reversal_line_id, original_line_id, receipt_id, null::bigint as batch_id, method from ins where batch_id is null
    union all
    select reversal_line_id, original_line_id, receipt_id, batch_id, method from batch_members
    order by reversal_line_id, receipt_id`,
  );
  const paired = new Set(undone.map((u) => String(u.reversal_line_id))).size;
  const reversed = undone.filter((u) => u.receipt_id !== null).map((u) => ({
    receiptId: Number(u.receipt_id),
    reversalLineId: Number(u.reversal_line_id),
    originalLineId: Number(u.original_line_id),
    batchId: u.batch_id === null ? null : Number(u.batch_id),
    method: u.method,
  }));
  const batchIds = [...new Set(reversed.flatMap((u) => (u.batchId === null ? [] : [u.batchId])))];
  if (batchIds.length > 0) await reopenBatches(tx, batchIds);
  if (reversed.length > 0) {
    const rows = JSON.stringify(reversed);
    // One audit row per undone match (ids and codes only), written set-based.
    await tx.execute(sql`
      insert into audit_events (actor, action, object_type, object_id, outcome, detail)
      select 'system', 'match.reverse', 'receipt', x."receiptId"::text, 'ok',
             jsonb_strip_nulls(jsonb_build_object('settlementLineId', x."originalLineId", 'reversalLineId', x."reversalLineId", 'method', x.method, 'batchId', x."batchId"))
      from json_to_recordset(${rows}::json) as x("receiptId" bigint, "reversalLineId" bigint, "originalLineId" bigint, "batchId" bigint, method text)`);
    // Every open ticket on the receipt (by id, or by number before the receipt arrived) hears of it on its timeline.
    await tx.execute(sql`
      insert into ticket_events (ticket_id, at, actor, kind, public, data)
      select t.id, now(), 'system', 'payment_reversed', true, jsonb_build_object('reversalLineId', x."reversalLineId")
      from json_to_recordset(${rows}::json) as x("receiptId" bigint, "reversalLineId" bigint)
      join receipts r on r.id = x."receiptId"
      join tickets t on (t.receipt_id = r.id or (t.receipt_id is null and t.receipt_no = r.receipt_no))
      where t.status not in ('resolved', 'closed') and t.merged_into_id is null`);
    await notifyReversedSubscribers(reversed, tx);
  }
  return { paired, undone: reversed.length };
}

/**
 * Batches whose credit was returned: a detail batch keeps its members (the detail file still names
 * them) and waits for a credit again, which matchDetailBatches pairs as before; an inferred batch
 * (`sum`) is dissolved, so its receipts are open again and a credit paid again infers the same batch.
 * The members derive `pending` or `overdue` either way: receipt_credits reads a batch's share only
 * through its match, which the reversal moved to match_reversals.
 */
async function reopenBatches(tx: Tx, batchIds: number[]): Promise<void> {
  const ids = sql.join(batchIds.map((id) => sql`${id}`), sql`, `);
  await tx.execute(sql`update channel_batches set settlement_line_id = null where id in (${ids}) and source = 'detail'`);
  await tx.execute(sql`delete from channel_batch_members where batch_id in (select id from channel_batches where id in (${ids}) and source = 'sum')`);
  await tx.execute(sql`delete from channel_batches where id in (${ids}) and source = 'sum'`);
}

/**
 * A line the match methods may consider: not a reversal, and not a credit a reversal returned.
 * `l` is the settlement_lines alias.
 */
export const OPEN_FOR_MATCHING = sql`not l.reversal and not exists (select 1 from match_reversals v where v.original_line_id = l.id)`;

/** A line neither matched nor paired with a reversal: an exception for a clerk. `l` is the settlement_lines alias. */
export const UNACCOUNTED = sql`not exists (select 1 from matches m where m.settlement_line_id = l.id)
  and not exists (select 1 from match_reversals v where v.original_line_id = l.id or v.reversal_line_id = l.id)`;

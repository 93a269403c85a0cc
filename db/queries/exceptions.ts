import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { db, queryRows } from "../client";
import { feeOf, ruleInForceSql } from "../import/match-fees";
import { settlementLineView, type SettlementLineRow, type SettlementLineView } from "./manual-match";
import type { StaffPrincipal } from "./staff";

/**
 * Exceptions (SPEC §2.2): settlement lines no receipt claimed, newest first,
 * keyset-paginated on the line id (the primary key, so a page costs the same
 * at any depth), each with the receipts that could be its owner. Matching one
 * by hand goes through manualMatch (db/queries/manual-match.ts), which checks
 * the staff member's scope and audits.
 */

export type ExceptionFilters = { channel?: string; from?: string; to?: string; amountFen?: number };

export type CandidateReceipt = {
  id: number;
  receiptNo: string;
  amountDueFen: number;
  amountPaidFen: number | null;
  channel: string;
  paidAt: Date | null;
  /**
   * reference: same bank reference; remittance: the receipt number is in the line's text; amount_date: same amount and
   * channel within the channel's window; net_of_fee: same channel and window, and the credit is within one fee (at least
   * ¥1) of the receipt's amount net of the fee rule in force — a credit the rule does not explain (or not alone).
   */
  reason: "reference" | "remittance" | "amount_date" | "net_of_fee";
  /** net_of_fee: the receipt's gross, the rule's fee and the net it expects (the credit and the difference are the line's). */
  expected: { grossFen: number; feeFen: number; netFen: number } | null;
};

export type ExceptionLine = SettlementLineView & { fileName: string; candidates: CandidateReceipt[] };

const CANDIDATES_PER_LINE = 5;

/** Every staff role may look at exceptions; who may match a line to a receipt is manualMatch's decision. */
export async function listExceptions(
  _staff: StaffPrincipal,
  filters: ExceptionFilters,
  page: { cursor?: number; limit?: number; timeZone: string },
): Promise<{ rows: ExceptionLine[]; next: number | null }> {
  const limit = page.limit ?? 25;
  // A reversal paired with the credit it returns accounts for both lines (db/import/match-reversals.ts): neither is an exception.
  const conditions: SQL[] = [
    sql`not exists (select 1 from matches m where m.settlement_line_id = l.id)`,
    sql`not exists (select 1 from match_reversals v where v.original_line_id = l.id or v.reversal_line_id = l.id)`,
  ];
  if (filters.channel) conditions.push(sql`l.channel = ${filters.channel}`);
  if (filters.from) conditions.push(sql`l.value_date >= ${filters.from}::date`);
  if (filters.to) conditions.push(sql`l.value_date <= ${filters.to}::date`);
  if (filters.amountFen !== undefined) conditions.push(sql`l.amount_fen = ${filters.amountFen}`);
  if (page.cursor !== undefined) conditions.push(sql`l.id < ${page.cursor}`);

  const lines = await queryRows<SettlementLineRow & { file_name: string }>(
    db(),
    sql`select l.id, l.bank_ref, l.amount_fen, l.value_date::text as value_date, l.channel, l.payer_account, l.remittance, b.file_name
        from settlement_lines l join settlement_batches b on b.id = l.batch_id
        where ${sql.join(conditions, sql` and `)}
        order by l.id desc
        limit ${limit + 1}`,
  );
  const shown = lines.slice(0, limit);
  const candidates = await candidateReceipts(
    shown.map((l) => Number(l.id)),
    page.timeZone,
  );
  return {
    rows: shown.map((l) => ({ ...settlementLineView(l), fileName: l.file_name, candidates: candidates.get(Number(l.id)) ?? [] })),
    next: lines.length > limit ? Number(shown[shown.length - 1]!.id) : null,
  };
}

/**
 * Unmatched receipts that could own each line — the inverse of candidateLines:
 * the same bank reference, the receipt number in the remittance text (digits
 * runs of the normalised text looked up by receipt_no, so the index is used),
 * or the same amount and channel with the value date within the channel's
 * match window of the service-zone payment date. At most a few per line.
 */
async function candidateReceipts(lineIds: number[], timeZone: string): Promise<Map<number, CandidateReceipt[]>> {
  const result = new Map<number, CandidateReceipt[]>();
  if (lineIds.length === 0) return result;
  const rows = await queryRows<{
    line_id: string | number;
    id: string | number;
    receipt_no: string;
    amount_due_fen: string | number;
    amount_paid_fen: string | number | null;
    channel: string;
    paid_at: string | Date | null;
    reason: CandidateReceipt["reason"];
    fee: string | number | null;
  }>(
    db(),
    sql`
    with l as (
      select id, bank_ref, amount_fen, value_date, channel,
             regexp_replace(normalize(upper(coalesce(remittance, '')), NFKC), '[ -]', '', 'g') as text
      from settlement_lines where id in (${sql.join(lineIds.map((id) => sql`${id}`), sql`, `)})
    ),
    found as (
      select l.id as line_id, r.id as receipt_id, 'reference' as reason, 1 as rank
      from l join receipts r on r.bank_ref = l.bank_ref
      where l.bank_ref is not null
      union all
      select l.id, r.id, 'remittance', 2
      from l cross join lateral regexp_matches(l.text, '[0-9]{12,24}', 'g') as m(no)
      join receipts r on r.receipt_no = m.no[1]
      union all
      select l.id, r.id, 'amount_date', 3
      from l join receipts r on r.channel = l.channel and coalesce(r.amount_paid_fen, r.amount_due_fen) = l.amount_fen
      join channels c on c.code = r.channel
      where r.paid_at is not null
        and l.value_date between (r.paid_at at time zone ${timeZone})::date - c.match_window_days
                             and (r.paid_at at time zone ${timeZone})::date + c.match_window_days
    ),
    near as (
      -- open receipts on a channel with fee rules, paid within the window of a line's date: read once for the page
      select r.id, r.channel, coalesce(r.amount_paid_fen, r.amount_due_fen) as gross, (r.paid_at at time zone ${timeZone})::date as paid_date, c.match_window_days as w
      from receipts r join channels c on c.code = r.channel
      where r.channel in (select channel from l where channel in (select channel from fee_rules)) and r.paid_at is not null
        and r.paid_at >= (select min(value_date) from l) - interval '32 days' and r.paid_at < (select max(value_date) from l) + interval '32 days'
        and not exists (select 1 from matches m where m.receipt_id = r.id)
        and not exists (select 1 from channel_batch_members bm where bm.receipt_id = r.id)
    ),
    priced as (
      select n.id, n.channel, n.gross, n.paid_date, n.w, ${feeOf(sql`n.gross`)} as fee
      from near n join ${ruleInForceSql(sql`n.channel`, sql`n.paid_date`)} on true
    ),
    by_fee as (
      select l.id as line_id, p.id as receipt_id, 'net_of_fee' as reason, 4 as rank, p.fee
      from l join priced p on p.channel = l.channel
      where p.fee > 0 and l.amount_fen < p.gross
        and l.value_date between p.paid_date - p.w and p.paid_date + p.w
        and abs(l.amount_fen - (p.gross - p.fee)) <= greatest(p.fee, 100)
    ),
    ranked as (
      select distinct on (f.line_id, f.receipt_id) f.line_id, f.receipt_id, f.reason, f.rank, f.fee
      from (select line_id, receipt_id, reason, rank, null::bigint as fee from found union all select * from by_fee) f
      where not exists (select 1 from matches m where m.receipt_id = f.receipt_id)
      order by f.line_id, f.receipt_id, f.rank
    ),
    limited as (
      select *, row_number() over (partition by line_id order by rank, receipt_id) as n from ranked
    )
    select x.line_id, r.id, r.receipt_no, r.amount_due_fen, r.amount_paid_fen, r.channel, r.paid_at, x.reason, x.fee
    from limited x join receipts r on r.id = x.receipt_id
    where x.n <= ${CANDIDATES_PER_LINE}
    order by x.line_id, x.rank, r.id`,
  );
  for (const row of rows) {
    const list = result.get(Number(row.line_id)) ?? [];
    list.push({
      id: Number(row.id),
      receiptNo: row.receipt_no,
      amountDueFen: Number(row.amount_due_fen),
      amountPaidFen: row.amount_paid_fen === null ? null : Number(row.amount_paid_fen),
      channel: row.channel,
      paidAt: row.paid_at === null ? null : new Date(row.paid_at),
      reason: row.reason,
      expected: row.reason === "net_of_fee" && row.fee !== null ? expectedOf(Number(row.amount_paid_fen ?? row.amount_due_fen), Number(row.fee)) : null,
    });
    result.set(Number(row.line_id), list);
  }
  return result;
}

const expectedOf = (grossFen: number, feeFen: number) => ({ grossFen, feeFen, netFen: grossFen - feeFen });

import "server-only";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { env } from "@/lib/env";
import { db, type Executor, queryRows, type Tx } from "../client";
import { matches, matchReversals, receipts, settlementLines, tickets } from "../schema";
import { recordAudit, staffActor } from "./audit";
import { onReceiptsPosted } from "../import/matching";
import type { StaffPrincipal } from "./staff";

/**
 * Matching by hand (SPEC §2.2: lines that match nothing are exceptions that
 * staff can match, audited). Used from the ticket page and the exceptions page.
 */

/** A settlement line as staff see it (ticket page, exceptions page). */
export type SettlementLineView = {
  id: number;
  bankRef: string | null;
  amountFen: number;
  valueDate: string;
  channel: string | null;
  /** Already masked by the bank. */
  payerAccount: string | null;
  remittance: string | null;
};

/** The columns `l.id, l.bank_ref, l.amount_fen, l.value_date::text, l.channel, l.payer_account, l.remittance` as they come back. */
export type SettlementLineRow = {
  id: string | number;
  bank_ref: string | null;
  amount_fen: string | number;
  value_date: string | Date;
  channel: string | null;
  payer_account: string | null;
  remittance: string | null;
};

export function settlementLineView(row: SettlementLineRow): SettlementLineView {
  return {
    id: Number(row.id),
    bankRef: row.bank_ref,
    amountFen: Number(row.amount_fen),
    valueDate: String(row.value_date).slice(0, 10),
    channel: row.channel,
    payerAccount: row.payer_account,
    remittance: row.remittance,
  };
}

export type CandidateLine = SettlementLineView & {
  /** Why it is offered: the receipt number is in the remittance text, or amount and channel agree within the window. */
  reason: "remittance" | "amount_date";
};

/**
 * Unmatched settlement lines that could belong to this receipt: the receipt
 * number appears in the remittance text (spaces and hyphens ignored), or the
 * same amount and channel with a value date within the channel's match window
 * around the service-zone date of payment. None for a receipt that is already
 * matched (a second line is the matcher's or a refund's business, not a click).
 */
export async function candidateLines(receiptId: number, options: { timeZone?: string; limit?: number } = {}, tx: Executor = db()): Promise<CandidateLine[]> {
  const timeZone = options.timeZone ?? env().TZ;
  const rows = await queryRows<SettlementLineRow & { reason: "remittance" | "amount_date" }>(
    tx,
    sql`
    with r as (
      select r.id, r.receipt_no, r.channel, coalesce(r.amount_paid_fen, r.amount_due_fen) as amount_fen,
             (r.paid_at at time zone ${timeZone})::date as paid_date, c.match_window_days as w
      from receipts r join channels c on c.code = r.channel
      where r.id = ${receiptId} and not exists (select 1 from matches m where m.receipt_id = r.id)
    )
    select l.id, l.bank_ref, l.amount_fen, l.value_date::text as value_date, l.channel, l.payer_account, l.remittance,
           case when strpos(regexp_replace(normalize(upper(coalesce(l.remittance, '')), NFKC), '[ -]', '', 'g'), r.receipt_no) > 0
                then 'remittance' else 'amount_date' end as reason
    from r
    join settlement_lines l on (
         (l.amount_fen = r.amount_fen and l.channel = r.channel and r.paid_date is not null
          and l.value_date between r.paid_date - r.w and r.paid_date + r.w)
      or (l.remittance is not null and strpos(regexp_replace(normalize(upper(l.remittance), NFKC), '[ -]', '', 'g'), r.receipt_no) > 0))
    where not exists (select 1 from matches m where m.settlement_line_id = l.id)
      -- a reversal line is not a payment, and a returned credit is not one any more
      and not l.reversal and not exists (select 1 from match_reversals v where v.original_line_id = l.id)
    order by reason desc, l.value_date, l.id
    limit ${options.limit ?? 20}`,
  );
  return rows.map((row) => ({ ...settlementLineView(row), reason: row.reason }));
}

export type ManualMatchResult =
  | { ok: true; matchId: number }
  | { ok: false; code: "not_found" | "forbidden" | "line_already_matched" | "receipt_already_matched" };

/**
 * Links one settlement line to one receipt with method 'manual', in one
 * transaction with its audit event, then runs the same post-match hook as the
 * matcher (a ticket waiting on settlement resolves when the payment is now
 * posted). Refuses a line or a receipt that is already matched. Scope: a
 * supervisor or admin may match any receipt; an agent only a receipt with a
 * ticket in one of their queues.
 */
export async function manualMatch(input: { receiptId: number; lineId: number; staff: StaffPrincipal; now: Date }, tx0 = db()): Promise<ManualMatchResult> {
  const { receiptId, lineId, staff, now } = input;
  return tx0.transaction(async (tx) => {
    const refuse = async (code: Exclude<ManualMatchResult, { ok: true }>["code"]): Promise<ManualMatchResult> => {
      await recordAudit(tx, { actor: staffActor(staff.id), action: "match.manual", objectType: "receipt", objectId: receiptId, outcome: "refused", detail: { lineId, code } });
      return { ok: false, code };
    };
    // Lock the receipt first: two clerks matching lines to the same receipt queue up here.
    const [receipt] = await tx.select({ id: receipts.id }).from(receipts).where(eq(receipts.id, receiptId)).for("update").limit(1);
    if (!receipt) return refuse("not_found");
    if (!(await mayMatch(tx, staff, receiptId))) return refuse("forbidden");
    const [line] = await tx.select({ id: settlementLines.id, reversal: settlementLines.reversal }).from(settlementLines).where(eq(settlementLines.id, lineId)).limit(1);
    if (!line) return refuse("not_found");
    // A reversal line is no payment, and a credit a reversal returned is accounted for by the pair.
    const [paired] = await tx.select({ id: matchReversals.id }).from(matchReversals).where(eq(matchReversals.originalLineId, lineId)).limit(1);
    if (line.reversal || paired) return refuse("line_already_matched");
    const [already] = await tx.select({ id: matches.id }).from(matches).where(eq(matches.receiptId, receiptId)).limit(1);
    if (already) return refuse("receipt_already_matched");

    // The unique line index decides a race with the matcher or another clerk: the loser inserts nothing.
    const [match] = await tx
      .insert(matches)
      .values({ settlementLineId: lineId, receiptId, method: "manual", matchedBy: staffActor(staff.id), matchedAt: now })
      .onConflictDoNothing({ target: matches.settlementLineId })
      .returning({ id: matches.id });
    if (!match) return refuse("line_already_matched");

    await recordAudit(tx, { actor: staffActor(staff.id), action: "match.manual", objectType: "receipt", objectId: receiptId, outcome: "ok", detail: { lineId, matchId: match.id } });
    await onReceiptsPosted([receiptId], tx);
    return { ok: true, matchId: match.id };
  });
}

async function mayMatch(tx: Tx, staff: StaffPrincipal, receiptId: number): Promise<boolean> {
  if (staff.role !== "agent") return true;
  if (staff.queues.length === 0) return false;
  const [ticket] = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.receiptId, receiptId), isNull(tickets.mergedIntoId), inArray(tickets.queue, staff.queues as (typeof tickets.$inferSelect)["queue"][])))
    .limit(1);
  return ticket !== undefined;
}

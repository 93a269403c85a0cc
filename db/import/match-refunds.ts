import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { routeTicket } from "@/lib/routing";
import { slaDueAt } from "@/lib/sla";
import { hashTrackingSecret, newTicketRef, newTrackingSecret } from "@/lib/tickets";
import { queryRows, type Tx } from "../client";
import { tickets } from "../schema";
import { loadCalendar } from "../queries/calendar";

/**
 * Refund cases opened by matching itself (issue 16, issue 18 item 2). A
 * receipt whose matched credits add up to more than it was due — the amount
 * paid twice (`duplicate`) or an over-payment (`posted`, the excess refunded)
 * — gets one `refunds` ticket with the excess, once: a receipt that already
 * has a refunds ticket (the resident's own, or an earlier run's, whatever its
 * status) gets none, so running matching again opens nothing.
 *
 * The case is the staff's: no resident holds its tracking link (the secret is
 * random and discarded), and the resident follows it on the status page. Its
 * contact is the one the billing system gave, for staff only.
 */

export type RefundCasesOptions = { timeZone: string; now?: Date; totals: SQL };

type Candidate = { receipt_id: string | number; receipt_no: string; contact: string; excess_fen: string | number; duplicate: boolean };

/**
 * One row per receipt among `receipts` (a subquery of ids) that has credits and no void or refund:
 * receipt_id, receipt_no, payer_phone, due, and the aggregates of its credits (n, least, total,
 * exact), which decide both `posted` (postedOf) and a refund case. Matching computes it once per run.
 */
export const creditTotals = (receipts: SQL) => sql`
    select r.id as receipt_id, r.receipt_no, r.payer_phone, r.amount_due_fen as due,
           count(*) as n, min(l.amount_fen) as least, sum(l.amount_fen) as total,
           count(*) filter (where l.amount_fen = r.amount_due_fen) as exact
    from receipts r
    -- a receipt's own credits (at their gross when the channel kept a fee) and its share of a batch credit
    join receipt_credits l on l.receipt_id = r.id
    where r.id in (${receipts})
      and r.billing_status not in ('voided', 'refunded', 'refund_pending')
    group by r.id, r.receipt_no, r.payer_phone, r.amount_due_fen`;

/** Receipts of `options.totals` (rows of creditTotals) that need a case. */
export async function openRefundCases(tx: Tx, options: RefundCasesOptions): Promise<number> {
  const candidates = await queryRows<Candidate>(
    tx,
    sql`
    select c.receipt_id, c.receipt_no, coalesce(c.payer_phone, '') as contact, c.total - c.due as excess_fen, c.n > 1 and c.exact > 0 as duplicate
    from (${options.totals}) c
    where c.total > c.due
      and not exists (select 1 from tickets t where t.queue = 'refunds' and (t.receipt_id = c.receipt_id or t.receipt_no = c.receipt_no))
    order by c.receipt_id`,
  );
  if (candidates.length === 0) return 0;
  const now = options.now ?? new Date();
  const routing = routeTicket("duplicate", "duplicate_charge", false);
  if (routing.kind !== "ticket") throw new Error("duplicate payments must route to a ticket");
  const calendar = await loadCalendar(tx);
  const dueAt = routing.slaBusinessDays === null ? null : slaDueAt(now, routing.slaBusinessDays, calendar, options.timeZone);
  const made = await tx
    .insert(tickets)
    .values(
      candidates.map((c) => ({
        ref: newTicketRef(),
        receiptNo: c.receipt_no,
        receiptId: Number(c.receipt_id),
        category: c.duplicate ? ("duplicate_charge" as const) : ("wrong_amount" as const),
        status: "open" as const,
        queue: "refunds" as const,
        priority: routing.priority,
        paymentStatus: c.duplicate ? "duplicate" : "posted",
        dueAt,
        // Staff read the case from its data; the resident never wrote it.
        description: `refund:${Number(c.excess_fen)}`,
        payerContact: c.contact,
        locale: "zh-CN",
        trackingTokenHash: hashTrackingSecret(newTrackingSecret()),
        createdAt: now,
        updatedAt: now,
      })),
    )
    // A resident's ticket for the same receipt and category opened meanwhile is the case.
    .onConflictDoNothing()
    .returning({ id: tickets.id, ref: tickets.ref, receiptId: tickets.receiptId });
  if (made.length === 0) return 0;
  const rows = JSON.stringify(made.map((t) => ({ id: t.id, ref: t.ref, receiptId: t.receiptId, excess: Number(candidates.find((c) => Number(c.receipt_id) === t.receiptId)!.excess_fen) })));
  await tx.execute(sql`
    insert into ticket_events (ticket_id, at, actor, kind, public, data)
    select x.id, ${now.toISOString()}::timestamptz, 'system', 'refund_case_opened', true, jsonb_build_object('refundFen', x.excess, 'queue', 'refunds')
    from json_to_recordset(${rows}::json) as x(id bigint, excess bigint)`);
  await tx.execute(sql`
    insert into audit_events (actor, action, object_type, object_id, outcome, detail)
    select 'system', 'ticket.create', 'ticket', x.ref, 'ok', jsonb_build_object('queue', 'refunds', 'receiptId', x."receiptId", 'refundFen', x.excess, 'openedBy', 'matching')
    from json_to_recordset(${rows}::json) as x(ref text, "receiptId" bigint, excess bigint)`);
  return made.length;
}

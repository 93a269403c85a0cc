import type { StatusCode } from "./status";

/**
 * Ticket routing (SPEC §2.3). When a resident reports a problem the server
 * re-derives the payment status and this table decides: a ticket in a queue
 * with an SLA in business days, or an answer instead of a ticket.
 */

export const TICKET_CATEGORIES = ["not_posted", "duplicate_charge", "wrong_amount", "locked", "info_change", "invoice_missing", "other"] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const TICKET_QUEUES = ["bank_liaison", "finance", "refunds", "data_entry", "records", "invoices"] as const;
export type TicketQueue = (typeof TICKET_QUEUES)[number];

export const TICKET_STATUSES = ["open", "waiting_on_payer", "waiting_on_settlement", "resolved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export type Routing =
  | { kind: "ticket"; queue: TicketQueue; status: "open" | "waiting_on_settlement"; slaBusinessDays: number | null; priority: 1 | 2 | 3 }
  /** No ticket: the status page already answers (posted: offer invoice_missing; awaiting_bank: come back after the lock). */
  | { kind: "answer"; reason: "posted" | "awaiting_bank" }
  /** The resident says they paid but nothing shows it: proof is what staff need to re-enter (补录) it. */
  | { kind: "needs_proof" };

type Row = { when: (s: StatusCode, c: TicketCategory, hasProof: boolean) => boolean; then: Routing; rule: string };

const ticket = (queue: TicketQueue, slaBusinessDays: number | null, priority: 1 | 2 | 3 = 2, status: "open" | "waiting_on_settlement" = "open"): Routing => ({
  kind: "ticket",
  queue,
  status,
  slaBusinessDays,
  priority,
});

/** First matching row wins. Priority 1 = money or time at risk for the resident. */
export const ROUTING_TABLE: readonly Row[] = [
  { rule: "info_change, any status → records (5)", when: (_s, c) => c === "info_change", then: ticket("records", 5, 3) },
  { rule: "posted + invoice_missing → invoices (3)", when: (s, c) => s === "posted" && c === "invoice_missing", then: ticket("invoices", 3, 3) },
  { rule: "posted → answer, no ticket", when: (s) => s === "posted", then: { kind: "answer", reason: "posted" } },
  { rule: "awaiting_bank → answer, no ticket inside the lock window", when: (s) => s === "awaiting_bank", then: { kind: "answer", reason: "awaiting_bank" } },
  { rule: "pending → waiting_on_settlement (bank_liaison after escalation)", when: (s) => s === "pending", then: ticket("bank_liaison", null, 2, "waiting_on_settlement") },
  { rule: "overdue → bank_liaison (2)", when: (s) => s === "overdue", then: ticket("bank_liaison", 2, 1) },
  { rule: "amount_mismatch → finance (3)", when: (s) => s === "amount_mismatch", then: ticket("finance", 3) },
  { rule: "duplicate → refunds (5)", when: (s) => s === "duplicate", then: ticket("refunds", 5, 1) },
  { rule: "refund_pending → refunds (5)", when: (s) => s === "refund_pending", then: ticket("refunds", 5) },
  { rule: "refunded → refunds (5)", when: (s) => s === "refunded", then: ticket("refunds", 5) },
  { rule: "unpaid/not_found with proof → data_entry (2)", when: (s, _c, proof) => (s === "unpaid" || s === "not_found") && proof, then: ticket("data_entry", 2, 1) },
  { rule: "unpaid/not_found without proof → ask for proof", when: (s) => s === "unpaid" || s === "not_found", then: { kind: "needs_proof" } },
  { rule: "voided → finance (3)", when: (s) => s === "voided", then: ticket("finance", 3) },
];

export function routeTicket(status: StatusCode, category: TicketCategory, hasProof: boolean): Routing {
  const row = ROUTING_TABLE.find((r) => r.when(status, category, hasProof));
  if (!row) throw new Error(`no routing rule for ${status}/${category}`);
  return row.then;
}

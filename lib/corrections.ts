import { canSeeQueue, type StaffRole } from "./auth/roles";
import type { BillingStatus } from "./status";

/**
 * Refunds and re-entries (补录) under maker-checker (SPEC §2.3). The rules
 * in one place:
 *
 * | who            | prepares                                     | approves / rejects                               |
 * |----------------|----------------------------------------------|--------------------------------------------------|
 * | agent          | for tickets in their own queues              | a re-entry, when they work the data_entry queue  |
 * | supervisor     | for any ticket                               | any correction                                   |
 * | admin          | nothing (operators, not case workers)        | nothing                                          |
 * | the preparer   | —                                            | never their own (also a database constraint)     |
 *
 * A refund sends money out, so only a supervisor approves it; a re-entry
 * records a payment the resident already made, evidenced by the voucher, so a
 * second data-entry clerk may check it.
 */

export const CORRECTION_KINDS = ["refund", "reentry"] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];
export const CORRECTION_STATUSES = ["pending", "approved", "rejected"] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];

export type CorrectionActor = { id: number; role: StaffRole; queues: readonly string[] };

export type PrepareRefusal = "forbidden" | "not_refundable" | "amount_too_large" | "not_reenterable" | "paid_in_future";
export type DecisionRefusal = "forbidden" | "own_correction" | "supervisor_only";

export function prepareRefusal(actor: CorrectionActor, ticketQueue: string): "forbidden" | null {
  if (actor.role === "admin") return "forbidden";
  return canSeeQueue(actor, ticketQueue) ? null : "forbidden";
}

export function decisionRefusal(actor: CorrectionActor, correction: { kind: CorrectionKind; preparedBy: number }): DecisionRefusal | null {
  if (actor.id === correction.preparedBy) return "own_correction";
  if (actor.role === "supervisor") return null;
  if (actor.role === "agent") {
    if (correction.kind === "refund") return "supervisor_only";
    return actor.queues.includes("data_entry") ? null : "forbidden";
  }
  return "forbidden";
}

export type CorrectionReceipt = {
  billingStatus: BillingStatus;
  amountDueFen: number;
  amountPaidFen: number | null;
  /** Sum of the settlement lines matched to the receipt. */
  settledFen: number;
};

/** Most that can be refunded: what the bank settled, or what billing says was paid when nothing settled yet. */
export function refundableFen(receipt: CorrectionReceipt): number {
  return Math.max(receipt.settledFen, receipt.amountPaidFen ?? 0);
}

const REFUNDABLE: ReadonlySet<BillingStatus> = new Set(["paid", "sent_to_bank", "voided"]);

/** Whether the receipt, as it is now, admits this correction (checked when preparing and again when approving). */
export function correctionRefusal(
  receipt: CorrectionReceipt,
  correction: { kind: "refund"; amountFen: number } | { kind: "reentry"; amountFen: number; paidAt: Date },
  now: Date,
): Exclude<PrepareRefusal, "forbidden"> | null {
  if (correction.kind === "refund") {
    if (!REFUNDABLE.has(receipt.billingStatus) || refundableFen(receipt) === 0) return "not_refundable";
    return correction.amountFen > refundableFen(receipt) ? "amount_too_large" : null;
  }
  // 补录: billing never heard of the payment (still unpaid) and no settlement line was matched to it.
  if (receipt.billingStatus !== "unpaid" || receipt.settledFen > 0) return "not_reenterable";
  return correction.paidAt.getTime() > now.getTime() ? "paid_in_future" : null;
}

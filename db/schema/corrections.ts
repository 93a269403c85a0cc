import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { CORRECTION_KINDS, CORRECTION_STATUSES } from "@/lib/corrections";
import { channels, receipts } from "./receipts";
import { staff } from "./staff";
import { tickets } from "./tickets";

export const correctionKind = pgEnum("correction_kind", CORRECTION_KINDS);
export const correctionStatus = pgEnum("correction_status", CORRECTION_STATUSES);

/**
 * Refunds and re-entries (补录) under maker-checker (SPEC §2.3): prepared by
 * one staff member, approved or rejected by another; only the approval
 * changes the receipt, in the same transaction as its audit event.
 */
export const corrections = pgTable(
  "corrections",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: correctionKind("kind").notNull(),
    status: correctionStatus("status").notNull().default("pending"),
    ticketId: bigint("ticket_id", { mode: "number" })
      .notNull()
      .references(() => tickets.id),
    receiptId: bigint("receipt_id", { mode: "number" })
      .notNull()
      .references(() => receipts.id),
    /** Refund: the amount to pay back. Re-entry: the amount the resident paid. */
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    /** Why (refund), or what the voucher shows (re-entry). */
    reason: text("reason").notNull(),
    /** Refund only: the account to pay back to (PII: staff pages only, never in audit detail). */
    payeeAccount: text("payee_account"),
    /** Re-entry only: the payment as the resident's proof shows it. */
    channel: text("channel").references(() => channels.code),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    bankRef: text("bank_ref"),
    preparedBy: bigint("prepared_by", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    preparedAt: timestamp("prepared_at", { withTimezone: true }).notNull(),
    decidedBy: bigint("decided_by", { mode: "number" }).references(() => staff.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionNote: text("decision_note"),
    /** Refund only: when the money actually left (the receipt moves from refund_pending to refunded). */
    paidOutBy: bigint("paid_out_by", { mode: "number" }).references(() => staff.id),
    paidOutAt: timestamp("paid_out_at", { withTimezone: true }),
    /** Optimistic concurrency: a decision names the version it saw, so two approvers cannot both act. */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    // One correction of a kind in flight per receipt: a second clerk finds the first instead of preparing another.
    uniqueIndex("corrections_one_pending_idx").on(t.receiptId, t.kind).where(sql`${t.status} = 'pending'`),
    index("corrections_status_idx").on(t.status, t.preparedAt, t.id),
    index("corrections_ticket_idx").on(t.ticketId),
    check("corrections_amount_check", sql`${t.amountFen} > 0`),
    // Maker-checker, also as a constraint: whatever the code does, the preparer never decides.
    check("corrections_four_eyes_check", sql`${t.decidedBy} is null or ${t.decidedBy} <> ${t.preparedBy}`),
  ],
);

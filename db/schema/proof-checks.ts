import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { PROOF_CHECK_RESULTS } from "@/lib/proofs/check";
import { ticketAttachments, tickets } from "./tickets";

/**
 * What the job runner read off each uploaded proof and how it compares with
 * the store (issue 15). One row per attachment: inserted when a worker claims
 * the proof, completed when the check is done. Erased with its attachment
 * (retention): the fields are personal data.
 */
export const proofChecks = pgTable(
  "proof_checks",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    attachmentId: bigint("attachment_id", { mode: "number" })
      .notNull()
      .references(() => ticketAttachments.id, { onDelete: "cascade" }),
    ticketId: bigint("ticket_id", { mode: "number" })
      .notNull()
      .references(() => tickets.id),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    /** reference_match | amount_match | not_found_yet | reused | unreadable (SPEC §3.6 data-proof-check). */
    result: text("result"),
    /** pdf_text | ocr; null when nothing was read. */
    source: text("source"),
    /** The parsed fields with their confidence (lib/proofs/fields.ts ProofFields). */
    fields: jsonb("fields").$type<Record<string, { value: string | number; confidence: number } | null>>().notNull().default({}),
    /** The slip's transaction number, for spotting the same payment sent for another receipt. */
    transactionId: text("transaction_id"),
    /** dHash of an image proof (16 hex digits), for spotting the same screenshot re-encoded or cropped. */
    dhash: text("dhash"),
    /** Why the result is what it is (line found, day offset, other receipt): lib/proofs/check.ts ProofCheckDetail. */
    detail: jsonb("detail").$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    /** An unmatched settlement line with the slip's transaction number and amount: staff may confirm it as the match. */
    proposedLineId: bigint("proposed_line_id", { mode: "number" }),
  },
  (t) => [
    uniqueIndex("proof_checks_attachment_idx").on(t.attachmentId),
    index("proof_checks_ticket_idx").on(t.ticketId),
    index("proof_checks_transaction_idx").on(t.transactionId).where(sql`${t.transactionId} is not null`),
    index("proof_checks_pending_idx").on(t.claimedAt).where(sql`${t.checkedAt} is null`),
    check("proof_checks_result_check", sql.raw(`result is null or result in (${PROOF_CHECK_RESULTS.map((r) => `'${r}'`).join(", ")})`)),
  ],
);

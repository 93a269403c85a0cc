import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { MAX_TOLERANCE_FEN } from "@/lib/match-rules";

/** One imported statement file; the hash makes re-importing it a no-op. */
export const settlementBatches = pgTable("settlement_batches", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  fileHash: text("file_hash").notNull().unique(),
  fileName: text("file_name").notNull(),
  format: text("format").notNull(),
  profile: text("profile"),
  linesRead: integer("lines_read").notNull().default(0),
  linesInserted: integer("lines_inserted").notNull().default(0),
  importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
});

export const settlementLines = pgTable(
  "settlement_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** References settlement_batches.id (and channel channels.code): checked once per statement by triggers (migration 0007), not per row. */
    batchId: bigint("batch_id", { mode: "number" }).notNull(),
    /** Identity of the line across overlapping statements (bank ref, amount, value date, channel, account, text). */
    lineKey: text("line_key").notNull(),
    bankRef: text("bank_ref"),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    valueDate: date("value_date").notNull(),
    channel: text("channel"),
    payerAccount: text("payer_account"),
    remittance: text("remittance"),
    /**
     * The bank's return of an earlier credit (camt.053 DBIT with RvslInd true, MT940 RC): never a payment;
     * match-reversals.ts pairs it with the credit it undoes. The amount stays positive (the credit's).
     */
    reversal: boolean("reversal").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("settlement_lines_line_key_idx").on(t.lineKey),
    // Reversal lines are few: matching finds the open ones by this small index, never by reading every line.
    index("settlement_lines_reversal_idx").on(t.id).where(sql`${t.reversal}`),
    // No index on bank_ref nor on (amount_fen, value_date): matching joins lines to receipts by hashing,
    // the candidate search's OR of amount+date and remittance text cannot use an index, and no query
    // looks a line up by either; the two indexes cost a million-line import several seconds to maintain.
    check("settlement_lines_amount_check", sql`${t.amountFen} > 0`),
  ],
);

export const matchMethod = pgEnum("match_method", ["reference", "remittance", "amount_date", "manual", "batch"]);

/** A settlement line belongs to at most one receipt: the unique line id is what stops double counting. */
export const matches = pgTable(
  "matches",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** References settlement_lines.id and receipts.id: checked once per statement by triggers (migration 0007), not per row. */
    settlementLineId: bigint("settlement_line_id", { mode: "number" }).notNull(),
    /** The receipt this line pays; null when it pays a batch (batch_id): exactly one of the two is set. */
    receiptId: bigint("receipt_id", { mode: "number" }),
    /** The batch (channel_batches) a batch credit pays (issue 16); its members are the receipts. */
    batchId: bigint("batch_id", { mode: "number" }),
    /** Net-of-fee matches (issue 16): what the receipt was worth and the fee the channel kept; the line's amount is the net. */
    grossFen: bigint("gross_fen", { mode: "number" }),
    feeFen: bigint("fee_fen", { mode: "number" }),
    /**
     * Amount-and-date matches within the rule's tolerance (match_rules.tolerance_fen): the line's amount
     * minus the receipt's amount due; null when they are equal (or the difference was not the tolerance's).
     * The credit then counts as the amount due (view receipt_credits), so a few fen short is `posted`,
     * not a mismatch, and a few fen over opens no refund case.
     */
    differenceFen: bigint("difference_fen", { mode: "number" }),
    method: matchMethod("method").notNull(),
    /** Staff member for manual matches; null for the matcher. */
    matchedBy: text("matched_by"),
    matchedAt: timestamp("matched_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("matches_line_idx").on(t.settlementLineId),
    index("matches_receipt_idx").on(t.receiptId),
    check("matches_target_check", sql`(${t.receiptId} is null) <> (${t.batchId} is null)`),
    check("matches_fee_check", sql`(${t.grossFen} is null) = (${t.feeFen} is null) and (${t.feeFen} is null or ${t.feeFen} >= 0)`),
    // A tolerated difference is never 0 (that is an exact match: null) and never beside a fee (net-of-fee matching records none).
    check("matches_difference_check", sql`${t.differenceFen} is null or (${t.differenceFen} <> 0 and ${t.differenceFen} between ${sql.raw(String(-MAX_TOLERANCE_FEN))} and ${sql.raw(String(MAX_TOLERANCE_FEN))} and ${t.grossFen} is null)`),
  ],
);

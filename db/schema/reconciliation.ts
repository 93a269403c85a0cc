import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, check, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { MAX_TOLERANCE_FEN, REQUIRED_LINE_FIELDS } from "@/lib/match-rules";

/**
 * A reversal line paired with the credit it undoes (issue 16). Both lines are accounted for by this
 * row: neither is matched to a receipt, neither is an exception. When the credit had been matched,
 * the match is moved here (receipt, method, who and when), so the receipt derives as it did before
 * the credit arrived, and a later credit for it matches again.
 */
export const matchReversals = pgTable(
  "match_reversals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    reversalLineId: bigint("reversal_line_id", { mode: "number" }).notNull(),
    originalLineId: bigint("original_line_id", { mode: "number" }).notNull(),
    /** The receipt whose match was undone; null when the credit had not been matched. */
    receiptId: bigint("receipt_id", { mode: "number" }),
    /**
     * The batch whose credit was returned (issue 16): its members lost their credit. A detail batch
     * stays (its detail file still names the members) and waits for a credit again; an inferred (`sum`)
     * batch is dissolved, so its receipts are open again and a credit paid again infers it anew.
     */
    batchId: bigint("batch_id", { mode: "number" }),
    method: text("method"),
    matchedBy: text("matched_by"),
    matchedAt: timestamp("matched_at", { withTimezone: true }),
    reversedAt: timestamp("reversed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("match_reversals_reversal_idx").on(t.reversalLineId), uniqueIndex("match_reversals_original_idx").on(t.originalLineId)],
);

export const MATCH_RULE_METHODS = ["reference", "remittance", "amount_date"] as const;

/**
 * The rows that drive matching (issue 16): which methods run and in what order, the date window and
 * whether amount-and-date matching requires the same channel (lib/match-rules.ts). The defaults (migration) reproduce the fixed matching of
 * SPEC §2.2 exactly. Finance and supervisors edit them at /staff/match-rules after a dry run.
 */
export const matchRules = pgTable(
  "match_rules",
  {
    method: text("method").primaryKey(),
    position: integer("position").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** amount_date: days either side of the payment date; null = the channel's match window. */
    dateWindowDays: integer("date_window_days"),
    /** amount_date: the line's channel must equal the receipt's. reference/remittance: unused. */
    requireChannel: boolean("require_channel").notNull().default(true),
    /**
     * amount_date: a line whose amount differs from the receipt's by at most this many fen is a candidate
     * (0 = the same amount, SPEC §2.2); the difference is recorded on the match (matches.difference_fen).
     */
    toleranceFen: bigint("tolerance_fen", { mode: "number" }).notNull().default(0),
    /** amount_date: line fields that must be present for a line to be considered (lib/match-rules.ts REQUIRED_LINE_FIELDS). */
    requiredFields: text("required_fields").array().notNull().default(sql`'{}'::text[]`),
    updatedBy: text("updated_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("match_rules_method_check", sql`${t.method} in ('reference', 'remittance', 'amount_date')`),
    check("match_rules_window_check", sql`${t.dateWindowDays} is null or ${t.dateWindowDays} between 0 and 31`),
    check("match_rules_tolerance_check", sql`${t.toleranceFen} between 0 and ${sql.raw(String(MAX_TOLERANCE_FEN))}`),
    check("match_rules_required_fields_check", sql`${t.requiredFields} <@ ${sql.raw(`array[${REQUIRED_LINE_FIELDS.map((f) => `'${f}'`).join(", ")}]::text[]`)}`),
  ],
);

import { sql } from "drizzle-orm";
import { bigint, bigserial, check, date, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { FEE_APPLIES_TO, FEE_RATE_UNITS, FEE_ROUNDINGS } from "@/lib/fees";
import { channels } from "./receipts";

const oneOf = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

/**
 * What a channel or acquirer deducts before it pays out (issue 16), effective-dated per channel.
 * The rule in force on a payment date is the one with the latest effective_from on or before it
 * whose effective_to (the last day in force, inclusive) is not before it. lib/fees.ts computes the
 * fee; the SQL function fee_fen (same migration) computes the same in set-based matching.
 */
export const feeRules = pgTable(
  "fee_rules",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel")
      .notNull()
      .references(() => channels.code),
    /** The rate in `rate_unit`: 60 basis points = 6 per mille = 0.6 %. */
    rate: integer("rate").notNull(),
    rateUnit: text("rate_unit").notNull().default("bp"),
    rounding: text("rounding").notNull().default("half_up"),
    /** Minimum and maximum fee (fen), per transaction or per batch (`applies_to`). */
    minFen: bigint("min_fen", { mode: "number" }),
    maxFen: bigint("max_fen", { mode: "number" }),
    appliesTo: text("applies_to").notNull().default("transaction"),
    /** How far (fen) a credit may differ from gross − fee and still match; 0 = exactly. */
    toleranceFen: bigint("tolerance_fen", { mode: "number" }).notNull().default(0),
    effectiveFrom: date("effective_from").notNull(),
    effectiveTo: date("effective_to"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("fee_rules_channel_from_idx").on(t.channel, t.effectiveFrom),
    check("fee_rules_rate_check", sql`${t.rate} between 0 and 10000`),
    check("fee_rules_unit_check", oneOf("rate_unit", FEE_RATE_UNITS)),
    check("fee_rules_rounding_check", oneOf("rounding", FEE_ROUNDINGS)),
    check("fee_rules_applies_check", oneOf("applies_to", FEE_APPLIES_TO)),
    check("fee_rules_bounds_check", sql`(${t.minFen} is null or ${t.minFen} >= 0) and (${t.maxFen} is null or ${t.maxFen} >= coalesce(${t.minFen}, 0)) and ${t.toleranceFen} >= 0`),
    check("fee_rules_dates_check", sql`${t.effectiveTo} is null or ${t.effectiveTo} >= ${t.effectiveFrom}`),
  ],
);

/**
 * One lines of a settlement detail file (清算明细): a POS acquirer's or channel's per-transaction
 * account of a batch. Idempotent by line_key. receipt_ref is the receipt number or bank reference.
 */
export const settlementDetailLines = pgTable(
  "settlement_detail_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    fileHash: text("file_hash").notNull(),
    lineKey: text("line_key").notNull(),
    channel: text("channel").notNull(),
    terminalId: text("terminal_id"),
    batchNo: text("batch_no"),
    batchDate: date("batch_date").notNull(),
    receiptRef: text("receipt_ref").notNull(),
    grossFen: bigint("gross_fen", { mode: "number" }).notNull(),
    feeFen: bigint("fee_fen", { mode: "number" }).notNull(),
    netFen: bigint("net_fen", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("settlement_detail_lines_key_idx").on(t.lineKey),
    index("settlement_detail_lines_batch_idx").on(t.channel, t.terminalId, t.batchNo, t.batchDate),
    check("settlement_detail_lines_amounts_check", sql`${t.grossFen} > 0 and ${t.feeFen} >= 0 and ${t.netFen} = ${t.grossFen} - ${t.feeFen}`),
  ],
);

/**
 * A batch: many receipts paid by one bank credit (issue 16). The credit's match row points here
 * (matches.batch_id), so the credit is still accounted for exactly once; each receipt is a member
 * of at most one batch. `source` is `detail` (built from a settlement detail file; the credit may
 * not have arrived yet) or `sum` (inferred: the terminal's day summed to the credit, gross or net).
 */
export const channelBatches = pgTable(
  "channel_batches",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel").notNull(),
    terminalId: text("terminal_id"),
    batchNo: text("batch_no"),
    batchDate: date("batch_date").notNull(),
    source: text("source").notNull(),
    grossFen: bigint("gross_fen", { mode: "number" }).notNull(),
    feeFen: bigint("fee_fen", { mode: "number" }).notNull(),
    netFen: bigint("net_fen", { mode: "number" }).notNull(),
    memberCount: integer("member_count").notNull(),
    /** The bank credit that paid the batch (also in matches with this batch id); null until it arrives. */
    settlementLineId: bigint("settlement_line_id", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("channel_batches_key_idx").on(t.channel, sql`coalesce(${t.terminalId}, '')`, sql`coalesce(${t.batchNo}, '')`, t.batchDate),
    uniqueIndex("channel_batches_line_idx").on(t.settlementLineId),
    check("channel_batches_source_check", oneOf("source", ["detail", "sum"])),
    check("channel_batches_amounts_check", sql`${t.grossFen} > 0 and ${t.feeFen} >= 0 and ${t.netFen} = ${t.grossFen} - ${t.feeFen}`),
  ],
);

export const channelBatchMembers = pgTable(
  "channel_batch_members",
  {
    batchId: bigint("batch_id", { mode: "number" })
      .notNull()
      .references(() => channelBatches.id),
    /** A receipt belongs to one batch at most. */
    receiptId: bigint("receipt_id", { mode: "number" }).notNull(),
    grossFen: bigint("gross_fen", { mode: "number" }).notNull(),
    feeFen: bigint("fee_fen", { mode: "number" }).notNull(),
    detailLineId: bigint("detail_line_id", { mode: "number" }),
  },
  (t) => [uniqueIndex("channel_batch_members_receipt_idx").on(t.receiptId), index("channel_batch_members_batch_idx").on(t.batchId)],
);

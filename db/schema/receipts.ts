import { sql } from "drizzle-orm";
import { bigint, bigserial, check, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { BILLING_STATUSES } from "@/lib/status";

export const billingStatus = pgEnum("billing_status", BILLING_STATUSES);

/** Payment channels with their settlement timing (SPEC §2 defaults seeded by the first migration). */
export const channels = pgTable(
  "channels",
  {
    code: text("code").primaryKey(),
    nameZh: text("name_zh").notNull(),
    nameEn: text("name_en").notNull(),
    lagDays: integer("lag_days").notNull(),
    cutoff: text("cutoff").notNull(),
    lockWindowMinutes: integer("lock_window_minutes"),
    /** How many days either side of the expected date a value date may fall for amount+date matching. */
    matchWindowDays: integer("match_window_days").notNull().default(3),
    /**
     * How this channel's merchant order numbers (out_trade_no) name receipts: a regular expression over the
     * whole order number whose first capture group (or group `receipt`) is the receipt number. Null: the
     * order number is the receipt number. See lib/channels/order-no.ts.
     */
    orderNoPattern: text("order_no_pattern"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("channels_lag_check", sql`${t.lagDays} between 0 and 30`),
    check("channels_cutoff_check", sql`${t.cutoff} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    check("channels_lock_check", sql`${t.lockWindowMinutes} is null or ${t.lockWindowMinutes} between 1 and 1440`),
  ],
);

export const services = pgTable("services", {
  code: text("code").primaryKey(),
  nameZh: text("name_zh").notNull(),
  nameEn: text("name_en").notNull(),
});

/** Amount due per service with effective dates, so a mismatch can be explained. */
export const feeSchedules = pgTable(
  "fee_schedules",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    service: text("service").notNull().references(() => services.code),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    effectiveFrom: date("effective_from").notNull(),
    effectiveTo: date("effective_to"),
  },
  (t) => [
    uniqueIndex("fee_schedules_service_from_idx").on(t.service, t.effectiveFrom),
    check("fee_schedules_amount_check", sql`${t.amountFen} >= 0`),
  ],
);

export const receipts = pgTable(
  "receipts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receiptNo: text("receipt_no").notNull(),
    /** References services.code and channels.code: checked once per statement by triggers (migration 0007), not per row. */
    service: text("service").notNull(),
    payerName: text("payer_name").notNull(),
    payerPhone: text("payer_phone"),
    amountDueFen: bigint("amount_due_fen", { mode: "number" }).notNull(),
    amountPaidFen: bigint("amount_paid_fen", { mode: "number" }),
    channel: text("channel").notNull(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    bankRef: text("bank_ref"),
    /** The POS terminal that took the payment, when known (issue 16: a terminal's day settles as one batch). */
    terminalId: text("terminal_id"),
    billingStatus: billingStatus("billing_status").notNull(),
    refundAmountFen: bigint("refund_amount_fen", { mode: "number" }),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("receipts_receipt_no_idx").on(t.receiptNo),
    index("receipts_bank_ref_idx").on(t.bankRef),
    check("receipts_amounts_check", sql`${t.amountDueFen} >= 0 and (${t.amountPaidFen} is null or ${t.amountPaidFen} >= 0)`),
  ],
);

/** A known disruption announced on affected status pages. */
export const incidents = pgTable("incidents", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  channel: text("channel").references(() => channels.code),
  bank: text("bank"),
  valueFrom: date("value_from").notNull(),
  valueTo: date("value_to").notNull(),
  messageZh: text("message_zh").notNull(),
  messageEn: text("message_en").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp("ended_at", { withTimezone: true }),
});

import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { NOTIFY_CHANNELS } from "@/lib/channels/types";
import { receipts } from "./receipts";

/**
 * Payment confirmations from the channels' signed notifications (issue 14).
 * Append-only (a trigger refuses UPDATE and DELETE, migration 0010) and
 * idempotent: one row per (channel, channel transaction id), so the channel's
 * retries and duplicates add nothing. Linked to a receipt by receipt number
 * (mapped from the merchant order number), not by id: a confirmation that
 * arrives before the billing system's receipt links itself once it does.
 */
export const channelConfirmations = pgTable(
  "channel_confirmations",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The notifying channel: wechat, alipay or acquirer (whose receipts have channel pos). */
    channel: text("channel").notNull(),
    transactionId: text("transaction_id").notNull(),
    /** The merchant order number exactly as the channel sent it. */
    outTradeNo: text("out_trade_no").notNull(),
    /** The receipt number the order maps to (channels.order_no_pattern); null when it maps to none. */
    receiptNo: text("receipt_no"),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    paidAt: timestamp("paid_at", { withTimezone: true }).notNull(),
    terminalId: text("terminal_id"),
    batchId: text("batch_id"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("channel_confirmations_txn_idx").on(t.channel, t.transactionId),
    index("channel_confirmations_receipt_no_idx").on(t.receiptNo),
    // The console's "confirmed, not yet settled" and exception lists go newest first.
    index("channel_confirmations_received_idx").on(t.receivedAt, t.id),
    check("channel_confirmations_channel_check", sql.raw(`channel in (${NOTIFY_CHANNELS.map((c) => `'${c}'`).join(", ")})`)),
    check("channel_confirmations_amount_check", sql`${t.amountFen} > 0`),
  ],
);

/**
 * "Tell me when it posts": a resident's contact (PII) for one receipt, kept
 * until the last notice is queued (the payment posted), then deleted.
 */
export const postingSubscriptions = pgTable(
  "posting_subscriptions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receiptId: bigint("receipt_id", { mode: "number" })
      .notNull()
      .references(() => receipts.id),
    /** Mobile number or e-mail address, normalised. Never logged, never shown back. */
    contact: text("contact").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    /** Set when the "not posted by the expected date" notice was queued (at most one). */
    overdueNotifiedAt: timestamp("overdue_notified_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("posting_subscriptions_receipt_contact_idx").on(t.receiptId, t.contact)],
);

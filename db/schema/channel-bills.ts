import { bigint, bigserial, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { channelConfirmations } from "./channel-confirmations";
import { settlementLines } from "./settlements";
import { receipts } from "./receipts";

/**
 * The lines of channel bills (profiles wechat-merchant, alipay-merchant) with
 * the channel transaction id they carry (微信订单号 / 支付宝交易号), written by
 * the import (db/import/channel-bills.ts). A bill line and a confirmation are
 * linked by (channel, transaction_id) — indexed on both sides — so a
 * confirmation that arrives after its bill links without any update, and
 * re-importing adds nothing. One bill line per transaction.
 */
export const channelBillLines = pgTable(
  "channel_bill_lines",
  {
    settlementLineId: bigint("settlement_line_id", { mode: "number" })
      .primaryKey()
      .references(() => settlementLines.id),
    /** wechat or alipay, as in channel_confirmations.channel. */
    channel: text("channel").notNull(),
    transactionId: text("transaction_id").notNull(),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("channel_bill_lines_txn_idx").on(t.channel, t.transactionId)],
);

/**
 * A confirmation that was on no bill line by the end of the next business day
 * after its payment (lib/channels/bill-due.ts), raised by the worker job
 * `raise_channel_bill_exceptions`. The console lists those still without a
 * line: a bill imported late clears it by itself.
 */
export const channelBillExceptions = pgTable(
  "channel_bill_exceptions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    confirmationId: bigint("confirmation_id", { mode: "number" })
      .notNull()
      .references(() => channelConfirmations.id),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    raisedAt: timestamp("raised_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("channel_bill_exceptions_confirmation_idx").on(t.confirmationId)],
);

/**
 * Active order queries (worker job `query_channel_orders`): each time we asked
 * a channel's order-query API about a receipt still waiting without a
 * confirmation, and what it said (`success`, `not_paid`, `not_found`, `error`).
 * The job asks about a receipt again only after a pause, so a run is bounded.
 */
export const channelOrderQueries = pgTable(
  "channel_order_queries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    receiptId: bigint("receipt_id", { mode: "number" })
      .notNull()
      .references(() => receipts.id),
    channel: text("channel").notNull(),
    outcome: text("outcome").notNull(),
    queriedAt: timestamp("queried_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("channel_order_queries_receipt_idx").on(t.receiptId, t.queriedAt)],
);

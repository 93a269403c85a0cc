import "server-only";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { RECEIPT_CHANNEL_FOR, receiptNoForOrder, type ChannelPayment } from "@/lib/channels";
import { AppError } from "@/lib/errors";
import { db, preparedRows, type Executor } from "../client";
import type { StaffPrincipal } from "./staff";
import { channelConfirmations, receipts } from "../schema";

/**
 * Channel confirmations (issue 14): what WeChat Pay, Alipay and the acquirer
 * told us, verified. Append-only and idempotent by (channel, transaction id).
 */

export type RecordOutcome =
  | { kind: "recorded"; id: number; linked: boolean; amountDiffers: boolean }
  | { kind: "duplicate" }
  | { kind: "refused"; reason: "channel_mismatch" };

/**
 * Stores a verified payment in ONE statement (the notify endpoints' whole cost in
 * the database: no transaction, one round trip). The order number is mapped to a
 * receipt number with the channel's `order_no_pattern` (a JavaScript regular
 * expression, applied here, not in SQL); a receipt paid on another channel refuses
 * the confirmation (nothing stored); an unknown receipt stores it unlinked (the
 * console's "channel confirmed, no receipt"). A retry or duplicate of the same
 * transaction adds nothing (`on conflict do nothing`, safe under concurrent
 * deliveries).
 *
 * The statement carries the pattern the receipt number was mapped with and
 * inserts only while the channel still has that pattern; otherwise it returns the
 * current one and the payment is mapped and stored again with it. The last pattern
 * seen per channel is remembered, so an unchanged pattern (the usual case: none)
 * costs one round trip and a changed one two — never a stale mapping.
 */
export async function recordConfirmation(payment: ChannelPayment, executor: Executor = db()): Promise<RecordOutcome> {
  const receiptChannel = RECEIPT_CHANNEL_FOR[payment.channel];
  let pattern = lastPatterns.get(receiptChannel) ?? null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const receiptNo = receiptNoForOrder(payment.outTradeNo, pattern);
    const [row] = await preparedRows<StoreRow>(executor, STORE_CONFIRMATION, [
      receiptChannel,
      receiptNo,
      pattern,
      payment.channel,
      payment.transactionId,
      payment.outTradeNo,
      payment.amountFen,
      payment.paidAt.toISOString(),
      payment.terminalId,
      payment.batchId,
    ]);
    if (!row) throw new Error("recordConfirmation: no result row");
    if (!row.same_pattern) {
      pattern = row.pattern;
      lastPatterns.set(receiptChannel, pattern);
      continue;
    }
    if (!row.channel_ok) return { kind: "refused", reason: "channel_mismatch" };
    if (row.id === null) return { kind: "duplicate" };
    const linked = row.receipt_channel !== null;
    return { kind: "recorded", id: Number(row.id), linked, amountDiffers: linked && Number(row.amount_due_fen) !== payment.amountFen };
  }
  throw new Error("recordConfirmation: the channel's order_no_pattern kept changing");
}

/**
 * $1 receipt channel, $2 receipt number (or null), $3 the pattern it was mapped with, $4–$10 the confirmation.
 * Inserts only while the channel's pattern is still $3 and the receipt (if any) is on $1.
 */
const STORE_CONFIRMATION = `
with ch as (select order_no_pattern as pattern from channels where code = $1::text),
r as (select channel, amount_due_fen from receipts where receipt_no = $2::text),
c as (select (select pattern from ch) is not distinct from $3::text as same_pattern,
             coalesce((select channel from r) = $1::text, true) as channel_ok),
ins as (
  insert into channel_confirmations (channel, transaction_id, out_trade_no, receipt_no, amount_fen, paid_at, terminal_id, batch_id)
  select $4::text, $5::text, $6::text, $2::text, $7::bigint, $8::timestamptz, $9::text, $10::text
  from c where c.same_pattern and c.channel_ok
  on conflict (channel, transaction_id) do nothing
  returning id)
select c.same_pattern, c.channel_ok, (select pattern from ch) as pattern, (select channel from r) as receipt_channel,
       (select amount_due_fen from r)::text as amount_due_fen, (select id from ins)::text as id
from c`;

type StoreRow = { same_pattern: boolean; channel_ok: boolean; pattern: string | null; receipt_channel: string | null; amount_due_fen: string | null; id: string | number | null };

/** The order_no_pattern last seen per receipt channel (a hint only: every statement checks it). */
const lastPatterns = new Map<string, string | null>();

/**
 * For the staff ticket: every confirmation of a receipt, oldest first (transaction ids unmasked). Unscoped: the
 * caller passes the receipt of a ticket it has already read through the staff member's scope.
 */
export async function unsafeConfirmationsForReceipt(receiptNo: string, tx: Executor = db()) {
  return tx
    .select({
      id: channelConfirmations.id,
      channel: channelConfirmations.channel,
      transactionId: channelConfirmations.transactionId,
      outTradeNo: channelConfirmations.outTradeNo,
      amountFen: channelConfirmations.amountFen,
      paidAt: channelConfirmations.paidAt,
      terminalId: channelConfirmations.terminalId,
      batchId: channelConfirmations.batchId,
      receivedAt: channelConfirmations.receivedAt,
    })
    .from(channelConfirmations)
    .where(eq(channelConfirmations.receiptNo, receiptNo))
    .orderBy(channelConfirmations.receivedAt, channelConfirmations.id);
}

export type UnlinkedConfirmation = Awaited<ReturnType<typeof unlinkedConfirmations>>["rows"][number];

/**
 * "Channel confirmed, no receipt": confirmations whose order maps to no receipt
 * in the store (yet), newest first, keyset-paged on the id. A receipt that
 * arrives later takes its confirmation off this list by itself. Every staff role
 * may look (like unmatched settlement lines); data entry follows them up.
 */
export async function unlinkedConfirmations(_staff: StaffPrincipal, options: { before?: number; limit?: number } = {}, tx: Executor = db()) {
  const limit = options.limit ?? 50;
  const rows = await tx
    .select({
      id: channelConfirmations.id,
      channel: channelConfirmations.channel,
      transactionId: channelConfirmations.transactionId,
      outTradeNo: channelConfirmations.outTradeNo,
      receiptNo: channelConfirmations.receiptNo,
      amountFen: channelConfirmations.amountFen,
      paidAt: channelConfirmations.paidAt,
      receivedAt: channelConfirmations.receivedAt,
    })
    .from(channelConfirmations)
    .leftJoin(receipts, eq(receipts.receiptNo, channelConfirmations.receiptNo))
    .where(and(isNull(receipts.id), options.before ? lt(channelConfirmations.id, options.before) : undefined))
    .orderBy(desc(channelConfirmations.id))
    .limit(limit + 1);
  return { rows: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1]!.id : null };
}

export type UnsettledBucket = { channel: string; age: "under_1d" | "1_3d" | "over_3d"; count: number; amountFen: number };

/**
 * The dashboard tile: confirmations of receipts with no matched settlement line
 * yet ("confirmed, not yet settled"), by channel and age since the payment.
 */
export async function confirmedNotSettled(staff: StaffPrincipal, now: Date, tx: Executor = db()): Promise<UnsettledBucket[]> {
  // The dashboard's audience (db/queries/dashboard.ts).
  if (staff.role !== "supervisor" && staff.role !== "admin") throw new AppError("forbidden");
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const age = sql<string>`case when ${channelConfirmations.paidAt} > ${ago(1)}::timestamptz then 'under_1d'
    when ${channelConfirmations.paidAt} > ${ago(3)}::timestamptz then '1_3d' else 'over_3d' end`;
  const rows = await tx
    .select({ channel: channelConfirmations.channel, age, count: sql<number>`count(*)::int`, amountFen: sql<string>`sum(${channelConfirmations.amountFen})::text` })
    .from(channelConfirmations)
    .innerJoin(receipts, eq(receipts.receiptNo, channelConfirmations.receiptNo))
    .where(
      and(
        sql`not exists (select 1 from matches m where m.receipt_id = ${receipts.id})`,
        or(eq(receipts.billingStatus, "paid"), eq(receipts.billingStatus, "sent_to_bank"), eq(receipts.billingStatus, "unpaid")),
      ),
    )
    // By position: the age expression carries parameters, so repeating it would not be "the same" expression.
    .groupBy(sql`1, 2`)
    .orderBy(sql`1, 2`);
  return rows.map((r) => ({ channel: r.channel, age: r.age as UnsettledBucket["age"], count: Number(r.count), amountFen: Number(r.amountFen) }));
}

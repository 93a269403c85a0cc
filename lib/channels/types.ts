/**
 * Payment notifications from the channels (issue 14): WeChat Pay, Alipay and a
 * UnionPay/POS acquirer tell the merchant within seconds that a payment went
 * through. Each verifier here is pure (node:crypto only): bytes and headers in,
 * a verified payment or a refusal reason out. Nothing here touches the database.
 */

/** The notifying channels, as they appear in the URL and in stored confirmations. */
export const NOTIFY_CHANNELS = ["wechat", "alipay", "acquirer"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** The receipts' `channel` code a notifying channel must match (an acquirer's payments are POS payments). */
export const RECEIPT_CHANNEL_FOR: Record<NotifyChannel, string> = { wechat: "wechat", alipay: "alipay", acquirer: "pos" };

/** A payment the channel vouched for (signature verified, message well formed). */
export type ChannelPayment = {
  channel: NotifyChannel;
  transactionId: string;
  outTradeNo: string;
  amountFen: number;
  paidAt: Date;
  terminalId: string | null;
  batchId: string | null;
};

/**
 * Why a notification was not taken. `bad_signature`, `stale_timestamp` and `missing_headers` mean
 * it may not come from the channel; `malformed` and `bad_amount` mean the (authentic) message cannot
 * be read; `not_success` is an authentic notice of a payment that did not succeed (acknowledged, not stored).
 */
export type RefusalReason = "missing_headers" | "stale_timestamp" | "bad_signature" | "decrypt_failed" | "malformed" | "bad_amount" | "not_success";

export type VerifyResult = { ok: true; payment: ChannelPayment } | { ok: false; reason: RefusalReason };

/** Bodies larger than this are refused before parsing; real notifications are 1–3 KiB. */
export const MAX_NOTIFY_BYTES = 64 * 1024;

/** Identifiers as the channels send them: printable ASCII, bounded. */
export const ID_PATTERN = /^[\x21-\x7e]{1,64}$/;

export const refused = (reason: RefusalReason): VerifyResult => ({ ok: false, reason });

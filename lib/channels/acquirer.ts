import { createHmac, timingSafeEqual } from "node:crypto";
import { yuanString } from "./alipay";
import { ID_PATTERN, refused, type VerifyResult } from "./types";

/**
 * A UnionPay / POS acquirer's payment notification (our own contract, since
 * acquirers differ): POST of JSON
 *   {"transaction_id": "…", "out_trade_no": "…", "amount": "25.00", "paid_at": "2026-11-04T10:34:56+08:00",
 *    "terminal_id": "…"?, "batch_id": "…"?}
 * `amount` is a yuan string with at most two decimals (never a JSON number: no
 * floats), `paid_at` RFC 3339 with an offset. `X-Signature` is the lowercase hex
 * HMAC-SHA256 of the raw body bytes with ACQUIRER_NOTIFY_SECRET (an optional
 * `sha256=` prefix is accepted). Answer: 200 `{"result":"ok"}`; anything else is
 * retried by the acquirer.
 */

export const ACQUIRER_SIGNATURE_HEADER = "x-signature";

export function acquirerSignature(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function verifyAcquirerNotification(signatureHeader: string | null, body: Buffer, secret: string): VerifyResult {
  if (!signatureHeader) return refused("missing_headers");
  const given = signatureHeader.trim().replace(/^sha256=/i, "").toLowerCase();
  const expected = acquirerSignature(secret, body);
  if (!/^[0-9a-f]{64}$/.test(given) || !timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(expected, "hex"))) return refused("bad_signature");

  let data: unknown;
  try {
    data = JSON.parse(body.toString("utf8"));
  } catch {
    return refused("malformed");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return refused("malformed");
  const d = data as Record<string, unknown>;
  const id = (v: unknown) => typeof v === "string" && ID_PATTERN.test(v);
  if (!id(d.transaction_id) || !id(d.out_trade_no)) return refused("malformed");
  for (const key of ["terminal_id", "batch_id"] as const) if (d[key] !== undefined && d[key] !== null && !id(d[key])) return refused("malformed");
  const amountFen = typeof d.amount === "string" ? yuanString(d.amount) : null;
  if (amountFen === null) return refused("bad_amount");
  const paidAt = typeof d.paid_at === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(d.paid_at) ? new Date(d.paid_at) : null;
  if (!paidAt || Number.isNaN(paidAt.getTime())) return refused("malformed");
  return {
    ok: true,
    payment: {
      channel: "acquirer",
      transactionId: d.transaction_id as string,
      outTradeNo: d.out_trade_no as string,
      amountFen,
      paidAt,
      terminalId: (d.terminal_id as string | undefined) ?? null,
      batchId: (d.batch_id as string | undefined) ?? null,
    },
  };
}

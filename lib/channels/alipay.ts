import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { parseYuan } from "../money";
import { rsaSha256Valid } from "./keys";
import { ID_PATTERN, refused, type VerifyResult } from "./types";

/**
 * Alipay asynchronous notifications (异步通知, notify_url): a form-encoded POST.
 * RSA2 = RSA-SHA256 over every parameter except `sign` and `sign_type` and those
 * with empty values, sorted by key, joined as `k=v` with `&` (values decoded, not
 * re-encoded), verified with Alipay's public key (ALIPAY_PUBLIC_KEY). Only
 * `trade_status` TRADE_SUCCESS or TRADE_FINISHED is a payment. Alipay takes the
 * plain-text answer `success` as accepted and retries on anything else.
 */

export type AlipayKeys = { alipayPublicKey: KeyObject };

export const PAID_TRADE_STATUSES = ["TRADE_SUCCESS", "TRADE_FINISHED"];

/** The string Alipay signs: parameters but sign/sign_type/empty ones, sorted by key, `k=v` joined with `&`. */
export function alipaySigningString(params: URLSearchParams): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of params) if (key !== "sign" && key !== "sign_type" && value !== "") pairs.push([key, value]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

export function verifyAlipayNotification(body: Buffer, keys: AlipayKeys): VerifyResult {
  const text = body.toString("utf8");
  // A form body is printable ASCII (UTF-8 values arrive percent-encoded); anything else is not a form.
  if (text.length === 0 || !/^[\x20-\x7e]*$/.test(text) || !text.includes("=")) return refused("malformed");
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return refused("malformed");
  }
  for (const key of params.keys()) if (params.getAll(key).length > 1) return refused("malformed");
  const sign = params.get("sign");
  if (!sign) return refused("missing_headers");
  if (params.get("sign_type") && params.get("sign_type") !== "RSA2") return refused("bad_signature");

  if (!rsaSha256Valid(keys.alipayPublicKey, [alipaySigningString(params)], sign)) return refused("bad_signature");

  const status = params.get("trade_status");
  if (!status) return refused("malformed");
  if (!PAID_TRADE_STATUSES.includes(status)) return refused("not_success");
  const outTradeNo = params.get("out_trade_no") ?? "";
  const tradeNo = params.get("trade_no") ?? "";
  if (!ID_PATTERN.test(outTradeNo) || !ID_PATTERN.test(tradeNo)) return refused("malformed");
  const amount = yuanString(params.get("total_amount"));
  if (amount === null) return refused("bad_amount");
  const paidAt = beijingTime(params.get("gmt_payment"));
  if (!paidAt) return refused("malformed");
  return { ok: true, payment: { channel: "alipay", transactionId: tradeNo, outTradeNo, amountFen: amount, paidAt, terminalId: null, batchId: null } };
}

/** A channel's amount in yuan: digits with at most two decimals ("25.00", "25.5", "25"), nothing else; fen, never a float. */
export function yuanString(value: string | null | undefined): number | null {
  if (typeof value !== "string" || !/^\d{1,9}(\.\d{1,2})?$/.test(value)) return null;
  const parsed = parseYuan(value);
  return parsed.ok && parsed.fen > 0 ? parsed.fen : null;
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as Alipay writes gmt_payment. */
function beijingTime(value: string | null): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(`${value.replace(" ", "T")}+08:00`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** For tests and `npm run channel -- notify`: a signed form body as Alipay would POST it. */
export function signAlipayNotification(params: Record<string, string>, privateKey: string): string {
  const form = new URLSearchParams({ notify_type: "trade_status_sync", charset: "utf-8", version: "1.0", sign_type: "RSA2", ...params });
  const signer = createSign("RSA-SHA256");
  signer.update(alipaySigningString(form), "utf8");
  form.set("sign", signer.sign(createPrivateKey(privateKey.replaceAll("\\n", "\n")), "base64"));
  return form.toString();
}

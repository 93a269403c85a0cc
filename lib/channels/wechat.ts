import { createCipheriv, createDecipheriv, createPrivateKey, createSign, randomBytes, type KeyObject } from "node:crypto";
import { rsaSha256Valid } from "./keys";
import { ID_PATTERN, refused, type VerifyResult } from "./types";

/**
 * WeChat Pay API v3 payment notifications (支付结果通知).
 *
 * - Signature: `Wechatpay-Signature` is base64 RSA-SHA256 (PKCS#1 v1.5) over
 *   `Wechatpay-Timestamp\nWechatpay-Nonce\nbody\n`, verified with the platform
 *   public key (WECHATPAY_PLATFORM_PUBLIC_KEY). `Wechatpay-Serial` names that key;
 *   it must be present. A timestamp more than 5 minutes from our clock is refused
 *   (a replayed message).
 * - Body: `{id, event_type, resource: {algorithm: "AEAD_AES_256_GCM", nonce,
 *   associated_data, ciphertext}}`; ciphertext is base64 with the 16-byte GCM tag
 *   at the end, key = the API v3 key (WECHATPAY_APIV3_KEY, 32 bytes).
 * - Plain text: the transaction (`out_trade_no`, `transaction_id`, `trade_state`,
 *   `success_time` RFC 3339, `amount.total` in fen, `amount.payer_total`).
 *
 * WeChat Pay takes HTTP 200/204 as accepted and anything else (with
 * `{"code":"FAIL","message":…}`) as "retry later".
 */

export const WECHAT_HEADERS = { signature: "wechatpay-signature", timestamp: "wechatpay-timestamp", nonce: "wechatpay-nonce", serial: "wechatpay-serial" } as const;

/** How far the notification's timestamp may be from our clock. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

type Headers = { get(name: string): string | null };

export type WechatKeys = { platformPublicKey: KeyObject; apiV3Key: string };

export function verifyWechatNotification(headers: Headers, body: Buffer, keys: WechatKeys, now: Date): VerifyResult {
  const signature = headers.get(WECHAT_HEADERS.signature);
  const timestamp = headers.get(WECHAT_HEADERS.timestamp);
  const nonce = headers.get(WECHAT_HEADERS.nonce);
  const serial = headers.get(WECHAT_HEADERS.serial);
  if (!signature || !timestamp || !nonce || !serial) return refused("missing_headers");
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - now.getTime() / 1000) > MAX_CLOCK_SKEW_SECONDS) return refused("stale_timestamp");

  if (!rsaSha256Valid(keys.platformPublicKey, [`${timestamp}\n${nonce}\n`, body, "\n"], signature)) return refused("bad_signature");

  const event = parseJson(body);
  const resource = isObject(event) ? event.resource : undefined;
  if (!isObject(resource) || resource.algorithm !== "AEAD_AES_256_GCM" || !isString(resource.ciphertext) || !isString(resource.nonce)) return refused("malformed");
  const associatedData = typeof resource.associated_data === "string" ? resource.associated_data : "";
  const plain = decryptResource(keys.apiV3Key, resource.nonce, associatedData, resource.ciphertext);
  if (plain === null) return refused("decrypt_failed");

  const tx = parseJson(plain);
  if (!isObject(tx)) return refused("malformed");
  if (tx.trade_state !== "SUCCESS") return isString(tx.trade_state) ? refused("not_success") : refused("malformed");
  const amount = isObject(tx.amount) ? tx.amount : undefined;
  if (!isString(tx.out_trade_no) || !ID_PATTERN.test(tx.out_trade_no) || !isString(tx.transaction_id) || !ID_PATTERN.test(tx.transaction_id)) return refused("malformed");
  // amount.total is the order amount in fen (what the receipt is for); payer_total is less when a coupon paid part.
  if (!amount || !Number.isSafeInteger(amount.total) || (amount.total as number) <= 0) return refused("bad_amount");
  const paidAt = isString(tx.success_time) ? rfc3339(tx.success_time) : null;
  if (!paidAt) return refused("malformed");
  return {
    ok: true,
    payment: { channel: "wechat", transactionId: tx.transaction_id, outTradeNo: tx.out_trade_no, amountFen: amount.total as number, paidAt, terminalId: null, batchId: null },
  };
}

/** AEAD_AES_256_GCM as WeChat Pay uses it; null when the key, nonce, data or tag do not fit. */
export function decryptResource(apiV3Key: string, nonce: string, associatedData: string, ciphertext: string): Buffer | null {
  const key = Buffer.from(apiV3Key, "utf8");
  const bytes = Buffer.from(ciphertext, "base64");
  if (key.length !== 32 || bytes.length <= 16 || nonce.length === 0) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "utf8"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    decipher.setAAD(Buffer.from(associatedData, "utf8"));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}

/** The failure answer WeChat Pay expects (it retries on anything but 200/204). */
export function wechatFailure(status: number, message: string): Response {
  return Response.json({ code: "FAIL", message }, { status, headers: { "Cache-Control": "no-store" } });
}

/** For tests and `npm run channel -- notify`: what WeChat Pay would send for a transaction. */
export function signWechatNotification(
  transaction: Record<string, unknown>,
  keys: { platformPrivateKey: string; apiV3Key: string; serial?: string },
  now: Date,
): { headers: Record<string, string>; body: string } {
  const nonce = randomBytes(6).toString("hex");
  const iv = randomBytes(6).toString("hex");
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(keys.apiV3Key, "utf8"), Buffer.from(iv, "utf8"));
  cipher.setAAD(Buffer.from("transaction", "utf8"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(transaction), "utf8"), cipher.final(), cipher.getAuthTag()]).toString("base64");
  const body = JSON.stringify({
    id: randomBytes(8).toString("hex"),
    create_time: now.toISOString(),
    resource_type: "encrypt-resource",
    event_type: "TRANSACTION.SUCCESS",
    summary: "支付成功",
    resource: { original_type: "transaction", algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: "transaction", nonce: iv },
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signer = createSign("RSA-SHA256");
  signer.update(`${timestamp}\n${nonce}\n${body}\n`);
  const signature = signer.sign(createPrivateKey(keys.platformPrivateKey.replaceAll("\\n", "\n")), "base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "wechatpay-signature": signature,
      "wechatpay-timestamp": timestamp,
      "wechatpay-nonce": nonce,
      "wechatpay-serial": keys.serial ?? "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
    },
  };
}

/** RFC 3339 with an explicit offset (`2026-11-04T10:34:56+08:00`), as WeChat Pay writes times. */
function rfc3339(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";

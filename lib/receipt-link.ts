import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * SPEC §3.2 QR token: the first 22 characters of
 * base64url(HMAC-SHA256(secret, "r1:" + receipt_no)). A token unlocks only its
 * own receipt; comparison is constant-time.
 */
export function receiptToken(secret: string, receiptNo: string): string {
  return createHmac("sha256", secret).update(`r1:${receiptNo}`).digest("base64url").slice(0, 22);
}

export function verifyReceiptToken(secret: string, receiptNo: string, token: string | undefined | null): boolean {
  if (typeof token !== "string" || token.length !== 22) return false;
  return safeEqual(receiptToken(secret, receiptNo), token);
}

export function receiptLink(baseUrl: string, secret: string, receiptNo: string): string {
  const url = new URL(`/r/${encodeURIComponent(receiptNo)}`, baseUrl);
  url.searchParams.set("t", receiptToken(secret, receiptNo));
  return url.toString();
}

/**
 * A successful lookup is remembered for that receipt only, for a short time:
 * `expiresAtMs.signature`, stored in an HttpOnly cookie scoped to /r/RECEIPT.
 */
export const LOOKUP_TTL_MS = 30 * 60_000;

export function lookupProof(secret: string, receiptNo: string, expiresAtMs: number): string {
  const sig = createHmac("sha256", secret).update(`lookup:${receiptNo}:${expiresAtMs}`).digest("base64url");
  return `${expiresAtMs}.${sig}`;
}

export function verifyLookupProof(secret: string, receiptNo: string, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const [exp, sig] = value.split(".");
  const expiresAtMs = Number(exp);
  if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs <= nowMs || !sig) return false;
  return safeEqual(lookupProof(secret, receiptNo, expiresAtMs), value);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

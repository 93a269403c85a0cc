import { createHmac, timingSafeEqual } from "node:crypto";
import type { StatusCode } from "./status";

/**
 * "Tell me when it posts" (issue 14): the rules, pure. A resident on a waiting
 * status page leaves one contact; one notice goes out when the payment posts
 * (or one when it is overdue), each with a signed unsubscribe link; the
 * contact is deleted after the last notice.
 */

/** The statuses whose page offers the form. */
export const SUBSCRIBABLE: readonly StatusCode[] = ["pending", "awaiting_bank", "overdue"];

export type ContactCheck = { ok: true; contact: string; kind: "mobile" | "email" } | { ok: false; code: "required" | "invalid" };

/**
 * A mainland mobile number (11 digits starting 1[3-9], spaces, dashes and a
 * +86 / 0086 prefix allowed, full-width digits folded) or an e-mail address
 * (one @, a dot in the domain, no spaces, ≤ 254 characters; the domain lowercased).
 */
export function checkContact(input: string): ContactCheck {
  const value = input.normalize("NFKC").trim();
  if (value === "") return { ok: false, code: "required" };
  if (value.includes("@")) {
    if (value.length > 254 || !/^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:.]{2,}$/.test(value)) return { ok: false, code: "invalid" };
    const at = value.lastIndexOf("@");
    return { ok: true, kind: "email", contact: `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}` };
  }
  const digits = value.replace(/[\s-]/g, "").replace(/^(\+86|0086)/, "");
  if (!/^1[3-9]\d{9}$/.test(digits)) return { ok: false, code: "invalid" };
  return { ok: true, kind: "mobile", contact: digits };
}

const mac = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("base64url").slice(0, 22);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The unsubscribe link's token: the subscription id and its signature (`17.Xy…`). */
export function unsubscribeToken(secret: string, subscriptionId: number): string {
  return `${subscriptionId}.${mac(secret, `unsub:${subscriptionId}`)}`;
}

/** The subscription id a token names, or null when it is not ours. */
export function verifyUnsubscribeToken(secret: string, token: string | undefined | null): number | null {
  if (typeof token !== "string") return null;
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return null;
  const id = Number(m[1]);
  return safeEqual(unsubscribeToken(secret, id), token) ? id : null;
}

/**
 * The browser's memory of a subscription: a cookie scoped to the receipt's page
 * holding a signature of the receipt number — it says "subscribed" and reveals
 * nothing of the contact.
 */
export function subscribedMark(secret: string, receiptNo: string): string {
  return mac(secret, `subscribed:${receiptNo}`);
}

export function verifySubscribedMark(secret: string, receiptNo: string, value: string | undefined): boolean {
  return typeof value === "string" && safeEqual(subscribedMark(secret, receiptNo), value);
}

/** What the notice names the receipt by: its last four characters (the resident knows the rest). */
export function receiptHint(receiptNo: string): string {
  return `…${receiptNo.slice(-4)}`;
}

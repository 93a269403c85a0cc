"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { subscribeToPosting, unsubscribe } from "@/db/queries/posting-subscriptions";
import { consumeRateLimits } from "@/db/queries/rate-limit";
import { env } from "@/lib/env";
import { logUnexpected } from "@/lib/log";
import { checkContact, subscribedMark, verifyUnsubscribeToken } from "@/lib/posting-notice";
import { clientAddress, clientKey } from "@/lib/rate-limit";
import { checkReceiptNo } from "@/lib/receipt-number";
import { requestLocale } from "../locale";
import { receiptAccess } from "./receipt-access";
import { SUBSCRIBED_COOKIE, subscribedCookieOptions } from "./subscribe-cookie";

export type SubscribeState = {
  code?: "required" | "invalid" | "rate_limited" | "not_allowed" | "error";
  retryAfterMinutes?: number;
  errorId?: string;
  value: string;
};

/** Per client: a few receipts an hour; per receipt: a handful a day (one family, a couple of devices). */
const SUBSCRIBE_LIMITS = {
  perClient: { limit: 10, windowSeconds: 3600 },
  perReceipt: { limit: 5, windowSeconds: 86_400 },
};

const text = (value: FormDataEntryValue | null, max = 300) => (typeof value === "string" ? value.slice(0, max) : "");

/**
 * Public: "tell me when it posts" on a waiting status page. Only whoever may see
 * the receipt (its QR token, or a fresh lookup) may subscribe to it. Remembered
 * in this browser by a signed, contact-free cookie; then back to the page.
 */
export async function subscribeAction(_prev: SubscribeState, formData: FormData): Promise<SubscribeState> {
  const config = env();
  const value = text(formData.get("notify_contact"));
  const token = text(formData.get("t"), 64) || undefined;
  const checkedNo = checkReceiptNo(text(formData.get("receipt"), 64), config.receiptFormat);
  if (!checkedNo.ok) return { code: "not_allowed", value };
  const receiptNo = checkedNo.receiptNo;
  const contact = checkContact(value);
  if (!contact.ok) return { code: contact.code, value };
  try {
    const access = await receiptAccess(receiptNo, token);
    if (!access.viaToken && !access.viaLookup) return { code: "not_allowed", value };
    const h = await headers();
    const client = clientKey(config.AUTH_SECRET, clientAddress(h.get("x-forwarded-for"), config.TRUSTED_PROXY_HOPS));
    const verdict = await consumeRateLimits([
      { key: `subscribe:client:${client}`, limit: SUBSCRIBE_LIMITS.perClient },
      { key: `subscribe:receipt:${receiptNo}`, limit: SUBSCRIBE_LIMITS.perReceipt },
    ]);
    if (!verdict.allowed) return { code: "rate_limited", retryAfterMinutes: Math.ceil(verdict.retryAfterSeconds / 60), value };
    const { locale } = await requestLocale();
    const outcome = await subscribeToPosting(receiptNo, contact.contact, locale, { timeZone: config.TZ });
    if (outcome.kind === "not_allowed") return { code: "not_allowed", value };
  } catch (error) {
    return { code: "error", errorId: logUnexpected("subscribe_failed", error), value };
  }
  (await cookies()).set(SUBSCRIBED_COOKIE, subscribedMark(config.AUTH_SECRET, receiptNo), subscribedCookieOptions(receiptNo));
  redirect(`/r/${receiptNo}${token ? `?t=${encodeURIComponent(token)}` : ""}`);
}

/** Public: the signed link from a notice (the token is the proof); deletes the contact, then shows that it did. */
export async function unsubscribeAction(formData: FormData): Promise<void> {
  const token = text(formData.get("token"), 64);
  const id = verifyUnsubscribeToken(env().AUTH_SECRET, token);
  if (id === null) redirect("/unsubscribe/invalid");
  // Already gone (the last notice was sent, or a second click) is the same outcome for the resident.
  await unsubscribe(id);
  redirect(`/unsubscribe/${token}?done=1`);
}

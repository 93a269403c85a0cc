"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { subscribeToPosting, unsubscribe } from "@/db/queries/posting-subscriptions";
import type { SubscribeState } from "@/lib/action-state";
import { checkContact, subscribedMark, verifyUnsubscribeToken } from "@/lib/posting-notice";
import { checkReceiptNo } from "@/lib/receipt-number";
import { publicAction, stop } from "../public-action";
import { receiptAccess } from "./receipt-access";
import { SUBSCRIBED_COOKIE, subscribedCookieOptions } from "./subscribe-cookie";

/** Per client: a few receipts an hour; per receipt: a handful a day (one family, a couple of devices). */
const SUBSCRIBE_LIMITS = {
  perClient: { limit: 10, windowSeconds: 3600 },
  perReceipt: { limit: 5, windowSeconds: 86_400 },
};

/**
 * Public: "tell me when it posts" on a waiting status page. Only whoever may see
 * the receipt (its QR token, or a fresh lookup) may subscribe to it. Remembered
 * in this browser by a signed, contact-free cookie; then back to the page.
 */
export const subscribeAction = publicAction<{ receiptNo: string; contact: string; token?: string; value: string }, SubscribeState>({
  event: "subscribe_failed",
  guard: async ({ text, config, client }) => {
    const value = text("notify_contact", 300);
    const token = text("t", 64) || undefined;
    const checkedNo = checkReceiptNo(text("receipt", 64), config.receiptFormat);
    if (!checkedNo.ok) return stop<SubscribeState>({ code: "not_allowed", value });
    const receiptNo = checkedNo.receiptNo;
    const contact = checkContact(value);
    if (!contact.ok) return stop<SubscribeState>({ code: contact.code, value });
    const access = await receiptAccess(receiptNo, token);
    if (!access.viaToken && !access.viaLookup) return stop<SubscribeState>({ code: "not_allowed", value });
    return {
      ok: true,
      value: { receiptNo, contact: contact.contact, token, value },
      limits: [
        { key: `subscribe:client:${client}`, limit: SUBSCRIBE_LIMITS.perClient },
        { key: `subscribe:receipt:${receiptNo}`, limit: SUBSCRIBE_LIMITS.perReceipt },
      ],
    };
  },
  rateLimited: (retryAfterMinutes, { value }) => ({ code: "rate_limited", retryAfterMinutes, value }),
  failed: (errorId, request) => ({ code: "error", errorId, value: request?.text("notify_contact", 300) ?? "" }),
  run: async ({ receiptNo, contact, token, value }, { locale, config }) => {
    const outcome = await subscribeToPosting(receiptNo, contact, locale, { timeZone: config.TZ });
    if (outcome.kind === "not_allowed") return { code: "not_allowed", value };
    (await cookies()).set(SUBSCRIBED_COOKIE, subscribedMark(config.AUTH_SECRET, receiptNo), subscribedCookieOptions(receiptNo));
    redirect(`/r/${receiptNo}${token ? `?t=${encodeURIComponent(token)}` : ""}`);
  },
});

/** Public: the signed link from a notice (the token is the proof); deletes the contact, then shows that it did. */
export const unsubscribeAction = publicAction<{ id: number; token: string }, void>({
  event: "unsubscribe_failed",
  guard: ({ text, config }) => {
    const token = text("token", 64);
    const id = verifyUnsubscribeToken(config.AUTH_SECRET, token);
    if (id === null) redirect("/unsubscribe/invalid");
    return { ok: true, value: { id, token } };
  },
  rateLimited: () => undefined,
  failed: () => redirect("/unsubscribe/invalid"),
  run: async ({ id, token }) => {
    // Already gone (the last notice was sent, or a second click) is the same outcome for the resident.
    await unsubscribe(id);
    redirect(`/unsubscribe/${token}?done=1`);
  },
});

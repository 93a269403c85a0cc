"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { countLookup } from "@/db/queries/lookup-stats";
import { consumeRateLimits } from "@/db/queries/rate-limit";
import { unsafeReceiptForLookup } from "@/db/queries/status";
import { env } from "@/lib/env";
import { logUnexpected } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import type { LookupState } from "@/lib/action-state";
import { amountMatches, validateLookup } from "@/lib/lookup";
import { clientAddress, clientKey, LOOKUP_LIMITS } from "@/lib/rate-limit";
import { LOOKUP_TTL_MS, lookupProof } from "@/lib/receipt-link";
import { lookupCookieName } from "./lookup-cookie";

const text = (value: FormDataEntryValue | null) => (typeof value === "string" ? value.slice(0, 200) : "");

/** Public: receipt number + amount → the status page, remembered for that receipt only. */
export async function lookupAction(_prev: LookupState, formData: FormData): Promise<LookupState> {
  const values = { receipt: text(formData.get("receipt")), amount: text(formData.get("amount")) };
  const config = env();
  const checked = validateLookup(values, config.receiptFormat);
  if (!checked.ok) {
    metrics().lookups.inc({ outcome: checked.code });
    return { code: checked.code, fieldErrors: checked.fieldErrors, values };
  }

  let found: boolean;
  try {
    const h = await headers();
    const client = clientKey(config.AUTH_SECRET, clientAddress(h.get("x-forwarded-for"), config.TRUSTED_PROXY_HOPS));
    const verdict = await consumeRateLimits([
      { key: `lookup:client:${client}`, limit: LOOKUP_LIMITS.perClient },
      { key: `lookup:receipt:${checked.receiptNo}`, limit: LOOKUP_LIMITS.perReceipt },
    ]);
    if (!verdict.allowed) {
      metrics().lookups.inc({ outcome: "rate_limited" });
      return { code: "rate_limited", retryAfterMinutes: Math.ceil(verdict.retryAfterSeconds / 60), values };
    }
    const receipt = await unsafeReceiptForLookup(checked.receiptNo);
    // Unknown receipt and wrong amount take the same path and give the same answer.
    found = receipt !== null && amountMatches(receipt, checked.amountFen);
  } catch (error) {
    return { code: "error", errorId: logUnexpected("lookup_failed", error), values };
  }
  metrics().lookups.inc({ outcome: found ? "found" : "no_match" });
  countLookup(found ? "found" : "no_match", config.TZ);
  if (!found) return { code: "no_match", values };

  const expiresAt = Date.now() + LOOKUP_TTL_MS;
  (await cookies()).set(lookupCookieName, lookupProof(config.AUTH_SECRET, checked.receiptNo, expiresAt), {
    path: `/r/${checked.receiptNo}`,
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    maxAge: LOOKUP_TTL_MS / 1000,
  });
  redirect(`/r/${checked.receiptNo}`);
}

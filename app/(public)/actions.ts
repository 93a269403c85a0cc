"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { countLookup } from "@/db/queries/lookup-stats";
import { unsafeReceiptForLookup } from "@/db/queries/status";
import { metrics } from "@/lib/metrics";
import type { LookupState } from "@/lib/action-state";
import { amountMatches, validateLookup } from "@/lib/lookup";
import { LOOKUP_LIMITS } from "@/lib/rate-limit";
import { LOOKUP_TTL_MS, lookupProof } from "@/lib/receipt-link";
import { publicAction, stop } from "../public-action";
import { lookupCookieName } from "./lookup-cookie";

/** Public: receipt number + amount → the status page, remembered for that receipt only. */
export const lookupAction = publicAction<{ receiptNo: string; amountFen: number; values: LookupState["values"] }, LookupState>({
  event: "lookup_failed",
  guard: ({ text, config, client }) => {
    const values = { receipt: text("receipt", 200), amount: text("amount", 200) };
    const checked = validateLookup(values, config.receiptFormat);
    if (!checked.ok) {
      metrics().lookups.inc({ outcome: checked.code });
      return stop<LookupState>({ code: checked.code, fieldErrors: checked.fieldErrors, values });
    }
    return {
      ok: true,
      value: { receiptNo: checked.receiptNo, amountFen: checked.amountFen, values },
      limits: [
        { key: `lookup:client:${client}`, limit: LOOKUP_LIMITS.perClient },
        { key: `lookup:receipt:${checked.receiptNo}`, limit: LOOKUP_LIMITS.perReceipt },
      ],
    };
  },
  rateLimited: (retryAfterMinutes, { values }) => {
    metrics().lookups.inc({ outcome: "rate_limited" });
    return { code: "rate_limited", retryAfterMinutes, values };
  },
  failed: (errorId, request) => ({ code: "error", errorId, values: { receipt: request?.text("receipt", 200) ?? "", amount: request?.text("amount", 200) ?? "" } }),
  run: async ({ receiptNo, amountFen, values }, { config }) => {
    const receipt = await unsafeReceiptForLookup(receiptNo);
    // Unknown receipt and wrong amount take the same path and give the same answer.
    const found = receipt !== null && amountMatches(receipt, amountFen);
    metrics().lookups.inc({ outcome: found ? "found" : "no_match" });
    countLookup(found ? "found" : "no_match", config.TZ);
    if (!found) return { code: "no_match", values, receiptNo };

    const expiresAt = Date.now() + LOOKUP_TTL_MS;
    (await cookies()).set(lookupCookieName, lookupProof(config.AUTH_SECRET, receiptNo, expiresAt), {
      path: `/r/${receiptNo}`,
      httpOnly: true,
      sameSite: "lax",
      secure: config.secureCookies,
      maxAge: LOOKUP_TTL_MS / 1000,
    });
    redirect(`/r/${receiptNo}`);
  },
});

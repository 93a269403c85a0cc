"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentStaff } from "@/app/staff/session";
import { challengeNeed, confirmTotpEnrolment, regenerateRecoveryCodes } from "@/db/queries/staff-totp";
import type { SecondFactorState } from "@/lib/action-state";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { publicAction, stop } from "../../public-action";
import { challengeCookie, clearChallengeCookie, startSession } from "../login/challenge";

/**
 * The enrolment page's action (on the allow-list of the server-action test, beside sign-in: a
 * supervisor or admin enrols *before* having a session). Who it acts for is decided first, from
 * the session or else from the sign-in challenge in its cookie, and nothing else is read before:
 *
 *   - `enrol`: confirm the pending secret with a first code → 10 recovery codes, shown once;
 *   - `regenerate` (signed in, enrolled): a new set of recovery codes on a current code;
 *   - `continue` (after enrolling during sign-in): the satisfied challenge starts the session.
 *
 * Wrong codes count in the sign-in throttle (db/queries/staff-totp.ts).
 */

const INTENTS = ["enrol", "regenerate", "continue"] as const;
type Intent = (typeof INTENTS)[number];

async function requestOrigin(): Promise<string> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${h.get("host") ?? "localhost"}`;
}

type Who = { staffId: number; token?: string; signedIn: boolean };

export const twoFactorAction = publicAction({
  event: "staff_two_factor_failed",
  guard: async ({ text }) => {
    const intent = text("intent", 20) as Intent;
    if (!INTENTS.includes(intent)) return stop<SecondFactorState>({ code: "invalid" });
    const callbackPath = safeCallbackPath(text("callbackUrl", 2000), await requestOrigin());
    const staff = await currentStaff();
    let who: Who;
    if (staff) who = { staffId: staff.id, signedIn: true };
    else {
      const token = await challengeCookie();
      const challenge = token ? await challengeNeed(token) : null;
      if (!token || !challenge || challenge.need !== "enrol") return stop<SecondFactorState>({ code: "expired" });
      who = { staffId: challenge.staffId, token, signedIn: false };
    }
    const code = text("code", 20).replace(/\s+/g, "");
    if (intent !== "continue" && !/^\d{6}$/.test(code)) return stop<SecondFactorState>({ code: "invalid" });
    return { ok: true, value: { intent, who, code, callbackPath } };
  },
  rateLimited: (retryAfterMinutes): SecondFactorState => ({ code: "rate_limited", retryAfterMinutes }),
  failed: (errorId): SecondFactorState => ({ code: "error", errorId }),
  run: async ({ intent, who, code, callbackPath }, request): Promise<SecondFactorState> => {
    if (intent === "continue") {
      if (who.signedIn || !who.token) redirect(callbackPath);
      const session = await startSession({ challenge: who.token }, callbackPath);
      if (!session.ok) return session.retryAfterMinutes ? { code: "rate_limited", retryAfterMinutes: session.retryAfterMinutes } : { code: "expired" };
      await clearChallengeCookie();
      redirect(session.path);
    }
    const result = intent === "enrol" ? await confirmTotpEnrolment(who.staffId, code, request.client, who.token) : who.signedIn ? await regenerateRecoveryCodes(who.staffId, code, request.client) : null;
    if (!result) return { code: "unauthorized" };
    if (result.ok) return { recoveryCodes: result.recoveryCodes };
    if (result.retryAfterSeconds) return { code: "rate_limited", retryAfterMinutes: Math.max(1, Math.ceil(result.retryAfterSeconds / 60)) };
    if (result.reason === "wrong_code") return { code: "wrong_code" };
    if (result.reason === "enrolled") return { code: "enrolled" };
    return { code: "unauthorized" };
  },
});

"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { oidcSettings, signIn } from "@/auth";
import { beginStaffSignIn, SignInThrottledError } from "@/db/queries/staff-sign-in";
import { challengeNeed } from "@/db/queries/staff-totp";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/roles";
import { secondFactorInput } from "@/lib/auth/totp";
import type { SecondFactorState, SignInState } from "@/lib/action-state";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { publicAction, stop } from "../../public-action";
import { challengeCookie, clearChallengeCookie, setChallengeCookie, startSession } from "./challenge";

/**
 * Public by nature (on the allow-list of the server-action test): signing in.
 * One answer for unknown email, wrong password or disabled account. The
 * limits (per client, and per account and client) are enforced in the data
 * layer (db/queries/staff-sign-in.ts) that both this action and Auth.js's
 * authorize() (auth.ts) go through; this action only reads the form, keeps
 * the sign-in challenge in its cookie and shows the answer.
 *
 * Two steps: a right password opens a challenge. An account that owes
 * nothing more is signed in at once; one with a second factor goes to the
 * code step (/staff/login/code); a supervisor or admin without one goes to
 * enrol first (/staff/two-factor).
 */

const ZSignIn = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

async function requestOrigin(): Promise<string> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${h.get("host") ?? "localhost"}`;
}

const withCallback = (path: string, callbackPath: string) => `${path}?callbackUrl=${encodeURIComponent(callbackPath)}`;

export const signInAction = publicAction({
  event: "staff_sign_in_failed",
  guard: async ({ text }) => {
    const email = text("email", 254);
    const parsed = ZSignIn.safeParse({ email, password: text("password", PASSWORD_MAX_LENGTH + 1) });
    if (!parsed.success) return stop<SignInState>({ code: "invalid", email });
    return { ok: true, value: { ...parsed.data, typed: email, callbackPath: safeCallbackPath(text("callbackUrl", 2000), await requestOrigin()) } };
  },
  rateLimited: (retryAfterMinutes, { typed }): SignInState => ({ code: "rate_limited", email: typed, retryAfterMinutes }),
  failed: (errorId, request): SignInState => ({ code: "error", email: request?.text("email", 254) ?? "", errorId }),
  run: async ({ email, password, typed, callbackPath }, request): Promise<SignInState> => {
    let begun: Awaited<ReturnType<typeof beginStaffSignIn>>;
    try {
      begun = await beginStaffSignIn({ email, password }, request.headers);
    } catch (error) {
      if (error instanceof SignInThrottledError) return { code: "rate_limited", email: typed, retryAfterMinutes: Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) };
      throw error;
    }
    if (!begun) return { code: "invalid_credentials", email: typed };
    if (begun.need === "code" || begun.need === "enrol") {
      await setChallengeCookie(begun.token);
      redirect(withCallback(begun.need === "code" ? "/staff/login/code" : "/staff/two-factor", callbackPath));
    }
    const session = await startSession({ challenge: begun.token }, callbackPath);
    if (!session.ok) return session.retryAfterMinutes ? { code: "rate_limited", email: typed, retryAfterMinutes: session.retryAfterMinutes } : { code: "invalid_credentials", email: typed };
    redirect(session.path);
  },
});

/** The code step: a 6-digit TOTP code or a recovery code against the challenge in the cookie, checked by authorize(). */
export const secondFactorAction = publicAction({
  event: "staff_second_factor_failed",
  guard: async ({ text }) => {
    const token = await challengeCookie();
    if (!token) return stop<SecondFactorState>({ code: "expired" });
    const code = text("code", 40);
    if (!secondFactorInput(code)) return stop<SecondFactorState>({ code: "invalid" });
    return { ok: true, value: { token, code, callbackPath: safeCallbackPath(text("callbackUrl", 2000), await requestOrigin()) } };
  },
  rateLimited: (retryAfterMinutes): SecondFactorState => ({ code: "rate_limited", retryAfterMinutes }),
  failed: (errorId): SecondFactorState => ({ code: "error", errorId }),
  run: async ({ token, code, callbackPath }): Promise<SecondFactorState> => {
    const session = await startSession({ challenge: token, code }, callbackPath);
    if (session.ok) {
      await clearChallengeCookie();
      redirect(session.path);
    }
    if (session.retryAfterMinutes) return { code: "rate_limited", retryAfterMinutes: session.retryAfterMinutes };
    if (!(await challengeNeed(token))) {
      await clearChallengeCookie();
      return { code: "expired" };
    }
    return { code: "wrong_code" };
  },
});

/** Starts single sign-on; does nothing unless OIDC is configured. */
export const oidcSignInAction = publicAction({
  event: "staff_oidc_sign_in_failed",
  guard: async ({ text }) => {
    if (!oidcSettings()) return stop(undefined);
    return { ok: true, value: safeCallbackPath(text("callbackUrl", 2000), await requestOrigin()) };
  },
  rateLimited: () => undefined,
  failed: () => undefined,
  run: async (callbackPath) => {
    await signIn("oidc", { redirectTo: callbackPath });
  },
});

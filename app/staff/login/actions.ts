"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { isCredentialsRefusal, oidcSettings, signIn, throttledMinutes } from "@/auth";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/roles";
import type { SignInState } from "@/lib/action-state";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "@/lib/auth/safe-redirect";
import { publicAction, stop } from "../../public-action";

/**
 * Public by nature (on the allow-list of the server-action test): signing in.
 * One answer for unknown email, wrong password or disabled account. The
 * limits (per client, and per account and client) are enforced inside
 * Auth.js's authorize() (auth.ts), which every route to a password check
 * passes through; this action only reads the form and shows the answer.
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
  run: async ({ email, password, typed, callbackPath }): Promise<SignInState> => {
    let destination: string;
    try {
      const answer: unknown = await signIn("credentials", { email, password, redirectTo: callbackPath, redirect: false });
      destination = typeof answer === "string" ? answer : DEFAULT_AFTER_SIGN_IN;
    } catch (error) {
      const minutes = throttledMinutes(error);
      if (minutes !== null) return { code: "rate_limited", email: typed, retryAfterMinutes: minutes };
      if (isCredentialsRefusal(error)) return { code: "invalid_credentials", email: typed };
      throw error;
    }
    // Auth.js has already passed the destination through the same-origin redirect callback.
    let path = DEFAULT_AFTER_SIGN_IN;
    try {
      const url = new URL(destination);
      path = safeCallbackPath(`${url.pathname}${url.search}`, url.origin);
    } catch {
      // keep the console home
    }
    redirect(path);
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

"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { consumeRateLimits } from "@/db/queries/rate-limit";
import { isCredentialsRefusal, oidcSettings, signIn } from "@/auth";
import type { SignInState } from "@/lib/action-state";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/roles";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "@/lib/auth/safe-redirect";
import { SIGN_IN_CLIENT_LIMIT } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { logUnexpected } from "@/lib/log";
import { clientAddress, clientKey } from "@/lib/rate-limit";

/**
 * Public by nature (on the allow-list of the server-action test): signing in.
 * One answer for unknown email, wrong password, disabled or locked account.
 */

const ZSignIn = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

const text = (value: FormDataEntryValue | null, max: number) => (typeof value === "string" ? value.slice(0, max) : "");

async function requestOrigin(): Promise<string> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${h.get("host") ?? "localhost"}`;
}

export async function signInAction(_previous: SignInState | undefined, formData: FormData): Promise<SignInState> {
  const email = text(formData.get("email"), 254);
  const parsed = ZSignIn.safeParse({ email, password: text(formData.get("password"), PASSWORD_MAX_LENGTH + 1) });
  if (!parsed.success) return { code: "invalid", email };
  const callbackPath = safeCallbackPath(text(formData.get("callbackUrl"), 2000), await requestOrigin());

  let destination: string;
  try {
    const config = env();
    const client = clientKey(config.AUTH_SECRET, clientAddress((await headers()).get("x-forwarded-for"), config.TRUSTED_PROXY_HOPS));
    const verdict = await consumeRateLimits([{ key: `staff_sign_in:client:${client}`, limit: SIGN_IN_CLIENT_LIMIT }]);
    if (!verdict.allowed) return { code: "rate_limited", email, retryAfterMinutes: Math.ceil(verdict.retryAfterSeconds / 60) };
    const answer: unknown = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: callbackPath, redirect: false });
    destination = typeof answer === "string" ? answer : DEFAULT_AFTER_SIGN_IN;
  } catch (error) {
    if (isCredentialsRefusal(error)) return { code: "invalid_credentials", email };
    return { code: "error", email, errorId: logUnexpected("staff_sign_in_failed", error) };
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
}

/** Starts single sign-on; does nothing unless OIDC is configured. */
export async function oidcSignInAction(formData: FormData): Promise<void> {
  if (!oidcSettings()) return;
  const callbackPath = safeCallbackPath(text(formData.get("callbackUrl"), 2000), await requestOrigin());
  await signIn("oidc", { redirectTo: callbackPath });
}

import "server-only";
import { cookies } from "next/headers";
import { isCredentialsRefusal, signIn, throttledMinutes } from "@/auth";
import { CHALLENGE_MINUTES } from "@/db/queries/staff-totp";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackPath } from "@/lib/auth/safe-redirect";
import { env } from "@/lib/env";

/**
 * The sign-in challenge between the password and the session (db/queries/staff-totp.ts) rides in
 * an httpOnly cookie scoped to /staff, for its 10 minutes. Its value is a bearer token: never
 * logged, never in a URL.
 */
export const CHALLENGE_COOKIE = "ps_staff_challenge";

export async function setChallengeCookie(token: string): Promise<void> {
  (await cookies()).set(CHALLENGE_COOKIE, token, {
    path: "/staff",
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    maxAge: CHALLENGE_MINUTES * 60,
  });
}

export async function challengeCookie(): Promise<string | undefined> {
  return (await cookies()).get(CHALLENGE_COOKIE)?.value;
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete({ name: CHALLENGE_COOKIE, path: "/staff" });
}

export type SessionStart = { ok: true; path: string } | { ok: false; retryAfterMinutes?: number };

/**
 * Auth.js's credentials sign-in with a challenge (and the code it owes): authorize() decides
 * (db/queries/staff-sign-in.ts). On success, the same-origin path to go to.
 */
export async function startSession(credentials: { challenge: string; code?: string }, callbackPath: string): Promise<SessionStart> {
  let destination: string;
  try {
    const answer: unknown = await signIn("credentials", { ...credentials, redirectTo: callbackPath, redirect: false });
    destination = typeof answer === "string" ? answer : DEFAULT_AFTER_SIGN_IN;
  } catch (error) {
    const minutes = throttledMinutes(error);
    if (minutes !== null) return { ok: false, retryAfterMinutes: minutes };
    if (isCredentialsRefusal(error)) return { ok: false };
    throw error;
  }
  // Auth.js has already passed the destination through the same-origin redirect callback.
  try {
    const url = new URL(destination);
    return { ok: true, path: safeCallbackPath(`${url.pathname}${url.search}`, url.origin) };
  } catch {
    return { ok: true, path: DEFAULT_AFTER_SIGN_IN };
  }
}

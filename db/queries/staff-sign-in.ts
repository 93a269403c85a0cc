import "server-only";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/roles";
import { SIGN_IN_CLIENT_LIMIT } from "@/lib/auth/throttle";
import type { SecondFactorNeed } from "@/lib/auth/totp";
import { env } from "@/lib/env";
import { requestClientKey } from "@/lib/rate-limit";
import { db } from "../client";
import { consumeRateLimits } from "./rate-limit";
import { verifyStaffPassword } from "./staff-auth";
import { openSignInChallenge, redeemSignInChallenge, verifySecondFactor } from "./staff-totp";

/**
 * What Auth.js's credentials authorize() does (auth.ts), outside Auth.js so
 * tests can run it. Every route to a session — the login form's server
 * actions and a bare POST to /api/auth/callback/credentials — comes through
 * here, and the per-client limit is counted first, before any hashing.
 *
 * Two steps (db/queries/staff-totp.ts): the password step (`beginStaffSignIn`,
 * called by the login form) opens a sign-in challenge saying what the account
 * still owes; authorize() then accepts only that challenge — with a right
 * TOTP or recovery code when one is owed. Email + password given straight to
 * authorize() start a session only for an account that owes nothing more, so
 * the callback route cannot skip the second step.
 */
const ZCredentials = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
const ZChallenge = z.object({
  challenge: z.string().min(1).max(100),
  code: z.string().max(40).optional(),
});

export class SignInThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("sign-in throttled");
    this.name = "SignInThrottledError";
  }
}

export type AuthorizedStaff = { id: string; sessionVersion: number };

async function clientWithinLimit(headers: Headers): Promise<string> {
  const client = requestClientKey(headers, env());
  const verdict = await consumeRateLimits([{ key: `staff_sign_in:client:${client}`, limit: SIGN_IN_CLIENT_LIMIT }]);
  if (!verdict.allowed) throw new SignInThrottledError(verdict.retryAfterSeconds);
  return client;
}

/** The password step of the login form: a challenge token and what it still needs, or null (wrong email or password). */
export async function beginStaffSignIn(input: unknown, headers: Headers): Promise<{ token: string; need: SecondFactorNeed } | null> {
  const parsed = ZCredentials.safeParse(input);
  if (!parsed.success) return null;
  const client = await clientWithinLimit(headers);
  const result = await verifyStaffPassword(parsed.data.email, parsed.data.password, client);
  if (!result.ok && result.retryAfterSeconds) throw new SignInThrottledError(result.retryAfterSeconds);
  if (!result.ok) return null;
  return { token: await openSignInChallenge(db(), result.staffId, result.sessionVersion, result.need), need: result.need };
}

export async function authorizeCredentials(input: unknown, headers: Headers): Promise<AuthorizedStaff | null> {
  const challenge = ZChallenge.safeParse(input);
  if (challenge.success) {
    const client = await clientWithinLimit(headers);
    const { challenge: token, code } = challenge.data;
    const result = code ? await verifySecondFactor(token, code, client) : await redeemSignInChallenge(token);
    if (!result.ok && result.retryAfterSeconds) throw new SignInThrottledError(result.retryAfterSeconds);
    return result.ok ? { id: String(result.staffId), sessionVersion: result.sessionVersion } : null;
  }
  const parsed = ZCredentials.safeParse(input);
  if (!parsed.success) return null;
  const client = await clientWithinLimit(headers);
  const result = await verifyStaffPassword(parsed.data.email, parsed.data.password, client);
  if (!result.ok && result.retryAfterSeconds) throw new SignInThrottledError(result.retryAfterSeconds);
  // A right password for an account that owes a second factor starts nothing here.
  return result.ok && result.need === "none" ? { id: String(result.staffId), sessionVersion: result.sessionVersion } : null;
}

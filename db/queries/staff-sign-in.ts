import "server-only";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/roles";
import { SIGN_IN_CLIENT_LIMIT } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { requestClientKey } from "@/lib/rate-limit";
import { consumeRateLimits } from "./rate-limit";
import { verifyStaffPassword } from "./staff-auth";

/**
 * What Auth.js's credentials authorize() does (auth.ts), outside Auth.js so
 * tests can run it: the per-client limit, then the per-account-and-client
 * throttle and the password check (db/queries/staff-auth.ts). Every route to
 * a password check — the login form's server action and a bare POST to
 * /api/auth/callback/credentials — comes through here, before any hashing.
 */
const ZCredentials = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export class SignInThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("sign-in throttled");
    this.name = "SignInThrottledError";
  }
}

export async function authorizeCredentials(input: unknown, headers: Headers): Promise<{ id: string; sessionVersion: number } | null> {
  const parsed = ZCredentials.safeParse(input);
  if (!parsed.success) return null;
  const client = requestClientKey(headers, env());
  const verdict = await consumeRateLimits([{ key: `staff_sign_in:client:${client}`, limit: SIGN_IN_CLIENT_LIMIT }]);
  if (!verdict.allowed) throw new SignInThrottledError(verdict.retryAfterSeconds);
  const result = await verifyStaffPassword(parsed.data.email, parsed.data.password, client);
  if (!result.ok && result.retryAfterSeconds) throw new SignInThrottledError(result.retryAfterSeconds);
  return result.ok ? { id: String(result.staffId), sessionVersion: result.sessionVersion } : null;
}

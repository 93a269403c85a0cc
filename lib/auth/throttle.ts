/**
 * Staff sign-in throttling (pure rules; the counters live in PostgreSQL so
 * every instance agrees). No hard lock: a lock after N wrong passwords is a
 * lock the attacker controls (anyone who knows an address could keep its
 * owner out). Instead failures are counted per account *and* client, and each
 * failure beyond the first few makes that pair wait longer before its next
 * try (5 s, 10 s, 20 s, … up to 15 min): guessing from one client slows to a
 * crawl, while the owner signing in from their own client is not slowed at
 * all. A password spray across accounts is bounded by the per-client limit.
 */

/** Failures of one account from one client that cost nothing. */
export const SIGN_IN_FREE_FAILURES = 3;
export const SIGN_IN_BASE_DELAY_SECONDS = 5;
export const SIGN_IN_MAX_DELAY_SECONDS = 15 * 60;
/** A pair that has not failed for this long starts again from zero. */
export const SIGN_IN_FORGET_AFTER_SECONDS = 24 * 60 * 60;

export type PairFailures = { failures: number; lastFailureAt: Date };

/** How long a pair with `failures` consecutive failures waits after the last one. */
export function signInDelaySeconds(failures: number): number {
  if (failures < SIGN_IN_FREE_FAILURES) return 0;
  return Math.min(SIGN_IN_MAX_DELAY_SECONDS, SIGN_IN_BASE_DELAY_SECONDS * 2 ** (failures - SIGN_IN_FREE_FAILURES));
}

/** Seconds before this pair may try again (0: now). */
export function signInRetryAfterSeconds(state: PairFailures | null, now: Date): number {
  if (!state) return 0;
  const since = (now.getTime() - state.lastFailureAt.getTime()) / 1000;
  if (since >= SIGN_IN_FORGET_AFTER_SECONDS) return 0;
  return Math.max(0, Math.ceil(signInDelaySeconds(state.failures) - since));
}

/** The count to store after another failure (a forgotten pair starts again). */
export function failuresAfter(state: PairFailures | null, now: Date): number {
  if (!state || (now.getTime() - state.lastFailureAt.getTime()) / 1000 >= SIGN_IN_FORGET_AFTER_SECONDS) return 1;
  return state.failures + 1;
}

/**
 * Sign-in attempts per client address, across all accounts (a password spray
 * never trips one account). Generous, because a whole office can sit behind
 * one address.
 */
export const SIGN_IN_CLIENT_LIMIT = { limit: 50, windowSeconds: 15 * 60 } as const;

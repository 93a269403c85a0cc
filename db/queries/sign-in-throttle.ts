import "server-only";
import { eq } from "drizzle-orm";
import { failuresAfter, signInRetryAfterSeconds, type PairFailures } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { clientKey } from "@/lib/rate-limit";
import { db, type Db, type Tx } from "../client";
import { rateLimits } from "../schema";

/**
 * Failures per (account, client) pair for lib/auth/throttle.ts, kept in the
 * shared rate_limits table (hits = consecutive failures, window_start = the
 * last one), so every instance sees them and the housekeeping job purges
 * them. The key is a keyed hash: neither the email nor the address is stored.
 */
const pairKey = (email: string, client: string) => `sign_in:pair:${clientKey(env().AUTH_SECRET, `${email}\n${client}`)}`;

async function pairState(key: string, tx: Db | Tx): Promise<PairFailures | null> {
  const [row] = await tx.select({ hits: rateLimits.hits, at: rateLimits.windowStart }).from(rateLimits).where(eq(rateLimits.key, key)).limit(1);
  return row ? { failures: row.hits, lastFailureAt: row.at } : null;
}

/** Seconds this pair must still wait (0: it may try now). */
export async function signInWait(email: string, client: string, now: Date, tx: Db | Tx = db()): Promise<number> {
  return signInRetryAfterSeconds(await pairState(pairKey(email, client), tx), now);
}

export async function recordSignInFailure(email: string, client: string, now: Date, tx: Db | Tx = db()): Promise<number> {
  const key = pairKey(email, client);
  const failures = failuresAfter(await pairState(key, tx), now);
  await tx
    .insert(rateLimits)
    .values({ key, windowStart: now, hits: failures })
    .onConflictDoUpdate({ target: rateLimits.key, set: { windowStart: now, hits: failures } });
  return failures;
}

export async function clearSignInFailures(email: string, client: string, tx: Db | Tx = db()): Promise<void> {
  await tx.delete(rateLimits).where(eq(rateLimits.key, pairKey(email, client)));
}

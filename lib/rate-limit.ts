import { createHmac } from "node:crypto";

/**
 * Lookup limits (SPEC §3.2): per receipt, so nobody can walk the amounts of
 * one receipt; per client, so nobody can walk receipt numbers. Counters live
 * in PostgreSQL so that every instance enforces the same budget.
 */
export type Limit = { limit: number; windowSeconds: number };

export const LOOKUP_LIMITS = {
  perReceipt: { limit: 10, windowSeconds: 15 * 60 },
  perClient: { limit: 30, windowSeconds: 10 * 60 },
} as const satisfies Record<string, Limit>;

export type Counter = { hits: number; windowStart: Date };
export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed window: the n-th hit inside a window is allowed while n ≤ limit. */
export function judge(counter: Counter, limit: Limit, now: Date): Verdict {
  if (counter.hits <= limit.limit) return { allowed: true };
  const reopens = counter.windowStart.getTime() + limit.windowSeconds * 1000;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((reopens - now.getTime()) / 1000)) };
}

/** The stricter of several verdicts: refused if any refuses, waiting for the longest. */
export function combine(verdicts: Verdict[]): Verdict {
  const waits = verdicts.flatMap((v) => (v.allowed ? [] : [v.retryAfterSeconds]));
  return waits.length === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(...waits) };
}

/** Client addresses are personal data: only a keyed hash is stored. */
export function clientKey(secret: string, address: string): string {
  return createHmac("sha256", secret).update(`client:${address}`).digest("base64url").slice(0, 22);
}

/**
 * The client address as the outermost trusted proxy saw it. Each proxy
 * appends the address it received the request from, so with `trustedHops`
 * proxies in front the client is that many entries from the right; entries
 * further left were written by the client and can be forged. (With no proxy,
 * Next.js fills the header from the socket; deploy behind one, see README.)
 * Falls back to a shared bucket rather than to no limit.
 */
export function clientAddress(forwardedFor: string | null, trustedHops = 1): string {
  const entries = (forwardedFor ?? "").split(",").map((e) => e.trim()).filter(Boolean);
  return entries[Math.max(0, entries.length - Math.max(1, trustedHops))] ?? "unknown";
}

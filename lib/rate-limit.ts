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
 * The private request header that carries the TCP peer's address. The
 * production server (scripts/http-server.mjs) sets it on every request,
 * overwriting whatever a client sent under that name, before Next.js sees the
 * request: the App Router has no socket address of its own.
 */
export const SOCKET_ADDRESS_HEADER = "x-paystatus-socket-address";

/**
 * The one trust model for client addresses. With `trustedHops` = 0 (no proxy
 * we trust) the socket address is the client and forwarded headers are
 * ignored: a client can write any X-Forwarded-For it likes. With N trusted
 * proxies, each appending the address it received the request from, the
 * client is the N-th entry from the right; entries further left were written
 * by the client. A request that did not pass through all N (fewer entries)
 * is keyed on its socket. No address at all: one shared bucket, never no limit.
 */
export function clientAddress(forwardedFor: string | null, socketAddress: string | null, trustedHops: number): string {
  const socket = socketAddress?.trim() || "unknown";
  if (trustedHops <= 0) return socket;
  const entries = (forwardedFor ?? "").split(",").map((e) => e.trim()).filter(Boolean);
  if (entries.length < trustedHops) return socket;
  return entries[entries.length - trustedHops]!;
}

/** The keyed client of a request's headers (server actions, Auth.js's authorize, route handlers). */
export function requestClientKey(headers: Headers, config: { AUTH_SECRET: string; TRUSTED_PROXY_HOPS: number }): string {
  return clientKey(config.AUTH_SECRET, clientAddress(headers.get("x-forwarded-for"), headers.get(SOCKET_ADDRESS_HEADER), config.TRUSTED_PROXY_HOPS));
}

import "server-only";
import { sql } from "drizzle-orm";
import { combine, judge, type Limit, type Verdict } from "@/lib/rate-limit";
import { type Db, db, queryRows, type Tx } from "../client";
import { rateLimits } from "../schema";

/**
 * Counts one hit against each key and judges them together, in one atomic
 * statement (one round trip, one commit): concurrent requests on any instance
 * see the same counts. A key whose window has closed starts a new one. Keys are
 * taken in a fixed order, so two requests never wait on each other's rows.
 */
export async function consumeRateLimits(buckets: { key: string; limit: Limit; cost?: number }[], now = new Date(), tx: Db | Tx = db()): Promise<Verdict> {
  const at = now.toISOString();
  // `cost`: hits this request counts for (an upload budget counts files), 1 by default.
  const windows = buckets.map(
    ({ key, limit, cost }) => sql`(${key}::text, ${new Date(now.getTime() - limit.windowSeconds * 1000).toISOString()}::timestamptz, ${Math.max(0, Math.trunc(cost ?? 1))}::int)`,
  );
  const rows = await queryRows<{ key: string; hits: number; window_start: string | Date }>(
    tx,
    sql`
      with w(key, opened_before, cost) as (values ${sql.join(windows, sql`, `)})
      insert into ${rateLimits} (key, window_start, hits)
      select key, ${at}::timestamptz, cost from w order by key
      on conflict (key) do update set
        hits = case when ${rateLimits.windowStart} <= (select opened_before from w where w.key = excluded.key) then excluded.hits else ${rateLimits.hits} + excluded.hits end,
        window_start = case when ${rateLimits.windowStart} <= (select opened_before from w where w.key = excluded.key) then excluded.window_start else ${rateLimits.windowStart} end
      returning key, hits, window_start`,
  );
  const counters = new Map(rows.map((r) => [r.key, { hits: Number(r.hits), windowStart: new Date(r.window_start) }]));
  return combine(buckets.map(({ key, limit }) => judge(counters.get(key)!, limit, now)));
}

/** Housekeeping: counters whose window closed long ago carry no information. */
export async function purgeRateLimits(olderThan: Date, tx = db()): Promise<number> {
  const deleted = await tx
    .delete(rateLimits)
    .where(sql`${rateLimits.windowStart} < ${olderThan.toISOString()}::timestamptz`)
    .returning({ key: rateLimits.key });
  return deleted.length;
}

/** Fixed key of the housekeeping lock (any constant bigint; it only has to be the same on every instance). */
const PURGE_LOCK_KEY = 0x7061_7973_7401;

/** Deletes day-old rate-limit counters; with the lock held elsewhere it leaves the work to that instance. */
export async function purgeRateLimitsOnce(olderThan: Date): Promise<number> {
  return db().transaction(async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${PURGE_LOCK_KEY}::bigint) as locked`);
    if (!lock?.locked) return 0;
    return purgeRateLimits(olderThan, tx);
  });
}

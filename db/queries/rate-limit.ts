import "server-only";
import { sql } from "drizzle-orm";
import { combine, judge, type Limit, type Verdict } from "@/lib/rate-limit";
import { db } from "../client";
import { rateLimits } from "../schema";

/**
 * Counts one hit against each key and judges them together. One atomic
 * upsert per key: concurrent requests on any instance see the same count.
 */
export async function consumeRateLimits(buckets: { key: string; limit: Limit }[], now = new Date(), tx = db()): Promise<Verdict> {
  const verdicts: Verdict[] = [];
  for (const { key, limit } of buckets) {
    const windowOpenedBefore = new Date(now.getTime() - limit.windowSeconds * 1000);
    const expired = sql`${rateLimits.windowStart} <= ${windowOpenedBefore.toISOString()}::timestamptz`;
    const [counter] = await tx
      .insert(rateLimits)
      .values({ key, windowStart: now, hits: 1 })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
          windowStart: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${rateLimits.windowStart} end`,
        },
      })
      .returning({ hits: rateLimits.hits, windowStart: rateLimits.windowStart });
    verdicts.push(judge(counter!, limit, now));
  }
  return combine(verdicts);
}

/** Housekeeping: counters whose window closed long ago carry no information. */
export async function purgeRateLimits(olderThan: Date, tx = db()): Promise<number> {
  const deleted = await tx
    .delete(rateLimits)
    .where(sql`${rateLimits.windowStart} < ${olderThan.toISOString()}::timestamptz`)
    .returning({ key: rateLimits.key });
  return deleted.length;
}

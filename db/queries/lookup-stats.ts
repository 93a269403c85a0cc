import "server-only";
import { sql } from "drizzle-orm";
import { type IsoDate, zonedParts } from "@/lib/dates";
import { logUnexpected } from "@/lib/log";
import { db, type Executor } from "../client";
import { lookupDaily } from "../schema";

/**
 * Lookup statistics for the dashboard: how many lookups found a receipt, how
 * many did not, and how many came in through a QR link, per service-zone day.
 */

export type LookupOutcome = "found" | "no_match" | "qr";

/**
 * Lookups are counted in this process and written at most once a second, as one
 * upsert per (day, outcome): an upsert per lookup cost every resident a database
 * round trip and made one hot row that all the day's lookups queued on. Each
 * instance adds its own counts, so PostgreSQL holds the sum; a crash loses at
 * most the last second's counts (a statistic, not a record). Counting never
 * breaks or slows a lookup: a failed write is logged and retried with the next.
 */
const FLUSH_AFTER_MS = 1000;
const pendingLookups = new Map<string, LookupCount>();
let flushTimer: ReturnType<typeof setTimeout> | undefined;

export function countLookup(outcome: LookupOutcome, timeZone: string, now = new Date()): void {
  addLookups({ day: zonedParts(now, timeZone).date, outcome, count: 1 }, FLUSH_AFTER_MS);
}

/** Writes the counts gathered so far (the dashboard calls it, so an instance always sees its own lookups). */
export async function flushLookupCounts(tx: Executor = db()): Promise<void> {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  const rows = [...pendingLookups.values()];
  pendingLookups.clear();
  if (rows.length === 0) return;
  try {
    await tx
      .insert(lookupDaily)
      .values(rows)
      .onConflictDoUpdate({ target: [lookupDaily.day, lookupDaily.outcome], set: { count: sql`${lookupDaily.count} + excluded.count` } });
  } catch (error) {
    logUnexpected("lookup_count_failed", error);
    for (const row of rows) addLookups(row, 10 * FLUSH_AFTER_MS);
  }
}

type LookupCount = { day: IsoDate; outcome: LookupOutcome; count: number };

function addLookups(row: LookupCount, flushAfterMs: number): void {
  const key = `${row.day} ${row.outcome}`;
  const entry = pendingLookups.get(key);
  if (entry) entry.count += row.count;
  else pendingLookups.set(key, { ...row });
  flushTimer ??= setTimeout(() => void flushLookupCounts(), flushAfterMs).unref();
}


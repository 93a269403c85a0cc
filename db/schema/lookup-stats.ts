import { sql } from "drizzle-orm";
import { check, date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * Lookups per service-zone day and outcome, for the dashboard's "lookups that
 * ended without a ticket". A counter in PostgreSQL, not in process memory, so
 * every instance adds to the same figure; one upsert per lookup.
 * Outcomes: `found` (receipt + amount matched), `no_match`, `qr` (status page
 * opened from a signed QR link).
 */
export const lookupDaily = pgTable(
  "lookup_daily",
  {
    day: date("day").notNull(),
    outcome: text("outcome").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.outcome] }), check("lookup_daily_count_check", sql`${t.count} >= 0`)],
);

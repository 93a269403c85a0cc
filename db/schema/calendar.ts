import { boolean, date, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Admin corrections to the statutory calendar, and days of years the library does not know yet. */
export const calendarOverrides = pgTable("calendar_overrides", {
  day: date("day").primaryKey(),
  isBusinessDay: boolean("is_business_day").notNull(),
  note: text("note").notNull().default(""),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Years an admin has declared complete (all holidays entered), beyond the library's own. */
export const calendarYears = pgTable("calendar_years", {
  year: integer("year").primaryKey(),
  publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
});

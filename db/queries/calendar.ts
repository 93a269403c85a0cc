import "server-only";
import { createCalendar, type BusinessCalendar } from "@/lib/calendar";
import { db, type Executor } from "../client";
import { calendarOverrides, calendarYears } from "../schema";

/** The statutory calendar with the admins' overrides and published years applied. */
export async function loadCalendar(tx: Executor = db()): Promise<BusinessCalendar> {
  const [overrides, years] = await Promise.all([
    tx.select({ day: calendarOverrides.day, isBusinessDay: calendarOverrides.isBusinessDay }).from(calendarOverrides),
    tx.select({ year: calendarYears.year }).from(calendarYears),
  ]);
  return createCalendar({ overrides, publishedYears: years.map((y) => y.year) });
}

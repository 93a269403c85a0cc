import type { BusinessCalendar } from "./calendar";
import { addDays, zonedInstant, zonedParts } from "./dates";

/**
 * SLA due time: the end of the N-th business day counted from the day the
 * ticket arrived (or the next business day if it arrived on a day off), in
 * the service zone, on the same calendar as posting dates.
 */
export function slaDueAt(submittedAt: Date, businessDays: number, calendar: BusinessCalendar, timeZone: string): Date {
  const day = zonedParts(submittedAt, timeZone).date;
  const start = calendar.isBusinessDay(day) ? day : calendar.nextBusinessDay(day);
  const dueDay = calendar.addBusinessDays(start, businessDays);
  return zonedInstant(addDays(dueDay, 1), "00:00", timeZone);
}

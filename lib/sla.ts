import type { BusinessCalendar } from "./calendar";
import { addDays, zonedInstant, zonedParts, type IsoDate } from "./dates";

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

/**
 * After an admin changed the calendar: an open ticket keeps the number of
 * business days it had left (today included), counted again on the new
 * calendar. A day off added inside its window moves the due day out, a working
 * day added moves it in. A due day already passed stays as it was, and so does
 * any ticket whose dates the calendar cannot answer (an unknown year).
 */
export function rescheduledDueAt(dueAt: Date, now: Date, before: BusinessCalendar, after: BusinessCalendar, timeZone: string): Date {
  const today = zonedParts(now, timeZone).date;
  const due = zonedParts(new Date(dueAt.getTime() - 1), timeZone).date;
  if (due < today) return dueAt;
  try {
    let left = 0;
    for (let d = today; d <= due; d = addDays(d, 1)) if (before.isBusinessDay(d)) left++;
    if (left === 0) return dueAt;
    const start = after.isBusinessDay(today) ? today : after.nextBusinessDay(today);
    return zonedInstant(addDays(after.addBusinessDays(start, left - 1), 1), "00:00", timeZone);
  } catch {
    return dueAt;
  }
}

/** Business days a ticket escalated to bank_liaison has before its SLA is breached (the `overdue` row of SPEC §2.3). */
export const ESCALATED_SLA_BUSINESS_DAYS = 2;

/**
 * A ticket waiting on settlement escalates to bank_liaison "one business day after the expected date"
 * (SPEC §2.3): once the business day after the expected posting date has ended in the service zone,
 * so on any later day. Throws UnknownYearError when the calendar cannot answer.
 */
export function escalationDue(expectedDate: IsoDate, today: IsoDate, calendar: BusinessCalendar): boolean {
  return today > calendar.addBusinessDays(expectedDate, 1);
}

/** The escalated ticket's SLA due time, by the same rule as every SLA. Throws UnknownYearError when the calendar cannot answer. */
export function escalatedDueAt(now: Date, calendar: BusinessCalendar, timeZone: string): Date {
  return slaDueAt(now, ESCALATED_SLA_BUSINESS_DAYS, calendar, timeZone);
}

export type TimeLeft = { kind: "left"; businessDays: number; dueToday: boolean } | { kind: "overdue"; businessDays: number };

/**
 * What the queue and the ticket summary show beside the due date (issue 18): the business days left,
 * today included when it is one (so a ticket due tonight has 1 day left and is "due today"), or the
 * business days it is past due (at least 1 once the due time has passed). Null when the calendar cannot
 * answer (an unknown year): the due date alone is shown then.
 */
export function businessDaysLeft(dueAt: Date, now: Date, calendar: BusinessCalendar, timeZone: string): TimeLeft | null {
  const today = zonedParts(now, timeZone).date;
  const dueDay = zonedParts(new Date(dueAt.getTime() - 1), timeZone).date;
  try {
    if (now.getTime() < dueAt.getTime()) {
      let n = 0;
      for (let d = today; d <= dueDay; d = addDays(d, 1)) if (calendar.isBusinessDay(d)) n++;
      return { kind: "left", businessDays: n, dueToday: today === dueDay };
    }
    let n = 0;
    for (let d = addDays(dueDay, 1); d <= today; d = addDays(d, 1)) if (calendar.isBusinessDay(d)) n++;
    return { kind: "overdue", businessDays: Math.max(1, n) };
  } catch {
    return null;
  }
}

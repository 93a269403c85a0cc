import type { BusinessCalendar } from "./calendar";
import { minutesOfHhmm, zonedParts, type IsoDate } from "./dates";

export type ChannelTiming = {
  /** Settlement lag in business days (T+n). */
  lagDays: number;
  /** Daily cut-off, "HH:MM" in the service zone; payments at or after it count from the next business day. */
  cutoff: string;
};

/**
 * SPEC §2.1: start from the service-zone date of `paidAt` if that day is a
 * business day and the time is before the channel cut-off, otherwise from the
 * next business day after it; then add the channel lag in business days.
 * Throws UnknownYearError when the calendar cannot answer.
 */
export function expectedPostingDate(paidAt: Date, channel: ChannelTiming, calendar: BusinessCalendar, timeZone: string): IsoDate {
  const { date, minuteOfDay } = zonedParts(paidAt, timeZone);
  const beforeCutoff = minuteOfDay < minutesOfHhmm(channel.cutoff);
  const start = beforeCutoff && calendar.isBusinessDay(date) ? date : calendar.nextBusinessDay(date);
  return calendar.addBusinessDays(start, channel.lagDays);
}

import { UnknownYearError, type BusinessCalendar } from "./calendar";
import { addDays, type IsoDate } from "./dates";

/**
 * How long a POS batch's bank credit is looked for (issue 16): until the BATCH_REACH_BUSINESS_DAYS-th
 * business day after the batch day, on the project's calendar (lib/calendar.ts, the one the status
 * page counts on). Ten business days are two working weeks; over the Spring Festival or National Day,
 * when acquirers such as 邮政POS pay out late, the window stretches with the days off. For a year the
 * calendar does not know, the window is BATCH_REACH_FALLBACK_DAYS calendar days (the rule before).
 */
export const BATCH_REACH_BUSINESS_DAYS = 10;
export const BATCH_REACH_FALLBACK_DAYS = 14;

/** The last value date (inclusive) on which a credit may still pay the batch of `batchDay`. */
export function batchCreditDeadline(batchDay: IsoDate, calendar: BusinessCalendar, businessDays = BATCH_REACH_BUSINESS_DAYS): IsoDate {
  try {
    return calendar.addBusinessDays(batchDay, businessDays);
  } catch (error) {
    if (error instanceof UnknownYearError) return addDays(batchDay, BATCH_REACH_FALLBACK_DAYS);
    throw error;
  }
}

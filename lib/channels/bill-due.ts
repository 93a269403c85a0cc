import type { BusinessCalendar } from "../calendar";
import { addDays, zonedInstant, zonedParts } from "../dates";

/**
 * Channel bills (交易账单 / 业务明细) list a day's transactions and are published
 * the next morning. A confirmation whose transaction is on no bill line by the
 * END of the next business day after its payment's service-zone date is an
 * exception: the channel told us of a payment its own bill does not show. Paid
 * on a day off, the next business day is the first one after it (Saturday →
 * Monday; 30 September → 8 October over National Day; a make-up Saturday counts).
 *
 * Returns the instant the confirmation becomes an exception: midnight (service
 * zone) after that business day. Throws UnknownYearError when the calendar
 * does not know the year — the caller waits rather than guess.
 */
export function billLineDueAt(paidAt: Date, calendar: BusinessCalendar, timeZone: string): Date {
  const paidDay = zonedParts(paidAt, timeZone).date;
  const dueDay = calendar.nextBusinessDay(paidDay);
  return zonedInstant(addDays(dueDay, 1), "00:00", timeZone);
}

/** The channels whose merchant bills the import reads (profiles wechat-merchant, alipay-merchant). */
export const BILL_PROFILE_CHANNEL = { "wechat-merchant": "wechat", "alipay-merchant": "alipay" } as const;
export const BILLED_CHANNELS = Object.values(BILL_PROFILE_CHANNEL);

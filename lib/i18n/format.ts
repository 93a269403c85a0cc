import type { IsoDate } from "../dates";
import type { Locale } from ".";

/** Building an Intl formatter costs far more than using one: one per locale, style and zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone} ${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", withTime ? { dateStyle: "long", timeStyle: "short", timeZone, hourCycle: "h23" } : { dateStyle: "long", timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** A business date for people: 2026年10月9日 / 9 October 2026. */
export function formatDate(day: IsoDate, locale: Locale): string {
  return formatter(locale, "UTC", false).format(new Date(`${day}T00:00:00Z`));
}

/** An instant in the service zone, to the minute. */
export function formatDateTime(instant: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, true).format(instant);
}

/** Day and time without the year, for a moment within the next day or so: 12月3日 23:22 / 3 December, 23:22. */
export function formatDayTime(instant: Date, locale: Locale, timeZone: string): string {
  const key = `${locale} ${timeZone} daytime`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", { month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone });
    formatters.set(key, f);
  }
  return f.format(instant);
}

/** The service-zone date of an instant: 2026年12月4日 / 4 December 2026. */
export function formatZonedDate(instant: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, false).format(instant);
}

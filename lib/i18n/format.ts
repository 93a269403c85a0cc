import type { IsoDate } from "../dates";
import type { Locale } from ".";

/** A business date for people: 2026年10月9日 / 9 October 2026. */
export function formatDate(day: IsoDate, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** An instant in the service zone, to the minute. */
export function formatDateTime(instant: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "zh-CN", { dateStyle: "long", timeStyle: "short", timeZone, hourCycle: "h23" }).format(instant);
}

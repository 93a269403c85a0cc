import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { addDays, type IsoDate, weekdayOf, yearOf } from "./dates";

/**
 * The business calendar: weekends off, Chinese statutory holidays off, make-up
 * workdays (调休) on — from the `chinese-days` data set, which follows the
 * State Council's yearly notice. Admins add or correct days (overrides) and
 * publish years the library does not know yet. For any other year we refuse
 * to guess: a wrong holiday would tell residents a wrong posting date.
 */

const LIBRARY_HOLIDAYS = new Set(Object.keys(chineseDays.holidays));
const LIBRARY_WORKDAYS = new Set(Object.keys(chineseDays.workdays));
const libraryYears = [...LIBRARY_HOLIDAYS].map((d) => yearOf(d));
export const LIBRARY_FIRST_YEAR = Math.min(...libraryYears);
export const LIBRARY_LAST_YEAR = Math.max(...libraryYears);

export class UnknownYearError extends Error {
  constructor(readonly year: number) {
    super(`the business calendar does not know ${year} yet`);
    this.name = "UnknownYearError";
  }
}

export type CalendarOverride = { day: IsoDate; isBusinessDay: boolean };

export type BusinessCalendar = {
  knowsYear(year: number): boolean;
  /** Throws UnknownYearError for a year neither the library nor an admin has published. */
  isBusinessDay(day: IsoDate): boolean;
  /** The first business day strictly after `day`. */
  nextBusinessDay(day: IsoDate): IsoDate;
  /** `day` moved forward by `n` business days (n = 0 returns `day`). */
  addBusinessDays(day: IsoDate, n: number): IsoDate;
};

export function createCalendar(options: { overrides?: CalendarOverride[]; publishedYears?: number[] } = {}): BusinessCalendar {
  const overrides = new Map((options.overrides ?? []).map((o) => [o.day, o.isBusinessDay]));
  const published = new Set(options.publishedYears ?? []);

  const knowsYear = (year: number) =>
    (year >= LIBRARY_FIRST_YEAR && year <= LIBRARY_LAST_YEAR) || published.has(year);

  const isBusinessDay = (day: IsoDate) => {
    const override = overrides.get(day);
    if (override !== undefined) return override;
    if (!knowsYear(yearOf(day))) throw new UnknownYearError(yearOf(day));
    if (LIBRARY_HOLIDAYS.has(day)) return false;
    if (LIBRARY_WORKDAYS.has(day)) return true;
    const weekday = weekdayOf(day);
    return weekday !== 0 && weekday !== 6;
  };

  const nextBusinessDay = (day: IsoDate) => {
    let d = addDays(day, 1);
    // The longest run of days off in the data is under three weeks.
    for (let i = 0; i < 60; i++, d = addDays(d, 1)) {
      if (isBusinessDay(d)) return d;
    }
    throw new Error(`no business day within 60 days after ${day}`);
  };

  const addBusinessDays = (day: IsoDate, n: number) => {
    let d = day;
    for (let i = 0; i < n; i++) d = nextBusinessDay(d);
    return d;
  };

  return { knowsYear, isBusinessDay, nextBusinessDay, addBusinessDays };
}

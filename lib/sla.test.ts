import { describe, expect, it } from "vitest";
import { createCalendar, UnknownYearError } from "./calendar";
import { zonedInstant } from "./dates";
import { businessDaysLeft, escalatedDueAt, escalationDue, rescheduledDueAt, slaDueAt } from "./sla";

const calendar = createCalendar();
const TZ = "Asia/Shanghai";

describe("zonedInstant", () => {
  it.each([
    ["2026-11-23", "00:00", "Asia/Shanghai", "2026-11-22T16:00:00.000Z"],
    ["2026-07-01", "09:30", "Europe/London", "2026-07-01T08:30:00.000Z"],
    ["2026-01-15", "09:30", "Europe/London", "2026-01-15T09:30:00.000Z"],
  ])("%s %s in %s → %s", (day, hhmm, tz, iso) => {
    expect(zonedInstant(day, hhmm, tz).toISOString()).toBe(iso);
  });
});

describe("slaDueAt", () => {
  it.each([
    ["Monday morning, 2 business days", "2026-11-23T10:00:00+08:00", 2, "2026-11-26T00:00:00+08:00"],
    ["Friday evening, 2 business days", "2026-11-20T22:00:00+08:00", 2, "2026-11-25T00:00:00+08:00"],
    ["Saturday, 2 business days: counts from Monday", "2026-11-21T10:00:00+08:00", 2, "2026-11-26T00:00:00+08:00"],
    ["before the Golden Week, 3 business days: 10-08, 10-09, make-up 10-10", "2026-09-30T10:00:00+08:00", 3, "2026-10-11T00:00:00+08:00"],
    ["Friday 10-09 before the make-up Saturday, 5 business days", "2026-10-09T10:00:00+08:00", 5, "2026-10-16T00:00:00+08:00"],
  ])("%s", (_name, submitted, days, due) => {
    expect(slaDueAt(new Date(submitted), days, calendar, TZ).toISOString()).toBe(new Date(due).toISOString());
  });
});

describe("rescheduledDueAt: the business days left, counted again after an admin changed the calendar", () => {
  // Monday 2026-11-23, 10:00; unless said otherwise the ticket is due at the end of Wednesday 11-25.
  const now = new Date("2026-11-23T10:00:00+08:00");
  const endOf = (day: string) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 3600_000);
  const off = (...days: string[]) => createCalendar({ overrides: days.map((day) => ({ day, isBusinessDay: false })) });
  const on = (...days: string[]) => createCalendar({ overrides: days.map((day) => ({ day, isBusinessDay: true })) });
  it.each([
    ["nothing changed", "2026-11-25", calendar, calendar, "2026-11-25"],
    ["a day off added inside the window moves it out by one", "2026-11-25", calendar, off("2026-11-24"), "2026-11-26"],
    ["today declared a day off moves it out by one", "2026-11-25", calendar, off("2026-11-23"), "2026-11-26"],
    ["two days off added, one inside the window and one after it", "2026-11-25", calendar, off("2026-11-24", "2026-11-27"), "2026-11-26"],
    ["a Saturday made a working day moves it in", "2026-11-30", calendar, on("2026-11-28"), "2026-11-28"],
    ["a day off removed again moves it back in", "2026-11-26", off("2026-11-24"), calendar, "2026-11-25"],
    ["a day off after the due day changes nothing", "2026-11-25", calendar, off("2026-11-27"), "2026-11-25"],
    ["due today, today still a working day: unchanged", "2026-11-23", calendar, off("2026-11-24"), "2026-11-23"],
    ["already breached: the clock that ran is not rewritten", "2026-11-20", calendar, off("2026-11-20"), "2026-11-20"],
    ["a year the calendar does not know: unchanged", "2099-01-09", calendar, off("2026-11-24"), "2099-01-09"],
  ])("%s", (_name, dueDay, before, after, expected) => {
    expect(rescheduledDueAt(endOf(dueDay), now, before, after, TZ).toISOString()).toBe(endOf(expected).toISOString());
  });
});

describe("escalationDue (SPEC §2.3: one business day after the expected date)", () => {
  it.each([
    ["expected Friday 11-20: Monday 11-23 is the business day after, still waiting", "2026-11-20", "2026-11-23", false],
    ["expected Friday 11-20: escalates on Tuesday 11-24", "2026-11-20", "2026-11-24", true],
    ["expected Friday 11-20: the weekend between does not count", "2026-11-20", "2026-11-22", false],
    ["expected Wednesday 09-30: the Golden Week is off, 10-08 is the day after, escalates 10-09", "2026-09-30", "2026-10-08", false],
    ["expected Wednesday 09-30: escalates Friday 10-09", "2026-09-30", "2026-10-09", true],
    ["expected Friday 10-09: the make-up Saturday 10-10 is the day after, escalates Sunday 10-11", "2026-10-09", "2026-10-11", true],
    ["expected today: not yet", "2026-11-23", "2026-11-23", false],
  ] as const)("%s", (_name, expected, today, due) => {
    expect(escalationDue(expected, today, calendar)).toBe(due);
  });

  it("throws for a year the calendar does not know, rather than guessing", () => {
    expect(() => escalationDue("2099-12-30", "2099-12-31", calendar)).toThrow(UnknownYearError);
  });
});

describe("escalatedDueAt", () => {
  it.each([
    ["Tuesday morning: Wednesday and Thursday", "2026-11-24T09:00:00+08:00", "2026-11-27T00:00:00+08:00"],
    ["Friday evening: Monday and Tuesday, whatever the hour", "2026-11-27T20:00:00+08:00", "2026-12-02T00:00:00+08:00"],
  ])("%s", (_name, now, due) => {
    expect(escalatedDueAt(new Date(now), calendar, TZ).toISOString()).toBe(new Date(due).toISOString());
  });
});

describe("businessDaysLeft", () => {
  const at = (s: string) => new Date(s);
  it.each([
    ["due Thursday night, Monday morning: Mon–Thu", "2026-11-27T00:00:00+08:00", "2026-11-23T10:00:00+08:00", { kind: "left", businessDays: 4, dueToday: false }],
    ["due tonight", "2026-11-24T00:00:00+08:00", "2026-11-23T23:00:00+08:00", { kind: "left", businessDays: 1, dueToday: true }],
    ["due Monday night, seen on Saturday: the weekend does not count", "2026-11-24T00:00:00+08:00", "2026-11-21T10:00:00+08:00", { kind: "left", businessDays: 1, dueToday: false }],
    ["over the Golden Week: only 10-08 and 10-09 count", "2026-10-10T00:00:00+08:00", "2026-09-30T20:00:00+08:00", { kind: "left", businessDays: 3, dueToday: false }],
    ["just past due", "2026-11-24T00:00:00+08:00", "2026-11-24T00:00:01+08:00", { kind: "overdue", businessDays: 1 }],
    ["due Friday, seen on Tuesday: Mon and Tue past", "2026-11-21T00:00:00+08:00", "2026-11-24T09:00:00+08:00", { kind: "overdue", businessDays: 2 }],
    ["due Friday, seen on Sunday: still one", "2026-11-21T00:00:00+08:00", "2026-11-22T09:00:00+08:00", { kind: "overdue", businessDays: 1 }],
  ] as const)("%s", (_name, due, now, expected) => {
    expect(businessDaysLeft(at(due), at(now), calendar, TZ)).toEqual(expected);
  });

  it("is null when the calendar does not know the year", () => {
    expect(businessDaysLeft(at("2099-03-03T00:00:00+08:00"), at("2099-03-01T10:00:00+08:00"), calendar, TZ)).toBeNull();
  });
});

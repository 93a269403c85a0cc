import { describe, expect, it } from "vitest";
import { createCalendar } from "./calendar";
import { zonedInstant } from "./dates";
import { slaDueAt } from "./sla";

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

import { describe, expect, it } from "vitest";
import { createCalendar, UnknownYearError } from "../calendar";
import { billLineDueAt } from "./bill-due";

const calendar = createCalendar();
const TZ = "Asia/Shanghai";

describe("billLineDueAt: end of the next business day after the payment's service-zone date", () => {
  it.each([
    ["Tuesday → end of Wednesday", "2026-11-24T10:00:00+08:00", "2026-11-26T00:00:00+08:00"],
    ["Tuesday 23:59 is still Tuesday", "2026-11-24T23:59:00+08:00", "2026-11-26T00:00:00+08:00"],
    ["Tuesday 00:30 Beijing is Monday in UTC, but Tuesday counts", "2026-11-23T16:30:00Z", "2026-11-26T00:00:00+08:00"],
    ["Friday → end of Monday", "2026-11-20T15:00:00+08:00", "2026-11-24T00:00:00+08:00"],
    ["Saturday → end of Monday", "2026-11-21T09:00:00+08:00", "2026-11-24T00:00:00+08:00"],
    ["Sunday → end of Monday", "2026-11-22T09:00:00+08:00", "2026-11-24T00:00:00+08:00"],
    ["30 September → 1–7 October are holidays → end of 8 October", "2026-09-30T18:00:00+08:00", "2026-10-09T00:00:00+08:00"],
    ["during National Day → end of 8 October", "2026-10-03T12:00:00+08:00", "2026-10-09T00:00:00+08:00"],
    ["Friday 9 October → make-up workday Saturday 10 October", "2026-10-09T10:00:00+08:00", "2026-10-11T00:00:00+08:00"],
    ["make-up Saturday 10 October → Monday 12 October", "2026-10-10T10:00:00+08:00", "2026-10-13T00:00:00+08:00"],
  ])("%s", (_name, paidAt, due) => {
    expect(billLineDueAt(new Date(paidAt), calendar, TZ).toISOString()).toBe(new Date(due).toISOString());
  });

  it("an admin's day off moves the due time out; a day made a business day brings it in", () => {
    const paid = new Date("2026-11-24T10:00:00+08:00");
    const off = createCalendar({ overrides: [{ day: "2026-11-25", isBusinessDay: false }] });
    expect(billLineDueAt(paid, off, TZ).toISOString()).toBe(new Date("2026-11-27T00:00:00+08:00").toISOString());
    const saturday = new Date("2026-11-27T10:00:00+08:00");
    const on = createCalendar({ overrides: [{ day: "2026-11-28", isBusinessDay: true }] });
    expect(billLineDueAt(saturday, on, TZ).toISOString()).toBe(new Date("2026-11-29T00:00:00+08:00").toISOString());
  });

  it("a year the calendar does not know is refused, not guessed", () => {
    expect(() => billLineDueAt(new Date("2099-03-02T10:00:00+08:00"), calendar, TZ)).toThrow(UnknownYearError);
  });
});

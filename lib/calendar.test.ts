import { describe, expect, it } from "vitest";
import { createCalendar, LIBRARY_LAST_YEAR, UnknownYearError } from "./calendar";
import { expectedPostingDate } from "./posting-date";

const calendar = createCalendar();
const TZ = "Asia/Shanghai";
const onlineBank = { lagDays: 1, cutoff: "17:00" };
const wechat = { lagDays: 1, cutoff: "23:00" };

describe("business calendar", () => {
  it.each([
    ["2026-09-30", true, "Wednesday"],
    ["2026-10-01", false, "National Day"],
    ["2026-10-07", false, "last day of the Golden Week"],
    ["2026-10-08", true, "Thursday after the holiday"],
    ["2026-10-10", true, "make-up Saturday (调休)"],
    ["2026-10-11", false, "ordinary Sunday"],
    ["2026-11-21", false, "ordinary Saturday"],
    ["2026-11-23", true, "ordinary Monday"],
    ["2026-02-17", false, "Spring Festival"],
  ])("%s business=%s (%s)", (day, business) => {
    expect(calendar.isBusinessDay(day)).toBe(business);
  });

  it("answers 'unknown year' instead of guessing", () => {
    const year = LIBRARY_LAST_YEAR + 1;
    expect(() => calendar.isBusinessDay(`${year}-03-02`)).toThrow(UnknownYearError);
    expect(calendar.knowsYear(year)).toBe(false);
  });

  it("lets admins publish a year and correct days", () => {
    const year = LIBRARY_LAST_YEAR + 1;
    const custom = createCalendar({
      publishedYears: [year],
      overrides: [
        { day: `${year}-01-01`, isBusinessDay: false },
        { day: "2026-11-23", isBusinessDay: false }, // e.g. a local closure
      ],
    });
    expect(custom.isBusinessDay(`${year}-01-01`)).toBe(false);
    expect(custom.isBusinessDay(`${year}-01-04`)).toBe(true);
    expect(custom.isBusinessDay("2026-11-23")).toBe(false);
    expect(custom.nextBusinessDay("2026-11-20")).toBe("2026-11-24");
  });

  it("adds business days across the Golden Week", () => {
    expect(calendar.nextBusinessDay("2026-09-30")).toBe("2026-10-08");
    expect(calendar.addBusinessDays("2026-09-30", 2)).toBe("2026-10-09");
    expect(calendar.addBusinessDays("2026-10-09", 1)).toBe("2026-10-10");
    expect(calendar.addBusinessDays("2026-10-09", 0)).toBe("2026-10-09");
  });
});

describe("expectedPostingDate", () => {
  it.each([
    // SPEC §2.1 worked examples
    ["2026-09-30T18:00:00+08:00", onlineBank, "2026-10-09", "after cut-off before the Golden Week"],
    ["2026-10-09T10:00:00+08:00", onlineBank, "2026-10-10", "Friday morning → make-up Saturday"],
    // weekends
    ["2026-11-21T10:00:00+08:00", onlineBank, "2026-11-24", "Saturday payment starts Monday"],
    ["2026-11-22T23:30:00+08:00", wechat, "2026-11-24", "Sunday night payment"],
    ["2026-11-20T16:59:00+08:00", onlineBank, "2026-11-23", "Friday one minute before cut-off"],
    // the cut-off minute itself is already after the cut-off
    ["2026-11-20T17:00:00+08:00", onlineBank, "2026-11-24", "Friday exactly at cut-off"],
    ["2026-11-18T17:00:00+08:00", onlineBank, "2026-11-20", "Wednesday exactly at cut-off"],
    ["2026-11-18T16:59:59+08:00", onlineBank, "2026-11-19", "Wednesday second before cut-off"],
    // UTC instant that is already the next day in Shanghai
    ["2026-11-18T16:30:00Z", onlineBank, "2026-11-20", "00:30 Thursday in Shanghai"],
    ["2026-11-18T10:00:00+08:00", { lagDays: 0, cutoff: "16:00" }, "2026-11-18", "T+0 before cut-off"],
    ["2026-11-18T10:00:00+08:00", { lagDays: 3, cutoff: "16:00" }, "2026-11-23", "T+3 across a weekend"],
  ])("paid %s → %s (%s)", (paidAt, channel, expected) => {
    expect(expectedPostingDate(new Date(paidAt), channel, calendar, TZ)).toBe(expected);
  });

  it("says so when the expected date falls in a year the calendar does not know", () => {
    const paid = new Date(`${LIBRARY_LAST_YEAR}-12-31T18:00:00+08:00`);
    expect(() => expectedPostingDate(paid, onlineBank, calendar, TZ)).toThrow(UnknownYearError);
  });

  it("uses the service zone, not the server's", () => {
    // 2026-11-20 23:30 in Shanghai is 10:30 in New York: different cut-off side and day.
    const paid = new Date("2026-11-20T15:30:00Z");
    expect(expectedPostingDate(paid, onlineBank, calendar, "Asia/Shanghai")).toBe("2026-11-24");
    expect(expectedPostingDate(paid, onlineBank, calendar, "America/New_York")).toBe("2026-11-23");
  });
});

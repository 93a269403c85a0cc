import { describe, expect, it } from "vitest";
import { batchCreditDeadline } from "./batch-window";
import { createCalendar, LIBRARY_LAST_YEAR } from "./calendar";

const calendar = createCalendar();

describe("a batch credit is looked for until the 10th business day after the batch day", () => {
  it.each([
    ["2026-11-20", "2026-12-04", "an ordinary Friday: two working weeks, 14 calendar days"],
    ["2026-11-21", "2026-12-04", "a Saturday batch counts from the Monday after"],
    ["2026-09-30", "2026-10-20", "the eve of National Day: the Golden Week off, the make-up Saturday 10 October on"],
    ["2026-02-13", "2026-03-05", "before the Spring Festival closure (邮政POS pays out after it)"],
  ])("%s → %s (%s)", (day, deadline) => {
    expect(batchCreditDeadline(day, calendar)).toBe(deadline);
  });

  it("follows the admins' calendar overrides", () => {
    const withDayOff = createCalendar({ overrides: [{ day: "2026-11-25", isBusinessDay: false }] });
    expect(batchCreditDeadline("2026-11-20", withDayOff)).toBe("2026-12-07");
  });

  it("falls back to 14 calendar days in a year the calendar does not know", () => {
    const year = LIBRARY_LAST_YEAR + 1;
    expect(batchCreditDeadline(`${year}-03-02`, calendar)).toBe(`${year}-03-16`);
  });
});

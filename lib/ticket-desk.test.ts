import { describe, expect, it } from "vitest";
import { createCalendar } from "./calendar";
import { TICKET_STATUSES } from "./routing";
import { actionAllowed, decodeCursor, encodeCursor, pausedBusinessDays, resumedDueAt, slaState, TICKET_ACTIONS, ticketAge, ZQueueFilters, type TicketAction } from "./ticket-desk";

const calendar = createCalendar();
const TZ = "Asia/Shanghai";
const at = (s: string) => new Date(s);

describe("resumedDueAt: the SLA clock moves out by the business days it stood still", () => {
  it.each([
    // name, due, paused, resumed, new due
    ["same day: nothing moves", "2026-11-26T00:00:00+08:00", "2026-11-23T10:00:00+08:00", "2026-11-23T16:00:00+08:00", "2026-11-26T00:00:00+08:00"],
    ["Monday to Tuesday: one business day", "2026-11-26T00:00:00+08:00", "2026-11-23T10:00:00+08:00", "2026-11-24T09:00:00+08:00", "2026-11-27T00:00:00+08:00"],
    ["Friday evening to Monday: only Friday counts", "2026-11-25T00:00:00+08:00", "2026-11-20T18:00:00+08:00", "2026-11-23T09:00:00+08:00", "2026-11-26T00:00:00+08:00"],
    ["asked on Saturday, answered Monday: nothing counts", "2026-11-25T00:00:00+08:00", "2026-11-21T10:00:00+08:00", "2026-11-23T09:00:00+08:00", "2026-11-25T00:00:00+08:00"],
    [
      "over the Golden Week: 9-30 counts, holidays do not; due moves past the make-up Saturday",
      "2026-10-10T00:00:00+08:00", // end of Friday 10-09
      "2026-09-30T15:00:00+08:00",
      "2026-10-08T10:00:00+08:00",
      "2026-10-11T00:00:00+08:00", // end of make-up workday Saturday 10-10
    ],
  ])("%s", (_name, due, paused, resumed, expected) => {
    expect(resumedDueAt(at(due), at(paused), at(resumed), calendar, TZ)?.toISOString()).toBe(at(expected).toISOString());
  });

  it("leaves a ticket without a due time or a pause alone, and falls back to elapsed time for an unknown year", () => {
    expect(resumedDueAt(null, at("2026-11-23T10:00:00+08:00"), at("2026-11-24T10:00:00+08:00"), calendar, TZ)).toBeNull();
    const due = at("2026-11-26T00:00:00+08:00");
    expect(resumedDueAt(due, null, at("2026-11-24T10:00:00+08:00"), calendar, TZ)).toBe(due);
    const strict = createCalendar({ publishedYears: [] });
    const farDue = at("2099-01-10T00:00:00+08:00");
    const resumed = resumedDueAt(farDue, at("2099-01-05T10:00:00+08:00"), at("2099-01-06T10:00:00+08:00"), strict, TZ);
    expect(resumed?.getTime()).toBe(farDue.getTime() + 24 * 3600_000);
  });

  it("counts paused business days", () => {
    expect(pausedBusinessDays(at("2026-09-30T09:00:00+08:00"), at("2026-10-12T09:00:00+08:00"), calendar, TZ)).toBe(4); // 9-30, 10-08, 10-09, 10-10
  });
});

describe("slaState", () => {
  const now = at("2026-11-24T10:00:00+08:00");
  it.each([
    ["open, due later", "open", "2026-11-26T00:00:00+08:00", null, "running"],
    ["open, due passed", "open", "2026-11-24T00:00:00+08:00", null, "breached"],
    ["waiting on the resident", "waiting_on_payer", "2026-11-24T00:00:00+08:00", "2026-11-23T10:00:00+08:00", "paused"],
    ["waiting, already past due when paused: still paused", "waiting_on_payer", "2026-11-23T00:00:00+08:00", "2026-11-23T10:00:00+08:00", "paused"],
    ["waiting on settlement: no SLA yet", "waiting_on_settlement", null, null, "none"],
    ["resolved", "resolved", "2026-11-20T00:00:00+08:00", null, "none"],
  ] as const)("%s → %s", (_name, status, due, paused, expected) => {
    expect(slaState({ status, dueAt: due ? at(due) : null, pausedAt: paused ? at(paused) : null }, now)).toBe(expected);
  });
});

describe("actions by ticket status", () => {
  const table: Record<TicketAction, string> = {
    // statuses in TICKET_STATUSES order: open, waiting_on_payer, waiting_on_settlement, resolved, closed
    claim: "YYY..",
    assign: "YYY..",
    reply: "YYYY.",
    note: "YYYYY",
    ask_info: "Y....",
    transfer: "YYY..",
    merge: "YYY..",
    resolve: "YYY..",
    close: "YYYY.",
  };
  it.each(TICKET_ACTIONS.flatMap((action) => TICKET_STATUSES.map((status, i) => [action, status, table[action][i] === "Y"] as const)))(
    "%s from %s: %s",
    (action, status, allowed) => {
      expect(actionAllowed(action, status)).toBe(allowed);
    },
  );
});

describe("queue cursor and filters", () => {
  it("round-trips a cursor, with and without a due time", () => {
    const withDue = { dueAt: at("2026-11-26T00:00:00+08:00"), id: 42 };
    expect(decodeCursor(encodeCursor(withDue))).toEqual(withDue);
    expect(decodeCursor(encodeCursor({ dueAt: null, id: 7 }))).toEqual({ dueAt: null, id: 7 });
  });

  it.each([undefined, "", "abc", Buffer.from("1~-3").toString("base64url"), Buffer.from("x~1").toString("base64url"), "A".repeat(80)])("rejects %s", (value) => {
    expect(decodeCursor(value)).toBeNull();
  });

  it("falls back to the defaults for unknown filter values", () => {
    expect(ZQueueFilters.parse({ status: "bogus", assigned: "x", category: "nope" })).toEqual({ status: "open", assigned: "any", category: undefined, cursor: undefined });
    expect(ZQueueFilters.parse({ status: "waiting_on_payer", assigned: "me", category: "other", cursor: "abc" })).toEqual({
      status: "waiting_on_payer",
      assigned: "me",
      category: "other",
      cursor: "abc",
    });
  });
});

describe("ticketAge", () => {
  const now = new Date("2026-11-23T10:00:00+08:00");
  it.each([
    ["2026-11-23T09:59:00+08:00", { unit: "hours", n: 0 }],
    ["2026-11-23T05:00:00+08:00", { unit: "hours", n: 5 }],
    ["2026-11-22T10:00:01+08:00", { unit: "hours", n: 23 }],
    ["2026-11-22T10:00:00+08:00", { unit: "days", n: 1 }],
    ["2026-11-13T09:00:00+08:00", { unit: "days", n: 10 }],
    ["2026-11-23T11:00:00+08:00", { unit: "hours", n: 0 }],
  ] as const)("created %s → %j", (created, age) => {
    expect(ticketAge(new Date(created), now)).toEqual(age);
  });
});

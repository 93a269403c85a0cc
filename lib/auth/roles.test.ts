import { describe, expect, it } from "vitest";
import { canSeeQueue, isStaffRole, normaliseEmail, QUEUE_NAME } from "./roles";

describe("canSeeQueue", () => {
  it.each([
    ["agent", ["bank_liaison"], "bank_liaison", true],
    ["agent", ["bank_liaison"], "refunds", false],
    ["agent", [], "refunds", false],
    ["supervisor", [], "refunds", true],
    ["admin", [], "data_entry", true],
  ] as const)("%s with %o sees %s: %s", (role, queues, queue, expected) => {
    expect(canSeeQueue({ role, queues }, queue)).toBe(expected);
  });
});

describe("roles, emails and queue names", () => {
  it.each([
    ["agent", true],
    ["admin", true],
    ["root", false],
    [undefined, false],
  ])("isStaffRole(%s) → %s", (value, expected) => {
    expect(isStaffRole(value)).toBe(expected);
  });

  it.each([
    ["  Demo-Agent@PayStatus.Invalid ", "demo-agent@paystatus.invalid"],
    ["a@b.cn", "a@b.cn"],
  ])("normaliseEmail(%s) → %s", (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });

  it.each([
    ["bank_liaison", true],
    ["data_entry", true],
    ["Refunds", false],
    ["re funds", false],
    ["", false],
  ])("queue name %s valid: %s", (name, expected) => {
    expect(QUEUE_NAME.test(name)).toBe(expected);
  });
});

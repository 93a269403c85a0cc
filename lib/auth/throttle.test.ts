import { describe, expect, it } from "vitest";
import { afterFailedLogin, afterSuccessfulLogin, isLocked, LOCKOUT_MINUTES, MAX_FAILED_LOGINS, type ThrottleState } from "./throttle";

const now = new Date("2026-11-18T02:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

describe("afterFailedLogin", () => {
  it.each<[string, ThrottleState, ThrottleState]>([
    ["first failure counts one", { failedLogins: 0, lockedUntil: null }, { failedLogins: 1, lockedUntil: null }],
    ["fourth failure still open", { failedLogins: 3, lockedUntil: null }, { failedLogins: 4, lockedUntil: null }],
    ["fifth failure locks", { failedLogins: 4, lockedUntil: null }, { failedLogins: 5, lockedUntil: at(LOCKOUT_MINUTES) }],
    ["a failure while locked does not extend the lock", { failedLogins: 5, lockedUntil: at(3) }, { failedLogins: 5, lockedUntil: at(3) }],
    ["an expired lock starts a fresh count", { failedLogins: 5, lockedUntil: at(-1) }, { failedLogins: 1, lockedUntil: null }],
    ["a lock ending exactly now has expired", { failedLogins: 5, lockedUntil: at(0) }, { failedLogins: 1, lockedUntil: null }],
    ["counts above the limit lock at once", { failedLogins: 9, lockedUntil: null }, { failedLogins: 10, lockedUntil: at(LOCKOUT_MINUTES) }],
  ])("%s", (_name, before, after) => {
    expect(afterFailedLogin(before, now)).toEqual(after);
  });

  it(`locks after exactly ${MAX_FAILED_LOGINS} failures in a row`, () => {
    let state: ThrottleState = { failedLogins: 0, lockedUntil: null };
    const lockedAfter: boolean[] = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) {
      state = afterFailedLogin(state, now);
      lockedAfter.push(isLocked(state, now));
    }
    expect(lockedAfter).toEqual([false, false, false, false, true]);
    expect(isLocked(state, at(LOCKOUT_MINUTES - 1))).toBe(true);
    expect(isLocked(state, at(LOCKOUT_MINUTES))).toBe(false);
  });
});

describe("isLocked", () => {
  it.each<[ThrottleState, Date, boolean]>([
    [{ failedLogins: 0, lockedUntil: null }, now, false],
    [{ failedLogins: 5, lockedUntil: at(1) }, now, true],
    [{ failedLogins: 5, lockedUntil: at(-1) }, now, false],
  ])("%o at now → %s", (state, when, locked) => {
    expect(isLocked(state, when)).toBe(locked);
  });
});

it("a success clears the count and the lock", () => {
  expect(afterSuccessfulLogin()).toEqual({ failedLogins: 0, lockedUntil: null });
});

import { describe, expect, it } from "vitest";
import { failuresAfter, SIGN_IN_FORGET_AFTER_SECONDS, SIGN_IN_MAX_DELAY_SECONDS, signInDelaySeconds, signInRetryAfterSeconds } from "./throttle";

const now = new Date("2026-11-18T02:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe("signInDelaySeconds", () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 5],
    [4, 10],
    [5, 20],
    [8, 160],
    [10, 640],
    [11, SIGN_IN_MAX_DELAY_SECONDS],
    [1000, SIGN_IN_MAX_DELAY_SECONDS],
  ])("%i failures → wait %i s", (failures, seconds) => {
    expect(signInDelaySeconds(failures)).toBe(seconds);
  });
});

describe("signInRetryAfterSeconds", () => {
  it.each<[string, { failures: number; lastFailureAt: Date } | null, number]>([
    ["a clean pair tries at once", null, 0],
    ["two failures cost nothing", { failures: 2, lastFailureAt: now }, 0],
    ["the third failure makes the pair wait 5 s", { failures: 3, lastFailureAt: now }, 5],
    ["…of which 2 s are left after 3 s", { failures: 3, lastFailureAt: ago(3) }, 2],
    ["…and none after 5 s", { failures: 3, lastFailureAt: ago(5) }, 0],
    ["ten failures: over ten minutes", { failures: 10, lastFailureAt: ago(40) }, 600],
    ["a day later the pair is forgotten", { failures: 50, lastFailureAt: ago(SIGN_IN_FORGET_AFTER_SECONDS) }, 0],
  ])("%s", (_name, state, seconds) => {
    expect(signInRetryAfterSeconds(state, now)).toBe(seconds);
  });
});

describe("failuresAfter", () => {
  it.each<[string, { failures: number; lastFailureAt: Date } | null, number]>([
    ["first failure", null, 1],
    ["one more", { failures: 4, lastFailureAt: ago(60) }, 5],
    ["a forgotten pair starts again", { failures: 9, lastFailureAt: ago(SIGN_IN_FORGET_AFTER_SECONDS + 1) }, 1],
  ])("%s", (_name, state, failures) => {
    expect(failuresAfter(state, now)).toBe(failures);
  });
});

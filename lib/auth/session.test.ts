import { describe, expect, it } from "vitest";
import { needsTouch, sessionState, STAFF_SESSION_ABSOLUTE_MS, STAFF_SESSION_IDLE_MS, type SessionRow } from "./session";

const now = new Date("2026-11-18T10:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const min = 60_000;

describe("sessionState", () => {
  it.each<[string, SessionRow, string]>([
    ["fresh", { createdAt: ago(min), lastSeenAt: ago(min), revokedAt: null }, "active"],
    ["used a minute ago, signed in 7 h 59 min ago", { createdAt: ago(STAFF_SESSION_ABSOLUTE_MS - min), lastSeenAt: ago(min), revokedAt: null }, "active"],
    ["8 h after sign-in, however busy", { createdAt: ago(STAFF_SESSION_ABSOLUTE_MS), lastSeenAt: now, revokedAt: null }, "expired"],
    ["29 min idle", { createdAt: ago(60 * min), lastSeenAt: ago(29 * min), revokedAt: null }, "active"],
    ["30 min idle", { createdAt: ago(60 * min), lastSeenAt: ago(STAFF_SESSION_IDLE_MS), revokedAt: null }, "idle"],
    ["signed out", { createdAt: ago(min), lastSeenAt: now, revokedAt: ago(1) }, "revoked"],
  ])("%s → %s", (_name, row, state) => {
    expect(sessionState(row, now)).toBe(state);
  });
});

describe("needsTouch", () => {
  it.each([
    [0, false],
    [59_999, false],
    [60_000, true],
  ])("last seen %i ms ago → %s", (ms, touch) => {
    expect(needsTouch({ createdAt: ago(ms), lastSeenAt: ago(ms), revokedAt: null }, now)).toBe(touch);
  });
});

import { describe, expect, it } from "vitest";
import { clientAddress, clientKey, combine, judge } from "./rate-limit";

const limit = { limit: 3, windowSeconds: 600 };
const start = new Date("2026-11-23T10:00:00Z");
const at = (s: number) => new Date(start.getTime() + s * 1000);

describe("judge", () => {
  it.each([
    [1, 0, { allowed: true }],
    [3, 10, { allowed: true }],
    [4, 10, { allowed: false, retryAfterSeconds: 590 }],
    [50, 599.5, { allowed: false, retryAfterSeconds: 1 }],
  ])("hit %i at +%is → %j", (hits, seconds, verdict) => {
    expect(judge({ hits, windowStart: start }, limit, at(seconds))).toEqual(verdict);
  });
});

describe("combine", () => {
  it.each([
    [[{ allowed: true }, { allowed: true }], { allowed: true }],
    [[{ allowed: true }, { allowed: false, retryAfterSeconds: 30 }], { allowed: false, retryAfterSeconds: 30 }],
    [[{ allowed: false, retryAfterSeconds: 10 }, { allowed: false, retryAfterSeconds: 300 }], { allowed: false, retryAfterSeconds: 300 }],
  ] as const)("%j → %j", (verdicts, result) => {
    expect(combine([...verdicts])).toEqual(result);
  });
});

describe("client identity", () => {
  it.each([
    // No trusted proxy: the socket, whatever the client wrote.
    ["6.6.6.6", "192.0.2.10", 0, "192.0.2.10"],
    [null, "192.0.2.10", 0, "192.0.2.10"],
    [null, null, 0, "unknown"],
    // One proxy appending: its entry is the client; anything left of it was written by the client.
    ["203.0.113.7", "10.0.0.1", 1, "203.0.113.7"],
    ["6.6.6.6, 203.0.113.7", "10.0.0.1", 1, "203.0.113.7"],
    ["6.6.6.6, 203.0.113.7, 10.0.0.1", "10.0.0.2", 2, "203.0.113.7"],
    // Fewer entries than trusted proxies: it did not come through them all, so its socket counts.
    ["203.0.113.7", "192.0.2.10", 3, "192.0.2.10"],
    ["", "192.0.2.10", 1, "192.0.2.10"],
    [null, null, 1, "unknown"],
  ])("x-forwarded-for %j, socket %j, %i trusted hops → %s", (xff, socket, hops, address) => {
    expect(clientAddress(xff, socket, hops)).toBe(address);
  });

  it("stores a keyed hash, never the address", () => {
    const key = clientKey("s".repeat(32), "203.0.113.7");
    expect(key).not.toContain("203");
    expect(key).toBe(clientKey("s".repeat(32), "203.0.113.7"));
    expect(key).not.toBe(clientKey("t".repeat(32), "203.0.113.7"));
  });
});

import { describe, expect, it } from "vitest";
import { databaseKind, setupTestDatabase } from "../testing/test-db";
import { consumeRateLimits, purgeRateLimits } from "./rate-limit";

setupTestDatabase();
const limit = { limit: 3, windowSeconds: 600 };
const t0 = new Date("2026-11-23T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe(`rate limits on ${databaseKind()}`, () => {
  it("allows the limit, refuses the next, reopens after the window", async () => {
    const bucket = [{ key: "test:a", limit }];
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await consumeRateLimits(bucket, at(i)));
    expect(verdicts).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }, { allowed: false, retryAfterSeconds: 597 }]);
    expect(await consumeRateLimits(bucket, at(600))).toEqual({ allowed: true });
  });

  it("refuses when any bucket is exhausted, and counts concurrent hits exactly", async () => {
    const wide = { key: "test:client", limit: { limit: 100, windowSeconds: 600 } };
    const narrow = { key: "test:receipt", limit: { limit: 5, windowSeconds: 600 } };
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeRateLimits([wide, narrow], at(1))));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });

  it("purges closed windows", async () => {
    await consumeRateLimits([{ key: "test:old", limit }], at(-10_000));
    expect(await purgeRateLimits(at(-5_000))).toBeGreaterThanOrEqual(1);
  });
});

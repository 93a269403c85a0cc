import { describe, expect, it } from "vitest";
import { retryDelayMs, RETRY_CAP_MS } from "./backoff";

const s = 1000;
const min = 60 * s;

describe("retry schedule", () => {
  it.each([
    // failures so far, delay without jitter, delay with the most jitter (−20 %)
    [1, 30 * s, 24 * s],
    [2, 1 * min, 48 * s],
    [3, 2 * min, 96 * s],
    [4, 4 * min, 192 * s],
    [5, 8 * min, 384 * s],
    [6, 16 * min, 768 * s],
    [7, 32 * min, 1536 * s],
    [8, 60 * min, 48 * min],
    [9, 60 * min, 48 * min],
    [50, 60 * min, 48 * min],
    [10_000, 60 * min, 48 * min],
  ])("after %i failure(s): %i ms, at least %i ms with jitter", (failures, full, jittered) => {
    expect(retryDelayMs(failures, () => 0)).toBe(full);
    expect(retryDelayMs(failures, () => 1)).toBe(jittered);
  });

  it("never exceeds the cap and never goes below 80 % of the step", () => {
    for (let failures = 1; failures < 40; failures++) {
      const d = retryDelayMs(failures);
      expect(d).toBeLessThanOrEqual(RETRY_CAP_MS);
      expect(d).toBeGreaterThanOrEqual(retryDelayMs(failures, () => 1));
    }
  });

  it("treats a zero count like the first failure", () => {
    expect(retryDelayMs(0, () => 0)).toBe(30 * s);
  });
});

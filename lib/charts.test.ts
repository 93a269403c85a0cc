import { describe, expect, it } from "vitest";
import { lines, niceScale, plotArea, stackedBars } from "./charts";

describe("niceScale", () => {
  it.each([
    [0, [0, 1]],
    [1, [0, 1]],
    [3, [0, 1, 2, 3]],
    [7, [0, 2, 4, 6, 8]],
    [19, [0, 5, 10, 15, 20]],
    [21, [0, 10, 20, 30]],
    [100, [0, 50, 100]],
    [950, [0, 500, 1000]],
  ])("max %d → ticks %j", (max, ticks) => {
    const scale = niceScale(max);
    expect(scale.ticks).toEqual(ticks);
    expect(scale.max).toBeGreaterThanOrEqual(max);
    expect(scale.ticks[0]).toBe(0);
    expect(scale.ticks.at(-1)).toBe(scale.max);
    expect(Number.isInteger(scale.step)).toBe(true);
  });

  it("refuses negative or non-finite maxima", () => {
    expect(() => niceScale(-1)).toThrow(RangeError);
    expect(() => niceScale(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe("stackedBars", () => {
  const width = 252;
  const height = 136;
  const plot = plotArea(width, height);

  it("stacks segments from the baseline, the tallest column reaching the axis top when it is round", () => {
    const { bars, ticks } = stackedBars(2, [{ key: "a", values: [2, 1] }, { key: "b", values: [2, 0] }], width, height);
    // totals 4 and 1 → axis 0..4
    expect(ticks.map((t) => t.value)).toEqual([0, 1, 2, 3, 4]);
    const [a0, b0, a1] = bars;
    expect(bars).toHaveLength(3); // the zero segment is not drawn
    expect(a0).toMatchObject({ category: 0, series: "a", value: 2 });
    expect(a0!.y + a0!.height).toBeCloseTo(plot.top + plot.height);
    expect(a0!.height).toBeCloseTo(plot.height / 2);
    expect(b0!.y + b0!.height).toBeCloseTo(a0!.y);
    expect(b0!.y).toBeCloseTo(plot.top);
    expect(a1!.height).toBeCloseTo(plot.height / 4);
    expect(a1!.x).toBeGreaterThan(a0!.x + a0!.width);
  });

  it("keeps every bar inside the plot", () => {
    const { bars } = stackedBars(7, [{ key: "a", values: [5, 0, 13, 2, 8, 1, 21] }, { key: "b", values: [1, 1, 1, 1, 1, 1, 1] }], width, height);
    for (const bar of bars) {
      expect(bar.x).toBeGreaterThanOrEqual(plot.left);
      expect(bar.x + bar.width).toBeLessThanOrEqual(plot.left + plot.width + 1e-9);
      expect(bar.y).toBeGreaterThanOrEqual(plot.top - 1e-9);
      expect(bar.y + bar.height).toBeLessThanOrEqual(plot.top + plot.height + 1e-9);
    }
  });

  it("draws an axis but no bars for no data", () => {
    const { bars, ticks } = stackedBars(3, [{ key: "a", values: [0, 0, 0] }], width, height);
    expect(bars).toEqual([]);
    expect(ticks.length).toBeGreaterThan(1);
  });
});

describe("lines", () => {
  it("moves to the first point, draws to the next, and breaks at a missing value", () => {
    const { lines: drawn } = lines(4, [{ key: "median", values: [4, 2, null, 4] }], 252, 136);
    const [line] = drawn;
    expect(line!.points.map((p) => p.category)).toEqual([0, 1, 3]);
    expect(line!.path.match(/[ML]/g)).toEqual(["M", "L", "M"]);
    const [p0, p1] = line!.points;
    expect(p1!.y).toBeGreaterThan(p0!.y); // a lower value sits lower on screen
    expect(p1!.x).toBeGreaterThan(p0!.x);
  });

  it("scales all series to one axis", () => {
    const { lines: drawn, ticks } = lines(2, [{ key: "a", values: [10, 20] }, { key: "b", values: [5, null] }], 252, 136);
    expect(ticks.at(-1)!.value).toBe(20);
    expect(drawn[1]!.points).toHaveLength(1);
  });
});

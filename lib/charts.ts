/**
 * Geometry for the console's small charts, rendered as server-side SVG (no
 * chart library, no client JavaScript). Pure functions: data in, rectangles,
 * points and axis ticks out; the components only draw them.
 */

export type Plot = { left: number; top: number; width: number; height: number };
export type Tick = { value: number; y: number };
export type Series = { key: string; values: readonly (number | null)[] };

/** Room for the y-axis labels on the left and the category labels underneath. */
export const MARGIN = { left: 44, right: 8, top: 8, bottom: 28 } as const;

export function plotArea(width: number, height: number): Plot {
  return { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: height - MARGIN.top - MARGIN.bottom };
}

/**
 * An axis maximum at or above `max` on a 1-2-5 step, so ticks read as round
 * numbers (0, 5, 10, 15, 20 rather than 0, 4.75, 9.5 …). Empty data still
 * gets an axis from 0 to `steps`.
 */
export function niceScale(max: number, steps = 4): { max: number; step: number; ticks: number[] } {
  if (!Number.isFinite(max) || max < 0) throw new RangeError("max must be a finite number ≥ 0");
  const raw = Math.max(max, 1) / steps;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw - 1e-9)!;
  // Whole steps only: counts are integers, so a step below 1 would print 0.25 tickets.
  const wholeStep = Math.max(1, step);
  const top = Math.ceil(Math.max(max, 1) / wholeStep) * wholeStep;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += wholeStep) ticks.push(v);
  return { max: top, step: wholeStep, ticks };
}

const yOf = (value: number, scaleMax: number, plot: Plot) => plot.top + plot.height - (value / scaleMax) * plot.height;

export type Bar = { category: number; series: string; value: number; x: number; y: number; width: number; height: number };

/** Stacked bars: one column per category, one segment per series (zero values draw nothing). */
export function stackedBars(categoryCount: number, series: readonly Series[], width: number, height: number): { plot: Plot; bars: Bar[]; ticks: Tick[]; slot: number } {
  const plot = plotArea(width, height);
  const totals = Array.from({ length: categoryCount }, (_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const scale = niceScale(Math.max(0, ...totals));
  const slot = categoryCount === 0 ? plot.width : plot.width / categoryCount;
  const barWidth = Math.max(2, slot * 0.6);
  const bars: Bar[] = [];
  for (let i = 0; i < categoryCount; i++) {
    let base = 0;
    for (const s of series) {
      const value = s.values[i] ?? 0;
      if (value <= 0) continue;
      const y = yOf(base + value, scale.max, plot);
      bars.push({ category: i, series: s.key, value, x: plot.left + slot * i + (slot - barWidth) / 2, y, width: barWidth, height: yOf(base, scale.max, plot) - y });
      base += value;
    }
  }
  return { plot, bars, ticks: scale.ticks.map((value) => ({ value, y: yOf(value, scale.max, plot) })), slot };
}

export type Line = { series: string; points: { category: number; value: number; x: number; y: number }[]; path: string };

/** Lines through each category's centre; a null value breaks the line (no data that day), it is not drawn as zero. */
export function lines(categoryCount: number, series: readonly Series[], width: number, height: number): { plot: Plot; lines: Line[]; ticks: Tick[]; slot: number } {
  const plot = plotArea(width, height);
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const scale = niceScale(Math.max(0, ...values));
  const slot = categoryCount === 0 ? plot.width : plot.width / categoryCount;
  const result = series.map((s): Line => {
    const points: Line["points"] = [];
    let path = "";
    let penDown = false;
    for (let i = 0; i < categoryCount; i++) {
      const value = s.values[i] ?? null;
      if (value === null) {
        penDown = false;
        continue;
      }
      const point = { category: i, value, x: round(plot.left + slot * i + slot / 2), y: round(yOf(value, scale.max, plot)) };
      points.push(point);
      path += `${penDown ? "L" : "M"}${point.x} ${point.y}`;
      penDown = true;
    }
    return { series: s.key, points, path };
  });
  return { plot, lines: result, ticks: scale.ticks.map((value) => ({ value, y: yOf(value, scale.max, plot) })), slot };
}

const round = (n: number) => Math.round(n * 10) / 10;


import type { ReactNode } from "react";

export type ChartSeries = { key: string; label: string; values: readonly (number | null)[] };

/** What every chart is given: its data, the table's headers and its texts. */
export type ChartProps = {
  id: string;
  title: string;
  desc: string;
  categories: readonly string[];
  /** Short labels under the axis; defaults to the categories. */
  axisLabels?: readonly string[];
  categoryHeader: string;
  series: readonly ChartSeries[];
  texts: { showTable: string; noData: string };
};

/** Colours with at least 4.5:1 contrast on white (WCAG 1.4.11 asks 3:1 of graphics); the table carries the same figures. */
export const CHART_COLOURS = ["#1d4ed8", "#b45309", "#047857", "#b91c1c", "#6d28d9", "#0e7490", "#4b5563", "#a21caf", "#854d0e", "#be185d", "#15803d"] as const;

export const colourOf = (index: number) => CHART_COLOURS[index % CHART_COLOURS.length]!;

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 200;

type FrameProps = {
  id: string;
  title: string;
  desc: string;
  /** Axis labels under the plot (short) and row headers of the table (full). */
  categories: readonly string[];
  categoryHeader: string;
  series: readonly ChartSeries[];
  texts: { showTable: string; noData: string };
  /** How a value reads in the table (e.g. one decimal for hours). */
  format?: (value: number) => string;
  children: ReactNode;
};

/**
 * A chart as a figure: a heading, a one-sentence description, the SVG (one
 * image to assistive technology, named by heading and description), a legend
 * and the same figures as a table for screen readers and for anyone who wants
 * the numbers.
 */
export function ChartFrame({ id, title, desc, categories, categoryHeader, series, texts, format = String, children }: FrameProps) {
  const empty = series.every((s) => s.values.every((v) => v === null || v === 0));
  return (
    <figure data-chart={id} aria-labelledby={`${id}-title`} className="mb-8">
      <h2 id={`${id}-title`} className="mb-1 text-2xl font-bold">
        {title}
      </h2>
      <p id={`${id}-desc`} className="mb-3 text-gray-700">
        {desc}
      </p>
      {empty && <p className="mb-3 font-semibold">{texts.noData}</p>}
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        className="h-auto w-full max-w-3xl"
        preserveAspectRatio="xMinYMin meet"
      >
        {children}
      </svg>
      {series.length > 1 && (
        <ul className="mt-2 flex flex-wrap gap-x-6 gap-y-1" aria-label={title}>
          {series.map((s, i) => (
            <li key={s.key} className="flex items-center gap-2">
              <span aria-hidden="true" className="inline-block h-4 w-4 rounded-sm" style={{ backgroundColor: colourOf(i) }} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <details className="mt-3">
        <summary className="min-h-11 cursor-pointer py-2 font-semibold text-brand underline">{texts.showTable}</summary>
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={title}>
          <table className="mt-2 border-collapse text-left" data-chart-table={id}>
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="border-b-2 border-gray-800">
                <th scope="col" className="p-2">
                  {categoryHeader}
                </th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="p-2">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {categories.map((category, i) => (
                <tr key={category} className="border-b border-gray-300">
                  <th scope="row" className="p-2 font-normal">
                    {category}
                  </th>
                  {series.map((s) => (
                    <td key={s.key} className="p-2 text-right tabular-nums">
                      {s.values[i] === null || s.values[i] === undefined ? "—" : format(s.values[i])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** Horizontal grid lines with their values, and the category labels under the plot. */
export function Axes({ ticks, plot, labels, slot }: { ticks: { value: number; y: number }[]; plot: { left: number; top: number; width: number; height: number }; labels: readonly string[]; slot: number }) {
  return (
    <g fontSize="11" fill="#374151">
      {ticks.map((t) => (
        <g key={t.value}>
          <line x1={plot.left} x2={plot.left + plot.width} y1={t.y} y2={t.y} stroke="#d1d5db" strokeWidth="1" />
          <text x={plot.left - 6} y={t.y + 4} textAnchor="end">
            {t.value}
          </text>
        </g>
      ))}
      <line x1={plot.left} x2={plot.left + plot.width} y1={plot.top + plot.height} y2={plot.top + plot.height} stroke="#374151" strokeWidth="1" />
      {labels.map((label, i) => (
        <text key={`${label}-${i}`} x={plot.left + slot * i + slot / 2} y={plot.top + plot.height + 16} textAnchor="middle">
          {label}
        </text>
      ))}
    </g>
  );
}

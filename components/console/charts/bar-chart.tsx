import { stackedBars } from "@/lib/charts";
import { Axes, CHART_HEIGHT, CHART_WIDTH, ChartFrame, colourOf, type ChartSeries } from "./chart-frame";

type Props = {
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

/** Stacked bar chart, server-rendered SVG. */
export function BarChart({ axisLabels, ...props }: Props) {
  const { plot, bars, ticks, slot } = stackedBars(props.categories.length, props.series, CHART_WIDTH, CHART_HEIGHT);
  const index = new Map(props.series.map((s, i) => [s.key, i]));
  return (
    <ChartFrame {...props}>
      <Axes ticks={ticks} plot={plot} labels={axisLabels ?? props.categories} slot={slot} />
      {bars.map((bar) => (
        <rect key={`${bar.series}-${bar.category}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height} fill={colourOf(index.get(bar.series) ?? 0)} />
      ))}
    </ChartFrame>
  );
}

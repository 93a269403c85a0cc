import { stackedBars } from "@/lib/charts";
import { Axes, CHART_HEIGHT, CHART_WIDTH, ChartFrame, colourOf, type ChartProps } from "./chart-frame";


/** Stacked bar chart, server-rendered SVG. */
export function BarChart({ axisLabels, ...props }: ChartProps) {
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

import { lines } from "@/lib/charts";
import { Axes, CHART_HEIGHT, CHART_WIDTH, ChartFrame, colourOf, type ChartProps } from "./chart-frame";

type Props = ChartProps & { format?: (value: number) => string };

/** Line chart with a dot on every value (a single week still shows), server-rendered SVG. */
export function LineChart({ axisLabels, ...props }: Props) {
  const { plot, lines: drawn, ticks, slot } = lines(props.categories.length, props.series, CHART_WIDTH, CHART_HEIGHT);
  return (
    <ChartFrame {...props}>
      <Axes ticks={ticks} plot={plot} labels={axisLabels ?? props.categories} slot={slot} />
      {drawn.map((line, i) => (
        <g key={line.series} stroke={colourOf(i)} fill={colourOf(i)}>
          <path d={line.path} fill="none" strokeWidth="2.5" />
          {line.points.map((p) => (
            <circle key={p.category} cx={p.x} cy={p.y} r="4" />
          ))}
        </g>
      ))}
    </ChartFrame>
  );
}

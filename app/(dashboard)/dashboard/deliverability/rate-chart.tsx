import { formatNumber } from "@/lib/format";

/**
 * A daily rate as plain SVG bars with the threshold mailbox providers act on drawn across: bars over the line are
 * red. Days without mail have no bar. The numbers are also in the page's table (the chart is a picture of it).
 */

export type RatePoint = { day: string; rate: number; volume: number };

const WIDTH = 720;
const HEIGHT = 180;
// The right margin holds the threshold's label, clear of the bars.
const PAD = { top: 12, right: 76, bottom: 22, left: 44 };

export const formatRate = (rate: number) =>
  `${formatNumber(rate * 100, { maximumFractionDigits: rate < 0.01 ? 2 : 1 })} %`;

export function RateChart({
  id,
  title,
  points,
  threshold,
  thresholdLabel,
}: {
  id: string;
  title: string;
  points: RatePoint[];
  threshold: number;
  thresholdLabel: string;
}) {
  const top = Math.max(threshold * 2, ...points.map((p) => p.rate)) * 1.05;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, points.length);
  const y = (rate: number) => PAD.top + plotH - (rate / top) * plotH;
  const over = points.filter((p) => p.volume > 0 && p.rate > threshold).length;
  // Gridline labels at 0, the threshold and the top; one that would overlap its neighbour is left out (the
  // threshold's line keeps its own label in the margin).
  const ticks = [0, threshold, top / 1.05].filter(
    (tick, i, all) => i === 0 || Math.abs(y(tick) - y(all[i - 1]!)) >= 14,
  );
  return (
    // On a phone the chart keeps a readable size and scrolls within its card, starting at the newest day (a
    // row-reverse scroller starts at its right end).
    <figure
      data-testid={`${id}-chart`}
      data-threshold={threshold}
      className="flex flex-row-reverse overflow-x-auto"
      // Focusable so keyboard users can scroll it too.
      tabIndex={0}
      aria-label={title}
    >
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full min-w-[34rem] shrink-0 text-gray-500"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {over
            ? `${over} of ${points.length} days above ${formatRate(threshold)}.`
            : `No day above ${formatRate(threshold)}.`}
        </desc>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(tick)}
              y2={y(tick)}
              stroke="currentColor"
              strokeOpacity={0.15}
            />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" fontSize={11} fill="currentColor">
              {formatRate(tick)}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          p.volume > 0 ? (
            <rect
              key={p.day}
              x={PAD.left + i * step + step * 0.15}
              width={Math.max(1, step * 0.7)}
              y={y(p.rate)}
              height={Math.max(1, PAD.top + plotH - y(p.rate))}
              className={p.rate > threshold ? "fill-red-500" : "fill-brand-500"}
              data-testid={`${id}-bar`}
              data-day={p.day}
              data-rate={p.rate.toFixed(5)}
            >
              <title>{`${p.day}: ${formatRate(p.rate)} of ${formatNumber(p.volume)}`}</title>
            </rect>
          ) : null,
        )}
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={y(threshold)}
          y2={y(threshold)}
          className="stroke-red-600"
          strokeWidth={1.5}
          strokeDasharray="6 4"
          data-testid={`${id}-threshold`}
        />
        <text x={WIDTH - PAD.right + 6} y={y(threshold) + 4} fontSize={11} className="fill-red-600">
          {thresholdLabel}
        </text>
        {points.length ? (
          <>
            <text x={PAD.left} y={HEIGHT - 6} fontSize={11} fill="currentColor">
              {points[0]!.day}
            </text>
            <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" fontSize={11} fill="currentColor">
              {points.at(-1)!.day}
            </text>
          </>
        ) : null}
      </svg>
    </figure>
  );
}

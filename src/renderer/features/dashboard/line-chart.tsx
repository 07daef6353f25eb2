// The live time-series chart: plain SVG, one <path> per series. Recharts 3 ran several
// store dispatches and selector passes per chart per update, which cost far more than
// the data itself; here a live batch costs the rows (memoized on the samples), one
// pass per series to build its path, and one React commit of a few dozen elements.
import { memo, useCallback, useMemo, useState, type MouseEvent, type ReactNode } from 'react';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import type { Sample } from '../../../shared/model';
import { formatClock, formatTick, timeTicks } from '../../components/format';
import { useElementWidth } from '../../components/hooks';
import { markerLines } from '../gc/timeline-markers';
import { chartRows, type Fields, type Row, type TimeWindow } from './chart-data';
import { linePath, nearestRow, niceTicks, valueExtent } from './line-chart-geometry';

export interface SeriesSpec<K extends string> {
  key: K;
  name: string;
  color: string;
  dashed?: boolean;
}

export interface LineChartProps<K extends string> {
  title: string;
  explanation: string;
  testId: string;
  samples: readonly Sample[];
  window: TimeWindow;
  fields: Fields<K>;
  series: readonly SeriesSpec<K>[];
  /** The series whose shape LTTB preserves. */
  yKey: K;
  intervalMs: number;
  formatValue: (v: number) => string;
  /** Height of the plot's SVG, axes included; the legend goes below it. */
  height?: number;
  /** Forced GCs, snapshots and alerts to draw as vertical lines. */
  markers?: readonly TimelineMarker[];
}

const M = { top: 8, right: 12, bottom: 22, left: 64 };

const Legend = memo(function Legend<K extends string>({
  series,
}: {
  series: readonly SeriesSpec<K>[];
}) {
  return (
    <ul className="chart-legend">
      {series.map((s) => (
        <li key={s.key}>
          <span
            className={s.dashed ? 'chart-swatch dashed' : 'chart-swatch'}
            style={{ borderColor: s.color }}
          />
          {s.name}
        </li>
      ))}
    </ul>
  );
});

function Readout<K extends string>(props: {
  row: Row<K>;
  series: readonly SeriesSpec<K>[];
  formatValue: (v: number) => string;
  left: number;
  flip: boolean;
}) {
  const { row, series, formatValue } = props;
  return (
    <div
      className="chart-readout"
      style={props.flip ? { right: `calc(100% - ${props.left - 8}px)` } : { left: props.left + 8 }}
    >
      <div className="chart-readout-time">{formatClock(row.t)}</div>
      {series.map((s) => {
        const v = row[s.key];
        return (
          <div key={s.key}>
            <span className="chart-swatch" style={{ borderColor: s.color }} /> {s.name}:{' '}
            {v === null || v === undefined ? '–' : formatValue(v)}
          </div>
        );
      })}
    </div>
  );
}

export interface LinePlotProps<K extends string> {
  rows: readonly Row<K>[];
  fromMs: number;
  toMs: number;
  width: number;
  height: number;
  series: readonly SeriesSpec<K>[];
  formatValue: (v: number) => string;
  markers?: readonly TimelineMarker[];
  /** A horizontal reference line (a pool's limit); the y axis reaches it. */
  refLine?: { y: number; label: string } | null;
  /** Whole-number steps only (counts). */
  integer?: boolean;
  label: string;
}

/**
 * The SVG of a line chart over rows that are already windowed and thinned, plus its
 * hover readout. Absolutely positioned readout: the caller's box is its container.
 */
function LinePlotImpl<K extends string>(props: LinePlotProps<K>) {
  const { rows, fromMs, toMs, width, height, series, formatValue, markers, refLine } = props;
  const plotW = Math.max(1, width - M.left - M.right);
  const plotH = Math.max(1, height - M.top - M.bottom);
  const span = Math.max(1, toMs - fromMs);
  const x = useCallback(
    (t: number) => M.left + ((t - fromMs) / span) * plotW,
    [fromMs, span, plotW],
  );

  const keys = useMemo(() => series.map((s) => s.key), [series]);
  const [lo, hi] = useMemo(() => valueExtent(rows, keys), [rows, keys]);
  const refY = refLine?.y ?? null;
  const yTicks = useMemo(
    () =>
      niceTicks(
        refY === null ? lo : Math.min(refY, Number.isFinite(lo) ? lo : refY),
        refY === null ? hi : Math.max(refY, Number.isFinite(hi) ? hi : refY),
        5,
        props.integer ? 1 : 0,
      ),
    [lo, hi, refY, props.integer],
  );
  const y = useCallback(
    (v: number) => M.top + plotH - ((v - yTicks.min) / (yTicks.max - yTicks.min)) * plotH,
    [plotH, yTicks],
  );
  const paths = useMemo(() => series.map((s) => linePath(rows, s.key, x, y)), [rows, series, x, y]);
  const xTicks = useMemo(
    () => timeTicks(fromMs, toMs, Math.max(0, width - 80)),
    [fromMs, toMs, width],
  );
  const markerEls = useMemo(
    () => markerLines(markers, fromMs, toMs, x, M.top, M.top + plotH),
    [markers, fromMs, toMs, x, plotH],
  );

  // Hover: the pointer's x, local to this chart; the row is found at render time, so
  // the readout follows live data under a still pointer. Listens on the SVG's parent
  // box (the SVG itself takes no pointer events, see styles.css).
  const [hoverX, setHoverX] = useState<number | null>(null);
  const onMove = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
      setHoverX(px >= M.left && px <= M.left + plotW ? px : null);
    },
    [plotW],
  );
  const onLeave = useCallback(() => setHoverX(null), []);
  let hover: { row: Row<K>; px: number } | null = null;
  if (hoverX !== null && rows.length > 0) {
    const i = nearestRow(rows, fromMs + ((hoverX - M.left) / plotW) * span);
    const row = rows[i];
    if (row && keys.some((k) => row[k] !== null)) hover = { row, px: x(row.t) };
  }

  const bottom = M.top + plotH;
  const refPy = refY === null ? null : Math.round(y(refY)) + 0.5;
  return (
    <div className="line-plot" onMouseMove={onMove} onMouseLeave={onLeave}>
      <svg className="line-chart" width={width} height={height} role="img" aria-label={props.label}>
        <g className="chart-grid">
          {yTicks.ticks.map((v) => {
            const py = Math.round(y(v)) + 0.5;
            return <line key={v} x1={M.left} x2={M.left + plotW} y1={py} y2={py} />;
          })}
        </g>
        <g className="chart-axis">
          <line x1={M.left} x2={M.left + plotW} y1={bottom + 0.5} y2={bottom + 0.5} />
          <line x1={M.left - 0.5} x2={M.left - 0.5} y1={M.top} y2={bottom} />
          {yTicks.ticks.map((v) => (
            <text key={v} x={M.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
              {formatValue(v)}
            </text>
          ))}
          {(xTicks.ticks.length > 0 ? xTicks.ticks : [fromMs, toMs]).map((t, i, all) => {
            // A span shorter than the smallest step (a few reads): label both ends.
            const ends = xTicks.ticks.length === 0;
            const px = x(t);
            const anchor = !ends ? 'middle' : i === 0 && all.length > 1 ? 'start' : 'end';
            return (
              <g key={t}>
                <line x1={px} x2={px} y1={bottom} y2={bottom + 4} />
                <text x={px} y={bottom + 16} textAnchor={anchor}>
                  {formatTick(t, xTicks.stepMs)}
                </text>
              </g>
            );
          })}
        </g>
        {markerEls}
        {refLine && refPy !== null && (
          <g className="chart-ref-line">
            <line x1={M.left} x2={M.left + plotW} y1={refPy} y2={refPy} strokeDasharray="6 3" />
            <text x={M.left + plotW - 2} y={refPy - 3} textAnchor="end">
              {refLine.label}
            </text>
          </g>
        )}
        {series.map((s, i) => (
          <path
            key={s.key}
            className="series-line"
            data-series={s.key}
            d={paths[i]}
            fill="none"
            stroke={s.color}
            strokeWidth={1.5}
            strokeLinejoin="round"
            strokeLinecap="round"
            strokeDasharray={s.dashed ? '4 3' : undefined}
          />
        ))}
        {hover && (
          <line className="chart-cursor" x1={hover.px} x2={hover.px} y1={M.top} y2={bottom} />
        )}
      </svg>
      {hover && (
        <Readout
          row={hover.row}
          series={series}
          formatValue={formatValue}
          left={hover.px}
          flip={hover.px > width / 2}
        />
      )}
    </div>
  );
}

export const LinePlot = memo(LinePlotImpl) as typeof LinePlotImpl;
export const ChartLegend = Legend as <K extends string>(props: {
  series: readonly SeriesSpec<K>[];
}) => ReactNode;

function LineChartImpl<K extends string>(props: LineChartProps<K>) {
  const { samples, window, fields, yKey, intervalMs, series, formatValue, markers } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const { fromMs, toMs } = window;
  const rows = useMemo(
    () => (width > 0 ? chartRows(samples, window, fields, yKey, intervalMs, width) : []),
    [samples, window, fields, yKey, intervalMs, width],
  );
  return (
    <section className="card chart-card" aria-label={props.title}>
      <header>
        <h3>{props.title}</h3>
        <p className="explain">{props.explanation}</p>
      </header>
      <div ref={ref} className="chart-box" data-testid={props.testId} data-points={rows.length}>
        {width > 0 && (
          <LinePlot
            rows={rows}
            fromMs={fromMs}
            toMs={toMs}
            width={width}
            height={props.height ?? 200}
            series={series}
            formatValue={formatValue}
            markers={markers}
            label={props.title}
          />
        )}
      </div>
      <Legend series={series} />
    </section>
  );
}

/** Same props as the former Recharts TimeSeriesChart; re-renders only when they change. */
export const LineChart = memo(LineChartImpl) as typeof LineChartImpl;

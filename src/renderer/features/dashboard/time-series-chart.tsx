// One time-series chart: the window's rows, downsampled to the measured width and
// memoized on the sample array, so a live batch costs one pass over the window.
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import type { Sample } from '../../../shared/model';
import { formatClock, formatTick, timeTicks } from '../../components/format';
import { useElementWidth } from '../../components/hooks';
import { markerLines } from '../gc/timeline-markers';
import { chartRows, type Fields, type TimeWindow } from './chart-data';

export interface SeriesSpec<K extends string> {
  key: K;
  name: string;
  color: string;
  dashed?: boolean;
}

interface Props<K extends string> {
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
  height?: number;
  /** Forced GCs and snapshots to draw as vertical lines. */
  markers?: readonly TimelineMarker[];
}

const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };

/*
 * Recharts 3 re-dispatches an axis' or a line's settings into its internal store on
 * every render of that element, and each dispatch re-runs the chart's selectors. So
 * the children are memoized elements: a live update re-renders only the X axis (its
 * domain moves) and lets the chart's own store redraw what depends on the data.
 */
function TimeSeriesChartImpl<K extends string>(props: Props<K>) {
  const { samples, window, fields, yKey, intervalMs, series, formatValue } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const height = props.height ?? 200;
  const rows = useMemo(
    () => (width > 0 ? chartRows(samples, window, fields, yKey, intervalMs, width) : []),
    [samples, window, fields, yKey, intervalMs, width],
  );
  const { fromMs, toMs } = window;
  const { ticks, stepMs } = useMemo(
    () => timeTicks(fromMs, toMs, Math.max(0, width - 80)),
    [fromMs, toMs, width],
  );
  const xAxis = useMemo(
    () => (
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[fromMs, toMs]}
        allowDataOverflow
        ticks={ticks}
        interval={0}
        tickFormatter={(t: number) => formatTick(t, stepMs)}
      />
    ),
    [fromMs, toMs, ticks, stepMs],
  );
  const staticChildren = useMemo(
    () => (
      <>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <YAxis width={64} tickFormatter={formatValue} allowDecimals />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(t) => formatClock(Number(t))}
          formatter={(v) => (typeof v === 'number' ? formatValue(v) : '–')}
        />
        <Legend />
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            type="linear"
            stroke={s.color}
            strokeWidth={1.5}
            strokeDasharray={s.dashed ? '4 3' : undefined}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </>
    ),
    [formatValue, series],
  );
  const { markers } = props;
  const markerEls = useMemo(
    () => markerLines(markers, props.window.fromMs, props.window.toMs),
    [markers, props.window.fromMs, props.window.toMs],
  );
  return (
    <section className="card chart-card" aria-label={props.title}>
      <header>
        <h3>{props.title}</h3>
        <p className="explain">{props.explanation}</p>
      </header>
      <div ref={ref} className="chart-box" data-testid={props.testId} data-points={rows.length}>
        {width > 0 && (
          <LineChart width={width} height={height} data={rows} margin={MARGIN}>
            {xAxis}
            {staticChildren}
            {markerEls}
          </LineChart>
        )}
      </div>
    </section>
  );
}

export const TimeSeriesChart = memo(TimeSeriesChartImpl) as typeof TimeSeriesChartImpl;

// The time chart of every panel (memory, CPU, event loop, GC, handles, pools), drawn
// by recharts 3. Loaded lazily (see lazy-time-chart.ts): the process list paints
// before recharts is even parsed.
//
// How it stays cheap per live update, the way recharts' performance guide asks:
// - data arrives downsampled (LTTB, at most about one point per pixel column) and is
//   the only prop that changes on a live update;
// - x is time relative to the window's right edge, so the x domain is the constant
//   [-span, 0] and the x ticks a constant array; the y domain and ticks are computed
//   here with round numbers and kept by content, so no axis re-dispatches its
//   settings into recharts' store while the data moves;
// - every child element (axes, grid, tooltip, legend, lines) is memoized, formatters
//   live at module level, margins are constants;
// - no animation, no dots, no active dots, solid lines only, and a line shape that
//   does not hand recharts its path element: recharts then never calls
//   getTotalLength() on a path of hundreds of points during a render;
// - a fixed width and height from our own ResizeObserver, not ResponsiveContainer.
import {
  createContext,
  memo,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useState,
  type ReactElement,
} from 'react';
import {
  CartesianGrid,
  Curve,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
  usePlotArea,
  type LegendPayload,
  type LineDrawShapeProps,
  type MouseHandlerDataParam,
  type TooltipContentProps,
} from 'recharts';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import { formatClock, formatTick, timeTicks } from '../../components/format';
import { actions } from '../../store/actions';
import { liveChartDrew, liveChartMounted, liveChartUnmounted } from '../../store/live-update';
import { markerLines } from '../gc/timeline-markers';
import {
  formatRelative,
  niceTicks,
  relativeTicks,
  valueExtent,
  type NiceTicks,
} from './chart-axes';
import { plotRows, type PlotRow, type Row } from './chart-data';

export interface SeriesSpec<K extends string> {
  key: K;
  name: string;
  color: string;
}

export interface TimeChartProps<K extends string> {
  /** Rows in time order, already windowed and downsampled. */
  rows: readonly Row<K>[];
  /** The window; toMs is the right edge of the x axis. */
  fromMs: number;
  toMs: number;
  /** A picked range (absolute clock ticks) rather than the live window (relative ticks). */
  zoomed: boolean;
  width: number;
  height: number;
  series: readonly SeriesSpec<K>[];
  formatValue: (v: number) => string;
  /** Forced GCs, snapshots and alerts, drawn as vertical lines. */
  markers?: readonly TimelineMarker[];
  /** A horizontal reference line (a pool's limit); the y axis reaches it. */
  refLine?: { y: number; label: string } | null;
  /** Whole-number steps only (counts). */
  integer?: boolean;
  label: string;
  /**
   * Set on the charts of the selected target's samples: they report what they drew,
   * for the live-update measure (store/live-update.ts).
   */
  liveId?: string;
  /** Called once the chart is in the DOM (it is a lazy chunk: the box exists before it). */
  onMounted?: () => void;
}

/** Width of the y axis: the plot starts this far from the chart's left edge. */
export const Y_AXIS_WIDTH = 64;
export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 } as const;
const X_AXIS_HEIGHT = 24;
const NO_HIDDEN: ReadonlySet<string> = new Set();

/** Tells the chart what its lines have drawn (the newest row time), see SeriesPath. */
const DrawnContext = createContext<((newestMs: number) => void) | null>(null);

/**
 * A line's path: recharts' own Curve, with our class and data-series for the tests,
 * and without recharts' path ref (so no getTotalLength per render). Reports the
 * newest point it drew once committed.
 */
function SeriesPath(props: Partial<LineDrawShapeProps>) {
  const {
    pathRef: _pathRef,
    animationElapsedTime: _elapsed,
    isAnimating: _animating,
    isEntrance: _entrance,
    visibleLength: _visible,
    points,
    ...curve
  } = props;
  const drawn = useContext(DrawnContext);
  const last = (points?.[points.length - 1] as { payload?: PlotRow<string> } | undefined)?.payload;
  const newestMs = last?.t ?? -Infinity;
  useLayoutEffect(() => {
    drawn?.(newestMs);
  }, [drawn, newestMs, points]);
  return (
    <Curve
      {...curve}
      points={points}
      connectNulls={false}
      className="recharts-line-curve series-line"
    />
  );
}
const SERIES_PATH = <SeriesPath />;

/** The shared tooltip: the hovered time and every visible series at it, in legend order. */
function Readout(
  props: Partial<TooltipContentProps> & {
    series: readonly SeriesSpec<string>[];
    hidden: ReadonlySet<string>;
    formatValue: (v: number) => string;
  },
) {
  const { active, payload, series, hidden, formatValue } = props;
  if (!active || !payload || payload.length === 0) return null;
  const row = payload[0]?.payload as PlotRow<string> | undefined;
  if (!row) return null;
  return (
    <div className="chart-readout" data-testid="chart-tooltip">
      <div className="chart-readout-time">{formatClock(row.t)}</div>
      {series.map((s) => {
        if (hidden.has(s.key) || !payload.some((p) => p.dataKey === s.key)) return null;
        const v = row[s.key];
        return (
          <div key={s.key} data-series={s.key}>
            <span className="chart-swatch" style={{ borderColor: s.color }} /> {s.name}:{' '}
            {v === null || v === undefined ? '–' : formatValue(v)}
          </div>
        );
      })}
    </div>
  );
}

/** Legend entries as toggle buttons: a click hides or shows that series. */
function LegendList(props: {
  payload?: readonly LegendPayload[];
  onToggle: (key: string) => void;
}) {
  return (
    <ul className="chart-legend">
      {(props.payload ?? []).map((e) => {
        const key = String(e.dataKey);
        return (
          <li key={key}>
            <button
              type="button"
              className="legend-entry"
              data-series={key}
              aria-pressed={!e.inactive}
              title={e.inactive ? 'Show this series' : 'Hide this series'}
              onClick={() => props.onToggle(key)}
            >
              <span className="chart-swatch" style={{ borderColor: e.color }} />
              {e.value}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Markers as a layer of the chart's SVG, in recharts' plot area. The x axis is linear
 * over [fromMs, toMs] (its domain is [-span, 0]), so a time maps to the plot directly.
 */
function MarkerLayer(props: {
  markers: readonly TimelineMarker[] | undefined;
  fromMs: number;
  toMs: number;
}) {
  const plot = usePlotArea();
  const { markers, fromMs, toMs } = props;
  if (!plot || plot.width <= 0 || !markers || markers.length === 0) return null;
  const span = Math.max(1, toMs - fromMs);
  const x = (t: number): number => plot.x + ((t - fromMs) / span) * plot.width;
  return (
    <g className="timeline-markers">
      {markerLines(markers, fromMs, toMs, x, plot.y, plot.y + plot.height)}
    </g>
  );
}

/** A number array kept by content: the same reference while the numbers stay the same. */
function useNumbers(values: readonly number[]): number[] {
  const key = values.join(',');
  return useMemo(() => (key === '' ? [] : key.split(',').map(Number)), [key]);
}

function TimeChartImpl<K extends string>(props: TimeChartProps<K>) {
  const { rows, fromMs, toMs, zoomed, width, height, series, formatValue, refLine } = props;
  const [hidden, setHidden] = useState<ReadonlySet<string>>(NO_HIDDEN);
  const toggle = useCallback((key: string) => {
    setHidden((h) => {
      const next = new Set(h);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  const data = useMemo(() => plotRows(rows, toMs), [rows, toMs]);
  const plotW = Math.max(1, width - Y_AXIS_WIDTH - CHART_MARGIN.right);
  const spanMs = Math.max(1, toMs - fromMs);

  // x: [-span, 0]; live ticks relative ("-5 min" .. "now"), a zoom's on round clock times.
  const xAxis = useMemo(
    () =>
      zoomed
        ? (() => {
            const t = timeTicks(fromMs, toMs, plotW);
            return { ticks: t.ticks.map((v) => v - toMs), stepMs: t.stepMs };
          })()
        : { ticks: relativeTicks(spanMs, plotW), stepMs: 0 },
    [zoomed, fromMs, toMs, spanMs, plotW],
  );
  const xTicks = useNumbers(xAxis.ticks);
  const xDomain = useNumbers([-spanMs, 0]);
  const zoomAnchor = zoomed ? toMs : 0;
  const stepMs = xAxis.stepMs;
  const xFormat = useMemo(
    () => (zoomed ? (v: number) => formatTick(v + zoomAnchor, stepMs) : formatRelative),
    [zoomed, zoomAnchor, stepMs],
  );

  // y: round ticks over the visible series (and the reference line).
  const visibleKeys = useMemo(
    () => series.map((s) => s.key).filter((k) => !hidden.has(k)),
    [series, hidden],
  );
  const [lo, hi] = useMemo(() => valueExtent(rows, visibleKeys), [rows, visibleKeys]);
  const refY = refLine?.y ?? null;
  const nice: NiceTicks = niceTicks(
    refY === null ? lo : Math.min(refY, Number.isFinite(lo) ? lo : refY),
    refY === null ? hi : Math.max(refY, Number.isFinite(hi) ? hi : refY),
    5,
    props.integer ? 1 : 0,
  );
  const yTicks = useNumbers(nice.ticks);
  const yDomain = useNumbers([nice.min, nice.max]);

  const children = useMemo(
    () => (
      <>
        <CartesianGrid vertical={false} strokeDasharray="3 3" />
        <XAxis
          dataKey="x"
          type="number"
          domain={xDomain}
          ticks={xTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={xFormat}
          height={X_AXIS_HEIGHT}
        />
        <YAxis
          type="number"
          width={Y_AXIS_WIDTH}
          domain={yDomain}
          ticks={yTicks}
          interval={0}
          allowDataOverflow
          tickFormatter={formatValue}
        />
      </>
    ),
    [xDomain, xTicks, xFormat, yDomain, yTicks, formatValue],
  );
  const overlay = useMemo(
    () => (
      <>
        <Tooltip
          content={<Readout series={series} hidden={hidden} formatValue={formatValue} />}
          isAnimationActive={false}
          filterNull={false}
        />
        <Legend content={<LegendList onToggle={toggle} />} itemSorter={null} />
      </>
    ),
    [series, hidden, formatValue, toggle],
  );
  const lines = useMemo(
    () =>
      series.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.name}
          type="linear"
          stroke={s.color}
          strokeWidth={1.5}
          hide={hidden.has(s.key)}
          dot={false}
          activeDot={false}
          isAnimationActive={false}
          connectNulls={false}
          shape={SERIES_PATH}
          data-series={s.key}
        />
      )),
    [series, hidden],
  );
  const refLineEl = useMemo(
    () =>
      refY === null ? null : (
        <ReferenceLine
          y={refY}
          className="chart-ref-line"
          stroke="currentColor"
          strokeDasharray="6 3"
          label={{ value: refLine?.label ?? '', position: 'insideTopRight', fontSize: 10 }}
        />
      ),
    [refY, refLine?.label],
  );

  // Drag to zoom: the range between press and release, in absolute time, sets every
  // chart's window (store: ui.zoom).
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const at = (s: MouseHandlerDataParam): number | null =>
    s.activeLabel === undefined || s.activeLabel === null ? null : Number(s.activeLabel) + toMs;
  const onMouseDown = (s: MouseHandlerDataParam): void => {
    const t = at(s);
    if (t !== null) setDrag({ a: t, b: t });
  };
  const onMouseMove = (s: MouseHandlerDataParam): void => {
    if (!drag) return;
    const t = at(s);
    if (t !== null && t !== drag.b) setDrag({ a: drag.a, b: t });
  };
  const onMouseUp = (): void => {
    if (!drag) return;
    const fromPick = Math.min(drag.a, drag.b);
    const toPick = Math.max(drag.a, drag.b);
    setDrag(null);
    if (toPick - fromPick >= 1000) actions.setZoom({ fromMs: fromPick, toMs: toPick });
  };

  const { onMounted } = props;
  useLayoutEffect(() => onMounted?.(), [onMounted]);

  // The live-update measure: this chart counts while it draws at least one series.
  const { liveId } = props;
  const live = liveId !== undefined && visibleKeys.length > 0 ? liveId : null;
  useLayoutEffect(() => {
    if (live === null) return;
    liveChartMounted(live);
    return () => liveChartUnmounted(live);
  }, [live]);
  const report = useMemo(
    () => (live === null ? null : (newestMs: number) => liveChartDrew(live, newestMs)),
    [live],
  );

  return (
    <DrawnContext.Provider value={report}>
      <LineChart
        width={width}
        height={height}
        data={data}
        margin={CHART_MARGIN}
        onMouseDown={onMouseDown}
        onMouseMove={drag ? onMouseMove : undefined}
        onMouseUp={drag ? onMouseUp : undefined}
        onMouseLeave={drag ? onMouseUp : undefined}
        accessibilityLayer={false}
      >
        {children}
        {refLineEl}
        {lines}
        <MarkerLayer markers={props.markers} fromMs={fromMs} toMs={toMs} />
        {drag && drag.a !== drag.b && (
          <ReferenceArea
            x1={Math.min(drag.a, drag.b) - toMs}
            x2={Math.max(drag.a, drag.b) - toMs}
            ifOverflow="hidden"
            className="zoom-area"
          />
        )}
        {overlay}
      </LineChart>
    </DrawnContext.Provider>
  );
}

/** Re-renders only when a prop changes (rows are memoized on the samples upstream). */
const TimeChart = memo(TimeChartImpl) as <K extends string>(
  props: TimeChartProps<K>,
) => ReactElement;
export default TimeChart;

// A chart panel of the selected target: title, explanation, and the recharts time
// chart over its samples. The rows are made here (windowed, gaps, LTTB) and memoized
// on the samples array; recharts itself is loaded lazily.
import { memo, Suspense, useCallback, useMemo, useState } from 'react';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import type { Sample } from '../../../shared/model';
import { useElementWidth, useInView } from '../../components/hooks';
import { chartRows, type Fields, type Row, type TimeWindow } from './chart-data';
import { LazyTimeChart } from './lazy-time-chart';
import type { SeriesSpec } from './time-chart';

export type { SeriesSpec } from './time-chart';

/** Where the plot starts inside a chart box (the y axis' width), as time-chart.tsx draws it. */
const PLOT_INSET_PX = 64 + 12;

export interface ChartCardProps<K extends string> {
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
  /** Height of the chart, axes and legend included. */
  height?: number;
  markers?: readonly TimelineMarker[];
  integer?: boolean;
}

/** Room for the chart before recharts has loaded, so nothing below it jumps. */
export function ChartPlaceholder({ height }: { height: number }) {
  return <div className="chart-placeholder" style={{ height }} />;
}

/**
 * The rows of one chart. In a zoom (or a paused view) the window's samples do not
 * change while batches arrive, so the previous rows are kept: recharts gets the same
 * data array and draws nothing new.
 */
function useChartRows<K extends string>(
  samples: readonly Sample[],
  window: TimeWindow,
  fields: Fields<K>,
  yKey: K,
  intervalMs: number,
  maxPoints: number,
): Row<K>[] {
  const first = samples[window.startIndex];
  const last = samples[window.endIndex - 1];
  const live = !window.zoomed;
  // Live, the samples array is the key; in a zoom, only what lies inside the window.
  const key = live ? samples : null;
  return useMemo(
    () =>
      maxPoints > 0 && first && last
        ? chartRows(samples, window, fields, yKey, intervalMs, maxPoints)
        : [],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- samples only through `key`, first and last
    [key, first, last, window.fromMs, window.toMs, fields, yKey, intervalMs, maxPoints],
  );
}

/**
 * The box's width and whether it is on screen, from one ref. Off screen, a chart keeps
 * what it drew last and costs nothing per live update; it catches up when scrolled to.
 */
export function useChartBox<T extends HTMLElement>(): [
  (el: T | null) => () => void,
  number,
  boolean,
] {
  const [widthRef, width] = useElementWidth<T>();
  const [viewRef, inView] = useInView<T>(0);
  const ref = useCallback(
    (el: T | null) => {
      const a = widthRef(el);
      const b = viewRef(el);
      return () => {
        a();
        b();
      };
    },
    [widthRef, viewRef],
  );
  return [ref, width, inView];
}

/** Whether the lazy chart has mounted, and the callback it calls when it has. */
export function useMounted(): [boolean, () => void] {
  const [mounted, setMounted] = useState(false);
  const onMounted = useCallback(() => setMounted(true), []);
  return [mounted, onMounted];
}

/** `value` while on screen; off screen, the value it had when it was last on screen. */
export function useWhileInView<T>(value: T, inView: boolean): T {
  const [shown, setShown] = useState(value);
  if (inView && shown !== value) setShown(value);
  return inView ? value : shown;
}

function ChartCardImpl<K extends string>(props: ChartCardProps<K>) {
  const { fields, yKey, intervalMs, series, formatValue } = props;
  const [ref, width, inView] = useChartBox<HTMLDivElement>();
  const samples = useWhileInView(props.samples, inView);
  const window = useWhileInView(props.window, inView);
  const markers = useWhileInView(props.markers, inView);
  const height = props.height ?? 230;
  // At most one point per two pixel columns of the plot.
  const maxPoints = width > 0 ? Math.floor((width - PLOT_INSET_PX) / 2) : 0;
  const rows = useChartRows(samples, window, fields, yKey, intervalMs, maxPoints);
  // What is drawn: no points while the chart's code is still loading.
  const [mounted, onMounted] = useMounted();
  return (
    <section className="card chart-card" aria-label={props.title}>
      <header>
        <h3>{props.title}</h3>
        <p className="explain">{props.explanation}</p>
      </header>
      <div
        ref={ref}
        className="chart-box"
        data-testid={props.testId}
        data-points={mounted ? rows.length : undefined}
        data-from-ms={Math.round(window.fromMs)}
        data-to-ms={Math.round(window.toMs)}
      >
        {width > 0 && (
          <Suspense fallback={<ChartPlaceholder height={height} />}>
            <LazyTimeChart
              rows={rows}
              fromMs={window.fromMs}
              toMs={window.toMs}
              zoomed={window.zoomed}
              width={width}
              height={height}
              series={series}
              formatValue={formatValue}
              markers={markers}
              integer={props.integer}
              label={props.title}
              liveId={inView ? props.testId : undefined}
              onMounted={onMounted}
            />
          </Suspense>
        )}
      </div>
    </section>
  );
}

/** Re-renders when a prop changes: a live batch (new samples), the window, the markers. */
export const ChartCard = memo(ChartCardImpl) as typeof ChartCardImpl;

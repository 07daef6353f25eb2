// Turns a target's samples into chart rows: the visible window only, explicit gap
// rows where samples are missing (F12: draw gaps, never zeros), and LTTB
// downsampling to at most about one point per pixel column before recharts sees
// them. Pure, so it is cheap to memoize.
import { lttb } from '../../../shared/lttb';
import { ladderSpan } from './chart-axes';
import type { GcKindStats, Sample } from '../../../shared/model';

export type Row<K extends string> = { t: number } & Record<K, number | null>;
export type Fields<K extends string> = Record<K, (s: Sample) => number | null>;

export interface TimeWindow {
  fromMs: number;
  /** The right edge of the x axis (x = 0): the newest sample, or the zoom's end. */
  toMs: number;
  /** Index of the first sample inside the window. */
  startIndex: number;
  /** One past the last sample inside the window. */
  endIndex: number;
  /** A range picked on a chart: it stays put while samples arrive. */
  zoomed: boolean;
}

/** First index whose timestamp is >= t (samples are ascending). */
export function lowerBound(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as Sample).timestampMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose timestamp is > t. */
export function upperBound(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((samples[mid] as Sample).timestampMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Live, the window ends at the newest sample (so a detached or paused view stays put)
 * and spans the range, or while the history is shorter, the smallest step of
 * SPAN_LADDER_MS that holds it: a fresh attach fills most of the chart, and the axis
 * changes only when the history outgrows a step. A zoom is the window as picked.
 */
export function timeWindow(
  samples: readonly Sample[],
  spanMs: number,
  zoom: { fromMs: number; toMs: number } | null = null,
): TimeWindow {
  if (zoom) {
    return {
      fromMs: zoom.fromMs,
      toMs: zoom.toMs,
      startIndex: lowerBound(samples, zoom.fromMs),
      endIndex: upperBound(samples, zoom.toMs),
      zoomed: true,
    };
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) {
    return { fromMs: -spanMs, toMs: 0, startIndex: 0, endIndex: 0, zoomed: false };
  }
  const toMs = last.timestampMs;
  const fromMs = toMs - ladderSpan(toMs - first.timestampMs, spanMs);
  return {
    fromMs,
    toMs,
    startIndex: lowerBound(samples, fromMs),
    endIndex: samples.length,
    zoomed: false,
  };
}

/*
 * A sample's row depends only on the sample and the fields, and samples are never
 * mutated, so each row is built once and shared by every later update: a live batch
 * then costs a cache lookup per sample in the window instead of a new row. Rows are
 * shared, so nothing may mutate them. Weak on both keys: dropped samples free theirs.
 */
const rowCaches = new WeakMap<object, WeakMap<Sample, Row<string>>>();

function rowCacheFor<K extends string>(fields: Fields<K>): WeakMap<Sample, Row<K>> {
  let cache = rowCaches.get(fields);
  if (!cache) rowCaches.set(fields, (cache = new WeakMap()));
  return cache as WeakMap<Sample, Row<K>>;
}

/** The last rows built per `fields`, so the next live batch only appends to them. */
interface RowsMemo {
  samples: readonly Sample[];
  startIndex: number;
  intervalMs: number;
  rows: Row<string>[];
  /** Gap detector state after the last sample. */
  prevDeltaMs: number;
}
const rowsMemos = new WeakMap<object, RowsMemo>();

function rowLowerBound(rows: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as { t: number }).t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The previous rows' part that a fresh build over `samples` from `start` would also
 * produce, and where to continue; null when the last build does not apply. Samples
 * are only appended (and dropped from the front), so the rows from the new start's
 * row on are the same, except the gap decision between the first two samples, which
 * a fresh build makes without a previous interval: checked here, else rebuilt.
 */
function reusableRows<K extends string>(
  memo: RowsMemo | undefined,
  samples: readonly Sample[],
  start: number,
  intervalMs: number,
): { rows: Row<K>[]; from: number } | null {
  if (!memo || memo.intervalMs !== intervalMs || memo.samples.length === 0) return null;
  const oldLast = memo.samples[memo.samples.length - 1] as Sample;
  const k = lowerBound(samples, oldLast.timestampMs);
  if (samples[k] !== oldLast || start > k) return null;
  const first = samples[start] as Sample;
  const oldFirst = memo.samples[memo.startIndex];
  if (!oldFirst || oldFirst.timestampMs > first.timestampMs) return null;
  const j = rowLowerBound(memo.rows, first.timestampMs);
  if (memo.rows[j]?.t !== first.timestampMs) return null;
  const second = samples[start + 1];
  if (second && start + 1 <= k) {
    const freshGap = second.timestampMs - first.timestampMs > 3 * intervalMs;
    const oldGap = memo.rows[j + 1] !== undefined && memo.rows[j + 1]!.t !== second.timestampMs;
    if (freshGap !== oldGap) return null;
  }
  return { rows: memo.rows.slice(j) as Row<K>[], from: k + 1 };
}

/**
 * Rows for the samples from `startIndex`, with an all-null row wherever two samples
 * are further apart than three intervals (a blocked loop, a sleeping laptop). A live
 * batch reuses the previous call's rows for the same `fields` and appends the new
 * samples' rows, so an hour-long window costs a copy, not a rebuild.
 */
export function buildRows<K extends string>(
  samples: readonly Sample[],
  startIndex: number,
  fields: Fields<K>,
  intervalMs: number,
): Row<K>[] {
  const keys = Object.keys(fields) as K[];
  const cache = rowCacheFor(fields);
  const start = Math.max(0, startIndex);
  const memo = rowsMemos.get(fields);
  const reuse = start < samples.length ? reusableRows<K>(memo, samples, start, intervalMs) : null;
  const rows: Row<K>[] = reuse ? reuse.rows : [];
  const gapRow = (t: number): Row<K> => {
    const r = { t } as Row<K>;
    for (const k of keys) (r as Record<string, number | null>)[k] = null;
    return r;
  };
  let prevMs: number | null = reuse ? (samples[reuse.from - 1] as Sample).timestampMs : null;
  let prevDeltaMs = reuse && memo ? memo.prevDeltaMs : intervalMs;
  for (let i = reuse ? reuse.from : start; i < samples.length; i++) {
    const s = samples[i] as Sample;
    if (prevMs !== null) {
      const delta = s.timestampMs - prevMs;
      if (delta > 3 * Math.max(intervalMs, prevDeltaMs)) {
        rows.push(gapRow(prevMs + delta / 2));
        prevDeltaMs = intervalMs;
      } else {
        prevDeltaMs = delta;
      }
    }
    let r = cache.get(s);
    if (!r) {
      r = { t: s.timestampMs } as Row<K>;
      for (const k of keys) (r as Record<string, number | null>)[k] = fields[k](s);
      cache.set(s, r);
    }
    rows.push(r);
    prevMs = s.timestampMs;
  }
  rowsMemos.set(fields, {
    samples,
    startIndex: start,
    intervalMs,
    rows: rows as Row<string>[],
    prevDeltaMs,
  });
  return rows;
}

/** A plain loop: this runs for every row of every chart on every live update. */
function isGap<K extends string>(row: Row<K>, keys: readonly K[]): boolean {
  for (let i = 0; i < keys.length; i++) if (row[keys[i] as K] !== null) return false;
  return true;
}

/** LTTB over `rows` per gap-free segment, each with its share of `maxPoints`. */
function downsampleSpan<K extends string>(
  rows: readonly Row<K>[],
  maxPoints: number,
  yKey: K,
  keys: readonly K[],
  totalRows: number,
  out: Row<K>[],
): void {
  let segment: Row<K>[] = [];
  const y = (r: Row<K>): number | null => {
    const v = r[yKey];
    if (v !== null) return v;
    for (const k of keys) if (r[k] !== null) return r[k];
    return null;
  };
  const flush = (): void => {
    if (segment.length === 0) return;
    const share = Math.max(3, Math.round((segment.length / totalRows) * maxPoints));
    for (const r of lttb(segment, share, (p) => p.t, y)) out.push(r);
    segment = [];
  };
  for (const r of rows) {
    if (isGap(r, keys)) {
      flush();
      // Consecutive gap rows draw the same break as one.
      const prev = out[out.length - 1];
      if (!prev || !isGap(prev, keys)) out.push(r);
    } else {
      segment.push(r);
    }
  }
  flush();
}

/** A block's downsampled rows, valid while the block holds the same rows and budget. */
interface BlockMemo {
  last: Row<string>;
  length: number;
  budget: number;
  yKey: string;
  out: Row<string>[];
}
/** Keyed by a block's first row: rows are shared and immutable, so identity is content. */
const blockMemos = new WeakMap<Row<string>, BlockMemo>();

/**
 * LTTB per gap-free segment, so gaps survive downsampling; each segment gets a share
 * of `maxPoints` proportional to its length. `yKey` drives the selection.
 *
 * With `blockMs`, the rows are first cut at multiples of `blockMs` in absolute time
 * and each block is downsampled on its own, its result kept: a live update then
 * redoes the newest block and the one the window's start cuts into, not the hour.
 */
export function downsampleRows<K extends string>(
  rows: Row<K>[],
  maxPoints: number,
  yKey: K,
  blockMs = 0,
): Row<K>[] {
  if (rows.length <= maxPoints) return rows;
  const keys = Object.keys(rows[0] ?? {}).filter((k) => k !== 't') as K[];
  const out: Row<K>[] = [];
  if (!(blockMs > 0)) {
    downsampleSpan(rows, maxPoints, yKey, keys, rows.length, out);
    return out;
  }
  for (let i = 0; i < rows.length;) {
    const first = rows[i] as Row<K>;
    const j = Math.max(i + 1, rowLowerBound(rows, (Math.floor(first.t / blockMs) + 1) * blockMs));
    const last = rows[j - 1] as Row<K>;
    const budget = Math.max(3, Math.floor(((j - i) / rows.length) * maxPoints));
    let memo = blockMemos.get(first);
    if (
      !memo ||
      memo.last !== last ||
      memo.length !== j - i ||
      memo.budget !== budget ||
      memo.yKey !== yKey
    ) {
      const part: Row<K>[] = [];
      downsampleSpan(rows.slice(i, j), budget, yKey, keys, j - i, part);
      memo = { last, length: j - i, budget, yKey, out: part };
      blockMemos.set(first, memo);
    }
    for (const r of memo.out as Row<K>[]) {
      // A gap row at a block's start after one at the previous block's end: one break.
      const prev = out[out.length - 1];
      if (prev && isGap(prev, keys) && isGap(r, keys)) continue;
      out.push(r);
    }
    i = j;
  }
  return out;
}

/**
 * Window, rows and downsampling in one call: at most `maxPoints` rows (about one per
 * pixel column of the plot, or fewer), so recharts never gets more than it can draw.
 */
export function chartRows<K extends string>(
  samples: readonly Sample[],
  window: TimeWindow,
  fields: Fields<K>,
  yKey: K,
  intervalMs: number,
  maxPoints: number,
): Row<K>[] {
  let rows = buildRows(samples, window.startIndex, fields, intervalMs);
  if (window.endIndex < samples.length) rows = rows.slice(0, rowLowerBound(rows, window.toMs + 1));
  // 16 blocks over the window, on whole seconds so the cuts stay put as it slides.
  const blockMs = Math.max(1000, Math.ceil((window.toMs - window.fromMs) / 16 / 1000) * 1000);
  return downsampleRows(rows, Math.max(16, Math.floor(maxPoints)), yKey, blockMs);
}

/** A row as recharts plots it: `x` is its time relative to the window's right edge. */
export type PlotRow<K extends string> = Row<K> & { x: number };

/**
 * Rows with x relative to `anchorMs`, so the x axis' domain is the constant
 * [-span, 0] while the data moves under it.
 */
export function plotRows<K extends string>(
  rows: readonly Row<K>[],
  anchorMs: number,
): PlotRow<K>[] {
  const out = new Array<PlotRow<K>>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as Row<K>;
    out[i] = { ...r, x: r.t - anchorMs };
  }
  return out;
}

const MB = 1024 * 1024;
const mb = (v: number | null): number | null => (v === null ? null : v / MB);

interface GcTotals {
  count: number;
  totalMs: number;
  majorMs: number;
}

/** Per sample, computed once: the KPIs sum it over the whole window on every update. */
const gcTotalsCache = new WeakMap<Sample, GcTotals>();

function gcTotals(s: Sample): GcTotals | null {
  if (!s.gc) return null;
  let totals = gcTotalsCache.get(s);
  if (totals) return totals;
  let count = 0;
  let totalMs = 0;
  for (const k of Object.values(s.gc) as GcKindStats[]) {
    count += k.count;
    totalMs += k.totalMs;
  }
  totals = { count, totalMs, majorMs: s.gc.major?.totalMs ?? 0 };
  gcTotalsCache.set(s, totals);
  return totals;
}

export const memoryFields = {
  rssMb: (s: Sample) => mb(s.rssBytes),
  heapTotalMb: (s: Sample) => mb(s.heapTotalBytes),
  heapUsedMb: (s: Sample) => mb(s.heapUsedBytes),
  externalMb: (s: Sample) => mb(s.externalBytes),
} satisfies Fields<string>;

export const cpuFields = {
  cpuPercent: (s: Sample) => s.cpuPercent,
} satisfies Fields<string>;

export const eventLoopFields = {
  p50Ms: (s: Sample) => s.eventLoopDelayP50Ms,
  p99Ms: (s: Sample) => s.eventLoopDelayP99Ms,
  maxMs: (s: Sample) => s.eventLoopDelayMaxMs,
} satisfies Fields<string>;

export const gcFields = {
  pauseMs: (s: Sample) => gcTotals(s)?.totalMs ?? null,
  majorPauseMs: (s: Sample) => gcTotals(s)?.majorMs ?? null,
} satisfies Fields<string>;

/** Sum of a sample's active resources (timers, sockets, ...); null when not read. */
function handleCount(s: Sample): number | null {
  if (!s.activeResources) return null;
  let n = 0;
  for (const v of Object.values(s.activeResources)) n += v;
  return n;
}

export const handleFields = {
  handles: handleCount,
  openFds: (s: Sample) => s.openFds,
} satisfies Fields<string>;

export interface Kpis {
  rssBytes: number | null;
  heapUsedBytes: number | null;
  heapLimitBytes: number | null;
  cpuPercent: number | null;
  eventLoopP99Ms: number | null;
  /** Total GC pause / number of collections over the window; null with no GC. */
  gcAvgPauseMs: number | null;
  gcCount: number;
  handles: number | null;
  openFds: number | null;
}

/** Headline figures: the newest known value of each, GC averaged over the window. */
export function computeKpis(samples: readonly Sample[], startIndex: number): Kpis {
  const from = Math.max(0, startIndex);
  const latest = (pick: (s: Sample) => number | null): number | null => {
    for (let i = samples.length - 1; i >= from; i--) {
      const v = pick(samples[i] as Sample);
      if (v !== null) return v;
    }
    return null;
  };
  let gcCount = 0;
  let gcMs = 0;
  for (let i = from; i < samples.length; i++) {
    const g = gcTotals(samples[i] as Sample);
    if (g) {
      gcCount += g.count;
      gcMs += g.totalMs;
    }
  }
  return {
    rssBytes: latest((s) => s.rssBytes),
    heapUsedBytes: latest((s) => s.heapUsedBytes),
    heapLimitBytes: latest((s) => s.heapLimitBytes),
    cpuPercent: latest((s) => s.cpuPercent),
    eventLoopP99Ms: latest((s) => s.eventLoopDelayP99Ms),
    gcAvgPauseMs: gcCount > 0 ? gcMs / gcCount : null,
    gcCount,
    handles: latest(handleCount),
    openFds: latest((s) => s.openFds),
  };
}

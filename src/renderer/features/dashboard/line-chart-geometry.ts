// Pure geometry for the live line chart: "nice" y ticks and one SVG path per series.
// No React here, so the per-update work is plain loops that unit tests can pin down.
import type { Row } from './chart-data';

export interface NiceTicks {
  /** Domain of the axis: [min, max], both on a tick. */
  min: number;
  max: number;
  ticks: number[];
}

/** 1, 2, 2.5, 5 or 10 times a power of ten, the smallest not below `raw`. */
function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * mag;
}

/**
 * About `count` intervals of a round step covering [min(0, lo), max(0, hi)]: the axis
 * always includes zero, so a flat line near a value is not magnified into noise.
 * Without data (or all zero) the axis is 0..1. `minStep` 1 keeps counts whole.
 */
export function niceTicks(lo: number, hi: number, count = 5, minStep = 0): NiceTicks {
  let min = Math.min(0, Number.isFinite(lo) ? lo : 0);
  let max = Math.max(0, Number.isFinite(hi) ? hi : 0);
  if (max - min <= 0) max = min + 1;
  const step = Math.max(minStep, niceStep((max - min) / Math.max(1, count)));
  min = Math.floor(min / step) * step;
  max = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  const n = Math.round((max - min) / step);
  // toPrecision drops float noise (0.30000000000000004) from the labels.
  for (let i = 0; i <= n; i++) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min: ticks[0] ?? min, max: ticks[ticks.length - 1] ?? max, ticks };
}

/** Smallest and largest non-null value of `keys` over `rows`; NaN when none. */
export function valueExtent<K extends string>(
  rows: readonly Row<K>[],
  keys: readonly K[],
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? [NaN, NaN] : [lo, hi];
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * The `d` of one series in one pass: M at the start and after every null (a gap,
 * never a zero), L otherwise. A point alone between gaps gets a zero-length segment,
 * which a round line cap draws as a dot. Empty string when every value is null.
 */
export function linePath<K extends string>(
  rows: readonly Row<K>[],
  key: K,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let run = 0; // points in the current segment
  for (const r of rows) {
    const v = r[key];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      if (run === 1) d += 'h0';
      run = 0;
      continue;
    }
    d += `${run === 0 ? 'M' : 'L'}${r1(x(r.t))},${r1(y(v))}`;
    run++;
  }
  if (run === 1) d += 'h0';
  return d;
}

/** Index of the row whose time is nearest `t` (rows ascending by t); -1 when empty. */
export function nearestRow(rows: readonly { t: number }[], t: number): number {
  if (rows.length === 0) return -1;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as { t: number }).t < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && t - (rows[lo - 1] as { t: number }).t < (rows[lo] as { t: number }).t - t)
    return lo - 1;
  return lo;
}

// Axis arithmetic for the recharts time charts, kept out of React and recharts so a
// live update can hand recharts the same domain and tick arrays as the last one:
// recharts re-dispatches an axis' settings into its store (and re-runs every selector
// that depends on it) whenever one of its props changes by reference.
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

/**
 * Spans the x axis snaps to while the history is shorter than the chosen range: the
 * axis stays put between steps instead of stretching on every sample, and a fresh
 * attach still fills most of the chart.
 */
export const SPAN_LADDER_MS = [
  10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
] as const;

/** The x span for `historyMs` of data under a range of `rangeMs`: a ladder step, at most the range. */
export function ladderSpan(historyMs: number, rangeMs: number): number {
  const step = SPAN_LADDER_MS.find((s) => s >= historyMs) ?? rangeMs;
  return Math.min(rangeMs, step);
}

const TICK_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
  1_800_000, 3_600_000,
];

/**
 * Ticks of an axis in time relative to its right edge (0), every round step from
 * -spanMs, at most one per `minGapPx` of `widthPx`. Same inputs, same numbers: the
 * caller keeps the array by content.
 */
export function relativeTicks(spanMs: number, widthPx: number, minGapPx = 80): number[] {
  const maxTicks = Math.max(2, Math.floor(widthPx / minGapPx));
  const step =
    TICK_STEPS_MS.find((s) => spanMs / s <= maxTicks) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let t = -Math.floor(spanMs / step) * step; t <= 0; t += step) ticks.push(t);
  return ticks;
}

/** A relative tick: "now", "-30 s", "-5 min", "-1 h". */
export function formatRelative(ms: number): string {
  if (ms === 0) return 'now';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '+';
  if (a < 60_000) return `${sign}${Math.round(a / 1000)} s`;
  if (a < 3_600_000) return `${sign}${Number((a / 60_000).toFixed(1))} min`;
  return `${sign}${Number((a / 3_600_000).toFixed(1))} h`;
}

/** Element-wise equality of two number arrays (tick lists, domains). */
export function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

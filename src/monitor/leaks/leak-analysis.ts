// One signal: is the heap that survives major GCs growing? Takes post-GC points and
// answers "not enough data", "stable" or "suspected", with a stated confidence
// (Mann-Kendall) and a robust growth rate (Theil-Sen). A sawtooth heap has a flat
// post-GC floor, so it is stable; an idle process gives few points or a flat line.
// Plus the seed's investigate rule: a forced GC that frees less than half of the growth
// since the baseline means a leak is suspected.
import type { LeakInvestigation, LeakState } from '../../shared/alert-model';
import { formatBytes } from '../alerts/format';
import { mannKendall, theilSenSlope, type Point } from './trend';

export interface TrendOptions {
  /** Post-GC points needed before any verdict. */
  minPoints: number;
  /** Time the points must span. */
  minSpanMs: number;
  /** Only points this recent are used. */
  windowMs: number;
  maxPoints: number;
  /** Mann-Kendall one-sided confidence needed to suspect a leak. */
  minConfidence: number;
  /** Growth rates below this are not worth flagging (runtime warm-up, caches filling). */
  minGrowthBytesPerMinute: number;
  /** Growth over the window must also reach this share of the baseline... */
  minRelativeGrowth: number;
  /** ...and this many bytes: transient live data (a batch in flight) moves it less. */
  minGrowthBytes: number;
}

export const DEFAULT_TREND_OPTIONS: Readonly<TrendOptions> = {
  minPoints: 6,
  // A GC cadence beating with a service's batch period makes what survives GC drift
  // for tens of seconds (seen here: +2.6 MB over 30 s on a healthy sawtooth service,
  // 98 % trend confidence). Only a window of several beat periods tells that from growth.
  minSpanMs: 60_000,
  windowMs: 10 * 60_000,
  maxPoints: 120,
  minConfidence: 0.95,
  minGrowthBytesPerMinute: 256 * 1024,
  minRelativeGrowth: 0.05,
  minGrowthBytes: 2 * 1024 * 1024,
};

export interface TrendVerdict {
  state: Exclude<LeakState, 'leak'>;
  confidence: number | null;
  growthBytesPerMinute: number | null;
  baselineBytes: number | null;
  points: number;
  pointsNeeded: number;
  spanMs: number;
  sentence: string;
}

/** Points in time order, any age; the window is applied here. */
export function analysePostGcTrend(
  all: readonly Point[],
  nowMs: number,
  options: Partial<TrendOptions> = {},
): TrendVerdict {
  const o = { ...DEFAULT_TREND_OPTIONS, ...options };
  const points = all.filter((p) => p.tMs >= nowMs - o.windowMs).slice(-o.maxPoints);
  const spanMs = points.length > 1 ? points[points.length - 1]!.tMs - points[0]!.tMs : 0;
  const base = { points: points.length, pointsNeeded: o.minPoints, spanMs };
  if (points.length < o.minPoints || spanMs < o.minSpanMs) {
    const need =
      points.length < o.minPoints
        ? `${points.length} of ${o.minPoints} post-GC heap points`
        : `the points span ${Math.round(spanMs / 1000)} s of the ${Math.round(o.minSpanMs / 1000)} s needed`;
    return {
      ...base,
      state: 'not-enough-data',
      confidence: null,
      growthBytesPerMinute: null,
      baselineBytes: points[0]?.value ?? null,
      sentence: `Not enough data yet: ${need} (they come from major GCs; allow forced GCs or press Investigate to get them sooner).`,
    };
  }
  const slopePerMs = theilSenSlope(points) ?? 0;
  const growthBytesPerMinute = slopePerMs * 60_000;
  const mk = mannKendall(points.map((p) => p.value));
  const confidence = mk.increasingConfidence;
  // Baseline: the Theil-Sen line's value at the first point (robust to one low outlier).
  const medianT = median(points.map((p) => p.tMs));
  const medianV = median(points.map((p) => p.value));
  const baselineBytes = Math.max(0, medianV - slopePerMs * (medianT - points[0]!.tMs));
  const growthOverWindow = slopePerMs * spanMs;
  const suspected =
    confidence >= o.minConfidence &&
    growthBytesPerMinute >= o.minGrowthBytesPerMinute &&
    growthOverWindow >= Math.max(o.minRelativeGrowth * baselineBytes, o.minGrowthBytes);
  const pct = `${Math.round(confidence * 100)} %`;
  const sentence = suspected
    ? `The heap after GC grows by ${formatBytes(growthBytesPerMinute)}/min from ${formatBytes(baselineBytes)} (confidence ${pct}, ${points.length} post-GC points over ${Math.round(spanMs / 1000)} s): press Investigate or allow snapshots to name the growing class.`
    : `No leak seen: the heap after GC stays near ${formatBytes(medianV)} (trend ${growthBytesPerMinute >= 0 ? '+' : ''}${formatBytes(growthBytesPerMinute)}/min, growth confidence ${pct}, ${points.length} points).`;
  return {
    ...base,
    state: suspected ? 'suspected' : 'stable',
    confidence,
    growthBytesPerMinute,
    baselineBytes,
    sentence,
  };
}

/** Growth below this since the baseline is too small to judge a forced GC by. */
export const MIN_INVESTIGATE_GROWTH_BYTES = 1024 * 1024;

export function judgeInvestigation(input: {
  atMs: number;
  baselineBytes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  /**
   * The post-GC trend before the forced GC. 'stable' overrules the seed's rule: one GC
   * cannot tell live working data (a batch being built) from a leak, and a heap whose
   * level after GC has not grown over the window is not leaking (a sawtooth service
   * was called leaking when Investigate hit the top of a batch).
   */
  trend?: { state: TrendVerdict['state']; points: number; spanMs: number };
}): LeakInvestigation {
  const { trend, ...fields } = input;
  const growthBytes = input.heapBeforeBytes - input.baselineBytes;
  const freedBytes = Math.max(0, input.heapBeforeBytes - input.heapAfterBytes);
  const significant = growthBytes >= MIN_INVESTIGATE_GROWTH_BYTES;
  const retained = significant && freedBytes < growthBytes / 2;
  const flatTrend = trend?.state === 'stable';
  const leakSuspected = retained && !flatTrend;
  const sentence = !significant
    ? `The heap grew only ${formatBytes(Math.max(0, growthBytes))} since the baseline ${formatBytes(input.baselineBytes)}: nothing to investigate yet.`
    : leakSuspected
      ? `A forced GC freed ${formatBytes(freedBytes)} of the ${formatBytes(growthBytes)} grown since the baseline (less than half): memory is being retained, a leak is suspected.`
      : retained
        ? `A forced GC freed ${formatBytes(freedBytes)} of the ${formatBytes(growthBytes)} grown since the baseline, but the heap after GC has not grown over ${Math.round(trend!.spanMs / 1000)} s (${trend!.points} post-GC points): what it kept is live working data, no leak.`
        : `A forced GC freed ${formatBytes(freedBytes)} of the ${formatBytes(growthBytes)} grown since the baseline: the growth was garbage, no leak.`;
  return { ...fields, growthBytes, freedBytes, leakSuspected, sentence };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// Robust trend statistics for the post-GC heap: the Theil-Sen slope (median of pairwise
// slopes, unmoved by a few outliers such as a GC that ran late) and the Mann-Kendall
// test for a monotonic trend, with ties corrected, as a one-sided confidence.

export interface Point {
  tMs: number;
  value: number;
}

/** Median of the pairwise slopes, in value units per ms; null with < 2 distinct times. */
export function theilSenSlope(points: readonly Point[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j]!;
      const dt = b.tMs - a.tMs;
      if (dt !== 0) slopes.push((b.value - a.value) / dt);
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((x, y) => x - y);
  const m = slopes.length >> 1;
  return slopes.length % 2 ? slopes[m]! : (slopes[m - 1]! + slopes[m]!) / 2;
}

export interface MannKendall {
  s: number;
  z: number;
  /** P(trend is upward) under the normal approximation: Phi(z), 0..1. */
  increasingConfidence: number;
  /** Kendall's tau-a: S / (n(n-1)/2). */
  tau: number;
}

/** Mann-Kendall on values in time order. */
export function mannKendall(values: readonly number[]): MannKendall {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - values[i]!);
  }
  const ties = new Map<number, number>();
  for (const v of values) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  let z = 0;
  if (variance > 0) {
    if (s > 0) z = (s - 1) / Math.sqrt(variance);
    else if (s < 0) z = (s + 1) / Math.sqrt(variance);
  }
  const pairs = (n * (n - 1)) / 2;
  return { s, z, increasingConfidence: normalCdf(z), tau: pairs > 0 ? s / pairs : 0 };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

// Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013). Shared by the core
// (history queries) and the renderer (chart density), so it imports nothing.

/**
 * Picks at most `threshold` indexes of a series so its visual shape survives: the
 * first and last points always, and per bucket the point that forms the largest
 * triangle with the previous pick and the next bucket's average. Returns indexes in
 * ascending order so callers can pick whole records. Null / NaN values (gaps) are
 * skipped as candidates; a series shorter than the threshold comes back whole.
 */
export function lttbIndexes(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null>,
  threshold: number,
): number[] {
  const n = Math.min(xs.length, ys.length);
  const all = (): number[] => Array.from({ length: n }, (_, i) => i);
  if (!Number.isFinite(threshold) || threshold >= n || n <= 2) return all();
  if (threshold < 3) {
    return threshold <= 0 ? [] : threshold === 1 ? [0] : [0, n - 1];
  }
  const y = (i: number): number => {
    const v = ys[i];
    return v === null || v === undefined || Number.isNaN(v) ? NaN : v;
  };
  const out: number[] = [0];
  const bucketSize = (n - 2) / (threshold - 2);
  let a = 0;
  for (let b = 0; b < threshold - 2; b++) {
    const start = Math.floor(b * bucketSize) + 1;
    const end = Math.min(Math.floor((b + 1) * bucketSize) + 1, n - 1);
    // Average of the next bucket (the last point for the final bucket).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((b + 2) * bucketSize) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      const v = y(i);
      if (Number.isNaN(v)) continue;
      avgX += xs[i] as number;
      avgY += v;
      count++;
    }
    if (count === 0) {
      avgX = xs[n - 1] as number;
      avgY = Number.isNaN(y(n - 1)) ? 0 : y(n - 1);
    } else {
      avgX /= count;
      avgY /= count;
    }
    const ax = xs[a] as number;
    const ay = Number.isNaN(y(a)) ? avgY : y(a);
    let best = -1;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const v = y(i);
      if (Number.isNaN(v)) continue;
      const area = Math.abs((ax - avgX) * (v - ay) - (ax - (xs[i] as number)) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    // A bucket of gaps keeps its first index so the gap still shows in the chart.
    if (best < 0) best = start < end ? start : -1;
    if (best >= 0 && best !== out[out.length - 1]) {
      out.push(best);
      a = best;
    }
  }
  out.push(n - 1);
  return out;
}

/** Convenience form for point arrays. */
export function lttb<T>(
  points: readonly T[],
  threshold: number,
  x: (p: T) => number,
  y: (p: T) => number | null,
): T[] {
  const xs = points.map(x);
  const ys = points.map(y);
  return lttbIndexes(xs, ys, threshold).map((i) => points[i] as T);
}

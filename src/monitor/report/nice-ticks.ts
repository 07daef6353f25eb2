// Round y-axis ticks for the report's charts: 0, then steps of 1, 2, 2.5 or 5 times a
// power of ten in the unit shown, up to the first step at or above the largest value
// (0 / 100 / 200 / 300 MB, not 67.7 / 135 / 203 / 271 MB).

export interface AxisTicks {
  /** The axis top: the last tick. */
  max: number;
  ticks: number[];
}

/** 1, 2, 2.5, 5 or 10 times a power of ten: the smallest not below `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * mag;
}

/**
 * Ticks from 0 to at least `maxValue` in about `intervals` round steps (one more or one
 * fewer when that ends the axis closer above the data). `minStep` 1 keeps counts whole.
 * Without data (or all zero) the axis is 0..1.
 */
export function axisTicks(maxValue: number, intervals = 4, minStep = 0): AxisTicks {
  const top = Number.isFinite(maxValue) && maxValue > 0 ? maxValue : 1;
  let best: AxisTicks | null = null;
  for (const k of [intervals, intervals + 1, intervals - 1].filter((n) => n >= 2)) {
    const step = Math.max(minStep, niceStep(top / k));
    const n = Math.max(1, Math.ceil(top / step - 1e-9));
    // toPrecision drops float noise (0.30000000000000004) from the labels.
    const ticks = Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
    const max = ticks[ticks.length - 1]!;
    if (!best || max < best.max) best = { max, ticks };
  }
  return best!;
}

/** A tick value as text without float noise or needless zeros: 2.5, 100, 0.25. */
export function tickNumber(v: number): string {
  return String(Number(v.toPrecision(12)));
}

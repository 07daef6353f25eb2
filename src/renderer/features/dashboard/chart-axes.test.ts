import { describe, expect, it } from 'vitest';
import type { Row } from './chart-data';
import {
  formatRelative,
  ladderSpan,
  niceTicks,
  relativeTicks,
  sameNumbers,
  valueExtent,
} from './chart-axes';

type K = 'a' | 'b';
const row = (t: number, a: number | null, b: number | null = null): Row<K> => ({ t, a, b });

describe('niceTicks', () => {
  it('covers 0..max with about five round steps', () => {
    expect(niceTicks(0, 87)).toEqual({ min: 0, max: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceTicks(3, 143.2).ticks).toEqual([0, 50, 100, 150]);
    expect(niceTicks(0, 0.7).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 10).ticks).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('falls back to 0..1 without data or with all zeros', () => {
    expect(niceTicks(NaN, NaN)).toEqual({ min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceTicks(0, 0).max).toBe(1);
  });

  it('extends below zero for negative values', () => {
    const t = niceTicks(-3, 7);
    expect(t.min).toBeLessThanOrEqual(-3);
    expect(t.max).toBeGreaterThanOrEqual(7);
    expect(t.ticks).toContain(0);
  });

  it('keeps whole steps for counts with minStep 1', () => {
    expect(niceTicks(0, 3, 5, 1).ticks).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 0, 5, 1).ticks).toEqual([0, 1]);
  });

  it('has no float noise in the labels', () => {
    for (const v of niceTicks(0, 0.3).ticks) expect(String(v).length).toBeLessThan(6);
  });

  it('gives the same ticks for values that move within a step (kept by content)', () => {
    expect(sameNumbers(niceTicks(0, 81).ticks, niceTicks(0, 99.5).ticks)).toBe(true);
    expect(sameNumbers(niceTicks(0, 81).ticks, niceTicks(0, 101).ticks)).toBe(false);
  });
});

describe('valueExtent', () => {
  it('ignores nulls', () => {
    expect(valueExtent([row(0, null, 4), row(1, 2, null)], ['a', 'b'])).toEqual([2, 4]);
    expect(valueExtent([row(0, null)], ['a'])).toEqual([NaN, NaN]);
  });
});

describe('the relative time axis', () => {
  it('snaps a young history to a ladder step, never beyond the range', () => {
    expect(ladderSpan(0, 300_000)).toBe(10_000);
    expect(ladderSpan(10_001, 300_000)).toBe(30_000);
    expect(ladderSpan(59_000, 300_000)).toBe(60_000);
    expect(ladderSpan(250_000, 300_000)).toBe(300_000);
    expect(ladderSpan(7_200_000, 3_600_000)).toBe(3_600_000);
    expect(ladderSpan(100_000, 60_000)).toBe(60_000);
  });

  it('ticks at round steps from -span to 0, at most one per 80 px', () => {
    expect(relativeTicks(300_000, 480)).toEqual([
      -300_000, -240_000, -180_000, -120_000, -60_000, 0,
    ]);
    expect(relativeTicks(3_600_000, 400)).toEqual([
      -3_600_000, -2_700_000, -1_800_000, -900_000, 0,
    ]);
    expect(relativeTicks(60_000, 800).length).toBeLessThanOrEqual(11);
    for (const t of relativeTicks(60_000, 800)) expect(Math.abs(t % 10_000)).toBe(0);
    // Same inputs, same numbers: a live update passes recharts an equal array.
    expect(relativeTicks(300_000, 480)).toEqual(relativeTicks(300_000, 480));
  });

  it('labels relative ticks', () => {
    expect(formatRelative(0)).toBe('now');
    expect(formatRelative(-30_000)).toBe('−30 s');
    expect(formatRelative(-300_000)).toBe('−5 min');
    expect(formatRelative(-90_000)).toBe('−1.5 min');
    expect(formatRelative(-3_600_000)).toBe('−1 h');
  });
});

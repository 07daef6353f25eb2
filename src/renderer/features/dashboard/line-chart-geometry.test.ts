import { describe, expect, it } from 'vitest';
import type { Row } from './chart-data';
import { linePath, nearestRow, niceTicks, valueExtent } from './line-chart-geometry';

type K = 'a' | 'b';
const row = (t: number, a: number | null, b: number | null = null): Row<K> => ({ t, a, b });
const id = (v: number): number => v;

describe('linePath', () => {
  it('draws one M then L for a gap-free series', () => {
    const rows = [row(0, 1), row(1, 2), row(2, 3)];
    expect(linePath(rows, 'a', id, id)).toBe('M0,1L1,2L2,3');
  });

  it('starts a new M segment after every null gap, never drawing a zero', () => {
    const rows = [row(0, 1), row(1, 2), row(2, null), row(3, 4), row(4, 5), row(5, null)];
    const d = linePath(rows, 'a', id, id);
    expect(d).toBe('M0,1L1,2M3,4L4,5');
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toContain(',0');
  });

  it('draws a single point as a zero-length segment (a dot with round caps)', () => {
    expect(linePath([row(5, 7)], 'a', id, id)).toBe('M5,7h0');
    expect(linePath([row(0, 1), row(1, 1), row(2, null), row(3, 9)], 'a', id, id)).toBe(
      'M0,1L1,1M3,9h0',
    );
  });

  it('is empty when every value is null', () => {
    expect(linePath([row(0, null), row(1, null)], 'a', id, id)).toBe('');
    expect(linePath([], 'a', id, id)).toBe('');
  });

  it('applies the scales and rounds to a tenth of a pixel', () => {
    const d = linePath(
      [row(1, 2), row(2, 3)],
      'a',
      (t) => t / 3,
      (v) => 100 - v,
    );
    expect(d).toBe('M0.3,98L0.7,97');
  });
});

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
});

describe('valueExtent and nearestRow', () => {
  it('ignores nulls', () => {
    expect(valueExtent([row(0, null, 4), row(1, 2, null)], ['a', 'b'])).toEqual([2, 4]);
    expect(valueExtent([row(0, null)], ['a'])).toEqual([NaN, NaN]);
  });

  it('finds the nearest row by time', () => {
    const rows = [{ t: 0 }, { t: 10 }, { t: 20 }];
    expect(nearestRow(rows, -5)).toBe(0);
    expect(nearestRow(rows, 4)).toBe(0);
    expect(nearestRow(rows, 6)).toBe(1);
    expect(nearestRow(rows, 99)).toBe(2);
    expect(nearestRow([], 1)).toBe(-1);
  });
});

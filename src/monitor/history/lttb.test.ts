// Beside the history that uses it: src/shared is lint-barred from importing vitest.
import { describe, expect, it } from 'vitest';
import { lttb, lttbIndexes } from '../../shared/lttb';

const series = (n: number, f: (i: number) => number | null) => ({
  xs: Array.from({ length: n }, (_, i) => i * 1000),
  ys: Array.from({ length: n }, (_, i) => f(i)),
});

describe('lttb', () => {
  it('returns the input whole when n <= threshold', () => {
    const { xs, ys } = series(10, (i) => i * i);
    expect(lttbIndexes(xs, ys, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lttbIndexes(xs, ys, 50)).toHaveLength(10);
  });

  it('keeps both endpoints and returns at most threshold ascending indexes', () => {
    const { xs, ys } = series(1000, (i) => Math.sin(i / 20));
    const idx = lttbIndexes(xs, ys, 100);
    expect(idx.length).toBeLessThanOrEqual(100);
    expect(idx.length).toBeGreaterThan(90);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(999);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
  });

  it('picks isolated peaks and troughs', () => {
    const { xs, ys } = series(1000, (i) => (i === 437 ? 500 : i === 712 ? -300 : 1));
    const idx = lttbIndexes(xs, ys, 20);
    expect(idx).toContain(437);
    expect(idx).toContain(712);
  });

  it('skips gaps as candidates but survives all-null buckets', () => {
    const { xs, ys } = series(300, (i) => (i >= 100 && i < 200 ? null : i % 7));
    const idx = lttbIndexes(xs, ys, 30);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(299);
    expect(idx.length).toBeLessThanOrEqual(30);
  });

  it('handles tiny thresholds', () => {
    const { xs, ys } = series(10, (i) => i);
    expect(lttbIndexes(xs, ys, 0)).toEqual([]);
    expect(lttbIndexes(xs, ys, 1)).toEqual([0]);
    expect(lttbIndexes(xs, ys, 2)).toEqual([0, 9]);
  });

  it('works on point objects', () => {
    const pts = Array.from({ length: 200 }, (_, i) => ({ t: i, v: i === 50 ? 99 : 0 }));
    const out = lttb(
      pts,
      10,
      (p) => p.t,
      (p) => p.v,
    );
    expect(out).toContainEqual({ t: 50, v: 99 });
    expect(out[0]).toEqual({ t: 0, v: 0 });
  });
});

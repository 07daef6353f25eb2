import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../shared/model';
import { sample, series } from '../../store/test-samples';
import {
  buildRows,
  chartRows,
  computeKpis,
  downsampleRows,
  lowerBound,
  memoryFields,
  MIN_SPAN_MS,
  timeWindow,
  type Row,
} from './chart-data';

const gc = (count: number, totalMs: number): Sample['gc'] => ({
  minor: { count, totalMs, maxMs: totalMs },
  major: { count: 0, totalMs: 0, maxMs: 0 },
  incremental: { count: 0, totalMs: 0, maxMs: 0 },
  weakcb: { count: 0, totalMs: 0, maxMs: 0 },
});

const gapCount = (rows: Row<string>[]) => rows.filter((r) => r.rssMb === null).length;

describe('chart data', () => {
  it('the window ends at the newest sample and starts by binary search', () => {
    const s = series(100, 0, 1000);
    const w = timeWindow(s, 10_000);
    expect(w.toMs).toBe(99_000);
    expect(w.fromMs).toBe(89_000);
    expect(w.startIndex).toBe(89);
    expect(lowerBound(s, 89_500)).toBe(90);
    expect(timeWindow([], 1000).startIndex).toBe(0);
  });

  it('starts at the first sample while the history is shorter than the range', () => {
    const young = series(30, 50_000, 1000); // 30 s of data, 5 min range
    expect(timeWindow(young, 300_000)).toEqual({ fromMs: 50_000, toMs: 79_000, startIndex: 0 });
    const fresh = series(2, 50_000, 1000); // 1 s of data: at least MIN_SPAN_MS is drawn
    expect(timeWindow(fresh, 300_000).fromMs).toBe(51_000 - MIN_SPAN_MS);
  });

  it('inserts a gap row where samples are missing, and none for regular spacing (F12)', () => {
    const s = [...series(5, 0, 1000), ...series(5, 60_000, 1000)];
    const rows = buildRows(s, 0, memoryFields, 1000);
    expect(rows).toHaveLength(11);
    expect(gapCount(rows)).toBe(1);
    const gap = rows.find((r) => r.rssMb === null);
    expect(gap?.t).toBeGreaterThan(4000);
    expect(gap?.t).toBeLessThan(60_000);
    expect(gapCount(buildRows(series(50, 0, 1000), 0, memoryFields, 1000))).toBe(0);
  });

  it('a changed sampling interval is not mistaken for a gap after the first step', () => {
    const s = [...series(5, 0, 100), ...series(5, 5_000, 5_000)];
    const rows = buildRows(s, 0, memoryFields, 5000);
    expect(gapCount(rows)).toBe(0);
  });

  it("reuses a sample's row across updates and matches a fresh build (live append)", () => {
    const s = [...series(50, 0, 1000), ...series(5, 100_000, 1000)];
    const before = buildRows(s, 0, memoryFields, 1000);
    // A live batch: a new array sharing the old sample objects, plus one new sample.
    const next = [...s, sample(105_000)];
    const after = buildRows(next, 10, memoryFields, 1000);
    expect(after[0]).toBe(before[10]);
    expect(after[after.length - 1]).toEqual({
      t: 105_000,
      rssMb: 100,
      heapTotalMb: expect.any(Number),
      heapUsedMb: expect.any(Number),
      externalMb: expect.any(Number),
    });
    // Same rows (gaps included) as a build from copies no cache has seen.
    const fresh = buildRows(
      next.map((x) => ({ ...x })),
      10,
      memoryFields,
      1000,
    );
    expect(after).toEqual(fresh);
    expect(gapCount(after)).toBe(1);
  });

  it('appending live batches gives the same rows as a fresh build (gaps, moving start)', () => {
    // Irregular timestamps: 1 s steps, pauses of 2-10 s, one 30 s step every so often.
    let t = 0;
    let held: Sample[] = [];
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let batch = 0; batch < 120; batch++) {
      const fresh: Sample[] = [];
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        const r = rnd();
        t += r < 0.8 ? 1000 : r < 0.95 ? 2000 + Math.floor(rnd() * 8000) : 30_000;
        fresh.push(sample(t));
      }
      held = held.concat(fresh);
      if (held.length > 60) held = held.slice(held.length - 60); // the store's cap
      const start = lowerBound(held, t - 40_000);
      const live = buildRows(held, start, memoryFields, 1000);
      const copy = buildRows(
        held.map((x) => ({ ...x })),
        start,
        memoryFields,
        1000,
      );
      expect(live).toEqual(copy);
      buildRows(held, start, memoryFields, 1000); // re-prime the memo with the live array
    }
  });

  it('missing values stay null, never zero', () => {
    const rows = buildRows(
      [sample(0, { rssBytes: null, heapUsedBytes: 1024 * 1024 })],
      0,
      memoryFields,
      1000,
    );
    expect(rows[0]?.rssMb).toBeNull();
    expect(rows[0]?.heapUsedMb).toBe(1);
  });

  it('downsamples to the budget and keeps the gaps', () => {
    const s = [...series(3000, 0, 1000), ...series(3000, 4_000_000, 1000)];
    const rows = buildRows(s, 0, memoryFields, 1000);
    const down = downsampleRows(rows, 400, 'rssMb');
    expect(down.length).toBeLessThanOrEqual(402);
    expect(down.length).toBeGreaterThan(100);
    expect(gapCount(down)).toBe(1);
    // Still in time order, first and last kept.
    for (let i = 1; i < down.length; i++) expect(down[i]!.t).toBeGreaterThan(down[i - 1]!.t);
    expect(down[0]?.t).toBe(0);
    expect(down[down.length - 1]?.t).toBe(s[s.length - 1]!.timestampMs);
  });

  it('keeps a spike that downsampling must not smooth away', () => {
    const s = series(3600, 0, 1000);
    s[1234] = sample(1234_000, { rssBytes: 900 * 1024 * 1024 });
    const rows = chartRows(s, timeWindow(s, 3_600_000), memoryFields, 'rssMb', 1000, 600);
    expect(rows.length).toBeLessThanOrEqual(300);
    expect(rows.some((r) => r.rssMb === 900)).toBe(true);
  });

  it('KPIs take the newest known value and average GC pauses over the window', () => {
    const s = [
      sample(0, { gc: gc(4, 8), openFds: 10 }),
      sample(1000, { gc: gc(1, 7), openFds: 12 }),
      sample(2000, { gc: null, openFds: null, rssBytes: null }),
    ];
    const k = computeKpis(s, 0);
    expect(k.gcCount).toBe(5);
    expect(k.gcAvgPauseMs).toBe(3);
    expect(k.openFds).toBe(12);
    expect(k.rssBytes).toBe(100 * 1024 * 1024);
    expect(k.handles).toBe(3);
    expect(computeKpis(s, 1).gcAvgPauseMs).toBe(7);
    expect(computeKpis([sample(0)], 0).gcAvgPauseMs).toBeNull();
    // Cached per-sample GC totals give the same figures on a later update.
    expect(computeKpis([...s, sample(3000, { gc: gc(2, 2) })], 0)).toMatchObject({
      gcCount: 7,
      gcAvgPauseMs: 17 / 7,
    });
  });
});

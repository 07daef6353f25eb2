import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../shared/model';
import { sample, series } from '../../store/test-samples';
import {
  buildRows,
  chartRows,
  computeKpis,
  downsampleRows,
  lowerBound,
  handleFields,
  memoryFields,
  plotRows,
  timeWindow,
  upperBound,
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
    expect(w).toEqual({
      fromMs: 89_000,
      toMs: 99_000,
      startIndex: 89,
      endIndex: 100,
      zoomed: false,
    });
    expect(lowerBound(s, 89_500)).toBe(90);
    expect(upperBound(s, 89_000)).toBe(90);
    expect(timeWindow([], 1000)).toMatchObject({ startIndex: 0, endIndex: 0 });
  });

  it('while the history is shorter than the range, spans the smallest ladder step that holds it', () => {
    const young = series(30, 50_000, 1000); // 29 s of data, 5 min range: a 30 s axis
    expect(timeWindow(young, 300_000)).toMatchObject({
      fromMs: 49_000,
      toMs: 79_000,
      startIndex: 0,
    });
    // The axis keeps its span while samples arrive, until the history outgrows the step.
    expect(timeWindow(series(31, 50_000, 1000), 300_000).fromMs).toBe(80_000 - 30_000);
    expect(timeWindow(series(32, 50_000, 1000), 300_000).fromMs).toBe(81_000 - 60_000);
    const fresh = series(1, 50_000, 1000); // one sample: 10 s
    expect(timeWindow(fresh, 300_000).fromMs).toBe(40_000);
    // Never more than the range.
    expect(timeWindow(series(200, 0, 1000), 60_000).fromMs).toBe(199_000 - 60_000);
  });

  it('a zoom is the window as picked, with the samples inside it', () => {
    const s = series(100, 0, 1000);
    const w = timeWindow(s, 60_000, { fromMs: 10_500, toMs: 20_000 });
    expect(w).toEqual({ fromMs: 10_500, toMs: 20_000, startIndex: 11, endIndex: 21, zoomed: true });
    const rows = chartRows(s, w, memoryFields, 'rssMb', 1000, 600);
    expect(rows.map((r) => r.t)).toEqual(s.slice(11, 21).map((x) => x.timestampMs));
  });

  it('plot rows carry x relative to the right edge and keep the values', () => {
    const rows = buildRows(series(3, 0, 1000), 0, memoryFields, 1000);
    const plotted = plotRows(rows, 2000);
    expect(plotted.map((r) => r.x)).toEqual([-2000, -1000, 0]);
    expect(plotted[1]).toMatchObject({ t: 1000, rssMb: rows[1]!.rssMb });
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
    const rows = chartRows(s, timeWindow(s, 3_600_000), memoryFields, 'rssMb', 1000, 300);
    expect(rows.length).toBeLessThanOrEqual(300);
    expect(rows.some((r) => r.rssMb === 900)).toBe(true);
  });

  it('downsamples in blocks of absolute time and redoes only the blocks a live update changes', () => {
    const s = series(3600, 0, 1000);
    const w = timeWindow(s, 3_600_000);
    const before = chartRows(s, w, memoryFields, 'rssMb', 1000, 300);
    expect(before.length).toBeLessThanOrEqual(300);
    expect(before[0]?.t).toBe(0);
    expect(before.at(-1)?.t).toBe(3_599_000);
    // One more sample, the oldest one dropped: the window slides by a second.
    const next = [...s.slice(1), sample(3_600_000)];
    const after = chartRows(next, timeWindow(next, 3_600_000), memoryFields, 'rssMb', 1000, 300);
    expect(after.at(-1)?.t).toBe(3_600_000);
    // The blocks in between are the same row objects as before: reused, not recomputed.
    const middle = before.filter((r) => r.t >= 450_000 && r.t < 3_150_000);
    expect(after.filter((r) => r.t >= 450_000 && r.t < 3_150_000)).toEqual(middle);
    expect(middle.every((r) => after.includes(r))).toBe(true);
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
    expect(handleFields.handles(s[0]!)).toBe(3);
    expect(handleFields.openFds(s[0]!)).toBe(10);
    expect(computeKpis(s, 1).gcAvgPauseMs).toBe(7);
    expect(computeKpis([sample(0)], 0).gcAvgPauseMs).toBeNull();
    // Cached per-sample GC totals give the same figures on a later update.
    expect(computeKpis([...s, sample(3000, { gc: gc(2, 2) })], 0)).toMatchObject({
      gcCount: 7,
      gcAvgPauseMs: 17 / 7,
    });
  });
});

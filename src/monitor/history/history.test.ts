import { describe, expect, it } from 'vitest';
import type { Sample } from '../../shared/model';
import { SampleHistory } from './history';

function sample(t: number, over: Partial<Sample> = {}): Sample {
  return {
    timestampMs: t,
    late: false,
    cpuPercent: 1,
    rssBytes: 100,
    heapUsedBytes: t,
    heapTotalBytes: 2 * t,
    heapLimitBytes: 4e9,
    externalBytes: 5,
    arrayBuffersBytes: 6,
    eventLoopDelayP50Ms: 0.1,
    eventLoopDelayP99Ms: 0.2,
    eventLoopDelayMaxMs: 0.3,
    eventLoopUtilization: 0.01,
    gc: {
      minor: { count: 1, totalMs: 0.5, maxMs: 0.5 },
      major: { count: 0, totalMs: 0, maxMs: 0 },
      incremental: { count: 0, totalMs: 0, maxMs: 0 },
      weakcb: { count: 0, totalMs: 0, maxMs: 0 },
    },
    activeResources: { Timeout: 1 },
    openFds: 20,
    threads: 7,
    ...over,
  };
}

describe('SampleHistory', () => {
  it('round-trips a sample exactly, nulls included', () => {
    const h = new SampleHistory();
    const a = sample(1000);
    const b = sample(2000, {
      late: true,
      heapUsedBytes: null,
      gc: null,
      activeResources: null,
      eventLoopUtilization: null,
    });
    h.push(a);
    h.push(b);
    expect(h.query()).toEqual([a, b]);
    expect(h.latest()).toEqual(b);
  });

  it('keeps raw samples up to capacity, then folds older ones into buckets', () => {
    const h = new SampleHistory({ rawCapacity: 100, bucketMs: 10_000, coarseCapacity: 5 });
    for (let i = 0; i < 160; i++) {
      h.push(sample(i * 1000, { eventLoopDelayMaxMs: i === 15 ? 900 : 0.3 }));
    }
    expect(h.rawLength).toBe(100);
    // 60 evicted samples (t = 0..59 s): 5 finished buckets + the one being filled.
    expect(h.coarseLength).toBe(5);
    const all = h.query();
    const raw = all.slice(-100);
    expect(raw[0]!.timestampMs).toBe(60_000);
    expect(raw[99]!.timestampMs).toBe(159_000);
    const coarse = all.slice(0, -100);
    // Timestamps ascend across tiers.
    for (let i = 1; i < all.length; i++) {
      expect(all[i]!.timestampMs).toBeGreaterThan(all[i - 1]!.timestampMs);
    }
    const bucket10 = coarse.find((s) => s.timestampMs === 19_000)!;
    expect(bucket10.heapUsedBytes).toBe(14_500); // mean of 10..19 s
    expect(bucket10.eventLoopDelayMaxMs).toBe(900); // maxima survive
    expect(bucket10.gc!.minor.count).toBe(10); // counters are summed
    expect(bucket10.heapLimitBytes).toBe(4e9);
  });

  it('drops the oldest buckets when the coarse tier is full (bounded)', () => {
    const h = new SampleHistory({ rawCapacity: 10, bucketMs: 10_000, coarseCapacity: 3 });
    for (let i = 0; i < 1000; i++) h.push(sample(i * 1000));
    expect(h.rawLength).toBe(10);
    expect(h.coarseLength).toBe(3);
    expect(h.length).toBeLessThanOrEqual(14);
  });

  it('queries by time range and downsamples with LTTB keeping endpoints and peaks', () => {
    const h = new SampleHistory();
    for (let i = 0; i < 2000; i++) {
      h.push(sample(i * 1000, { heapUsedBytes: i === 1234 ? 1e9 : 1000 + (i % 10) }));
    }
    const range = h.query({ fromMs: 100_000, toMs: 199_000 });
    expect(range).toHaveLength(100);
    expect(range[0]!.timestampMs).toBe(100_000);
    const small = h.query({ maxPoints: 50 });
    expect(small.length).toBeLessThanOrEqual(50);
    expect(small[0]!.timestampMs).toBe(0);
    expect(small[small.length - 1]!.timestampMs).toBe(1_999_000);
    expect(small.some((s) => s.heapUsedBytes === 1e9)).toBe(true);
  });

  it('keeps a gap as a gap (nulls are not averaged into zeros)', () => {
    const h = new SampleHistory({ rawCapacity: 2, bucketMs: 10_000 });
    h.push(sample(1000, { heapUsedBytes: null, late: true }));
    h.push(sample(2000, { heapUsedBytes: null, late: true }));
    h.push(sample(3000));
    h.push(sample(4000));
    const [bucket] = h.query();
    expect(bucket!.heapUsedBytes).toBeNull();
    expect(bucket!.late).toBe(true);
    expect(bucket!.rssBytes).toBe(100);
  });
});

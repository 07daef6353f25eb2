import { describe, expect, it } from 'vitest';
import type { Sample, TargetInfo } from '../../../shared/model';
import { groupSeries, memberName, orderMembers, seriesPoints, sumPoints } from './group-data';

function sample(t: number, heap: number | null, rss: number | null = null): Sample {
  return {
    timestampMs: t,
    late: false,
    cpuPercent: null,
    rssBytes: rss,
    heapUsedBytes: heap,
    heapTotalBytes: null,
    heapLimitBytes: null,
    externalBytes: null,
    arrayBuffersBytes: null,
    eventLoopDelayP50Ms: null,
    eventLoopDelayP99Ms: null,
    eventLoopDelayMaxMs: null,
    eventLoopUtilization: null,
    gc: null,
    activeResources: null,
    openFds: null,
    threads: null,
  };
}

const base = {
  port: 1,
  status: 'attached' as const,
  attachedAtMs: 0,
  intervalMs: 1000,
  warnings: [],
  command: 'node app.js',
  groupId: 'g1-1',
};
const proc: TargetInfo = { ...base, id: 'target-1', pid: 10, title: 'app.js' };
const w2: TargetInfo = {
  ...base,
  id: 'target-3',
  pid: 10,
  title: 'app.js [worker 2 b]',
  kind: 'worker',
  parentTargetId: 'target-1',
  threadId: 2,
  threadName: 'b',
};
const w1: TargetInfo = { ...w2, id: 'target-2', threadId: 1, threadName: undefined };

describe('group chart data', () => {
  it('names members and orders each process before its threads', () => {
    expect(orderMembers([w2, w1, proc]).map((m) => m.id)).toEqual([
      'target-1',
      'target-2',
      'target-3',
    ]);
    expect(memberName(proc)).toBe('pid 10 app.js');
    expect(memberName(w2)).toBe('worker 2 b (pid 10)');
    expect(memberName(w1)).toBe('worker 1 (pid 10)');
  });

  it('keeps gaps where samples are missing, never zeros', () => {
    const pts = seriesPoints(
      [sample(1000, 1), sample(2000, 2), sample(9000, 3)],
      (s) => s.heapUsedBytes,
      0,
      10_000,
      1000,
    );
    expect(pts.map((p) => p.v)).toEqual([1, 2, null, 3]);
  });

  it('a sum is drawn only where every member alive then has a value', () => {
    const a = [
      { t: 1000, v: 1 },
      { t: 2000, v: 1 },
      { t: 3000, v: 1 },
      { t: 4000, v: 1 },
    ];
    const late = [
      { t: 3000, v: 5 },
      { t: 4000, v: 5 },
    ];
    // Before the late member's first point only the first one is alive.
    expect(sumPoints([a, late], 1000).map((p) => p.v)).toEqual([1, 1, 6, 6]);
  });

  it('sums members at a common clock, carrying a value one bucket', () => {
    const a = [
      { t: 1000, v: 1 },
      { t: 2000, v: 1 },
      { t: 3000, v: 1 },
    ];
    const b = [
      { t: 1100, v: 10 },
      { t: 3100, v: 10 },
    ];
    expect(sumPoints([a, b], 1000).map((p) => p.v)).toEqual([11, 11, 11]);
  });

  it('one line per member plus the sum', () => {
    const samples: Record<string, Sample[]> = {
      'target-1': [sample(1000, 2 ** 20), sample(2000, 2 ** 20)],
      'target-2': [sample(1050, 2 * 2 ** 20), sample(2050, 2 * 2 ** 20)],
      'target-3': [sample(1100, 3 * 2 ** 20), sample(2100, 3 * 2 ** 20)],
    };
    const series = groupSeries(
      [proc, w1, w2],
      (id) => samples[id] ?? [],
      (s) => (s.heapUsedBytes === null ? null : s.heapUsedBytes / 2 ** 20),
      { fromMs: 0, toMs: 3000 },
      { sumName: 'All heaps' },
    );
    expect(series.map((s) => s.name)).toEqual([
      'pid 10 app.js',
      'worker 1 (pid 10)',
      'worker 2 b (pid 10)',
      'All heaps',
    ]);
    expect(series.at(-1)!.points.map((p) => p.v)).toEqual([6, 6]);
  });
});

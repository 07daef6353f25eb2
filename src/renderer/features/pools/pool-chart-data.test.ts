import { describe, expect, it } from 'vitest';
import type { PoolSample, PoolStats } from '../../../shared/pool-model';
import { poolNames, poolRows } from './pool-chart-data';

const stats = (name: string, inUse: number, waiting = 0): PoolStats => ({
  name,
  kind: 'object-pool',
  source: 'agent',
  size: inUse + 1,
  max: 10,
  inUse,
  idle: 1,
  waiting,
  canReleaseIdle: true,
});

describe('pool chart rows', () => {
  it('gives gaps where the pool is missing, never zeros', () => {
    const samples: PoolSample[] = [
      { timestampMs: 1, pools: [stats('a', 1)] },
      { timestampMs: 2, pools: [] },
      { timestampMs: 3, pools: [stats('a', 3)] },
    ];
    expect(poolRows(samples, 'a', 0)).toEqual([
      { t: 1, size: 2, inUse: 1, idle: 1, waiting: 0 },
      { t: 2, size: null, inUse: null, idle: null, waiting: null },
      { t: 3, size: 4, inUse: 3, idle: 1, waiting: 0 },
    ]);
    expect(poolRows(samples, 'a', 2)).toHaveLength(2);
  });

  it('thins to the budget and keeps peaks and the last read', () => {
    const samples: PoolSample[] = Array.from({ length: 1000 }, (_, i) => ({
      timestampMs: i,
      pools: [stats('a', i === 500 ? 99 : 1, i === 500 ? 5 : 0)],
    }));
    const rows = poolRows(samples, 'a', 0, 100);
    expect(rows).toHaveLength(100);
    expect(rows.some((r) => r.inUse === 99 && r.waiting === 5)).toBe(true);
    expect(rows.at(-1)!.t).toBe(999);
  });

  it('names come from the latest read, capped', () => {
    const s: PoolSample = {
      timestampMs: 1,
      pools: Array.from({ length: 20 }, (_, i) => stats(`p${i}`, 0)),
    };
    expect(poolNames([s], 4)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(poolNames([])).toEqual([]);
  });
});

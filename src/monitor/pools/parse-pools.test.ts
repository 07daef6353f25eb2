import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AgentPoolStats, AgentReleaseResult } from '../../agent/types';
import {
  POOLS_CAP,
  POOL_ORIGINS_CAP,
  poolSaturation,
  poolsEfficiency,
  type PoolReleaseResult,
  type PoolStats,
} from '../../shared/pool-model';
import { parsePoolRead, parseReleaseResults } from './parse-pools';
import { toCleanupStats } from './requests';

const pool = (over: Record<string, unknown> = {}) => ({
  name: 'p',
  kind: 'tarn',
  source: 'agent',
  size: 2,
  max: 4,
  inUse: 1,
  idle: 1,
  waiting: 0,
  canReleaseIdle: true,
  ...over,
});

describe('parsePoolRead', () => {
  it('the agent publishes what the dashboard reads', () => {
    expectTypeOf<AgentPoolStats>().toExtend<PoolStats>();
    expectTypeOf<AgentReleaseResult>().toExtend<PoolReleaseResult>();
  });

  it('keeps valid pools and degrades malformed fields (F9)', () => {
    const s = parsePoolRead(
      {
        pools: [
          pool({ size: -1, inUse: Number.NaN, max: 0, kind: 'evil', source: 'x', extra: 1 }),
          { kind: 'tarn' }, // no name: dropped
          'nonsense',
          pool({ name: 'x'.repeat(5000), error: 'e'.repeat(5000), efficiency: 7 }),
        ],
      },
      123,
    )!;
    expect(s.timestampMs).toBe(123);
    expect(s.pools).toHaveLength(2);
    expect(s.pools[0]).toEqual({
      name: 'p',
      kind: 'unknown',
      source: 'agent',
      size: 0,
      max: null,
      inUse: 0,
      idle: 1,
      waiting: 0,
      canReleaseIdle: true,
    });
    expect(s.pools[1]!.name).toHaveLength(200);
    expect(s.pools[1]!.error).toHaveLength(200);
    expect(s.pools[1]!.efficiency).toBe(1);
  });

  it('caps pools and origins', () => {
    const origins = Array.from({ length: 100 }, (_, i) => ({
      origin: `o${i}`,
      size: 1,
      inUse: 1,
      idle: 0,
      waiting: 0,
    }));
    const s = parsePoolRead(
      { pools: Array.from({ length: 100 }, (_, i) => pool({ name: `p${i}`, perOrigin: origins })) },
      1,
    )!;
    expect(s.pools).toHaveLength(POOLS_CAP);
    expect(s.truncated).toBe(true);
    expect(s.pools[0]!.perOrigin).toHaveLength(POOL_ORIGINS_CAP);
  });

  it('rejects what is not a read', () => {
    expect(parsePoolRead(null, 1)).toBeNull();
    expect(parsePoolRead({ pools: 'x' }, 1)).toBeNull();
  });

  it('release results: unsupported when nothing was released', () => {
    expect(
      parseReleaseResults([
        { name: 'a', kind: 'pg', released: null, supported: true, message: 'no' },
        { name: 'b', kind: 'tarn', released: 3, supported: true },
        42,
      ]),
    ).toEqual([
      { name: 'a', kind: 'pg', released: null, supported: false, message: 'no' },
      { name: 'b', kind: 'tarn', released: 3, supported: true },
    ]);
    expect(parseReleaseResults('x')).toEqual([]);
  });
});

describe('saturation and efficiency', () => {
  const base = { inUse: 0, max: 10, waiting: 0 };
  it.each([
    [{ ...base }, 'ok'],
    [{ ...base, inUse: 7 }, 'busy'],
    [{ ...base, inUse: 9 }, 'saturated'],
    [{ ...base, waiting: 1, waitingForMs: 100 }, 'busy'],
    [{ ...base, waiting: 1, waitingForMs: 5_000 }, 'saturated'],
    [{ ...base, max: null, inUse: 100 }, 'ok'],
    [{ ...base, max: null, waiting: 2, oldestWaitMs: 6_000 }, 'saturated'],
  ] as const)('%j is %s', (p, want) => {
    expect(poolSaturation(p)).toBe(want);
  });

  it('efficiency sums returned / borrowed over pools that count them', () => {
    const p = pool() as unknown as PoolStats;
    expect(poolsEfficiency([p])).toBeNull();
    expect(
      poolsEfficiency([
        { ...p, borrowed: 10, returned: 9 },
        { ...p, borrowed: 10, returned: 10 },
      ]),
    ).toBe(0.95);
  });

  it('cleanup success rate', () => {
    expect(toCleanupStats({ succeeded: 0, failed: 0 }).successRate).toBeNull();
    expect(toCleanupStats({ succeeded: 3, failed: 1 })).toEqual({
      attempted: 4,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
    });
  });
});

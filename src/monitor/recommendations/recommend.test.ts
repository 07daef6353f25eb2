import { describe, expect, it } from 'vitest';
import type { LeakVerdict } from '../../shared/alert-model';
import { DEFAULT_LEAK_OPTIONS } from '../../shared/alert-model';
import type { PoolSample } from '../../shared/pool-model';
import { generateSamples } from '../alerts/generate-samples';
import { recommend, type RecommendInput } from './recommend';

const T0 = 1_700_000_000_000;

function pools(
  n: number,
  inUse: (i: number) => number,
  waiting: (i: number) => number,
  max = 20,
): PoolSample[] {
  return Array.from({ length: n }, (_, i) => ({
    timestampMs: T0 + i * 1000,
    pools: [
      {
        name: 'db',
        kind: 'pg',
        source: 'agent',
        size: max,
        max,
        inUse: inUse(i),
        idle: max - inUse(i),
        waiting: waiting(i),
        canReleaseIdle: true,
      },
    ],
  }));
}

function input(over: Partial<RecommendInput>): RecommendInput {
  const samples = generateSamples({ seed: 1, count: 300, startMs: T0 });
  return {
    targetId: 't1',
    nowMs: T0 + 299_000,
    samples,
    pools: [],
    alerts: [],
    leak: null,
    limits: null,
    ...over,
  };
}

describe('recommendations', () => {
  it('a healthy process gets none', () => {
    expect(recommend(input({}))).toEqual([]);
  });

  it('a saturated pool: figures and what to do', () => {
    const r = recommend(
      input({
        pools: pools(
          300,
          () => 19,
          (i) => (i % 7) + 8,
        ),
      }),
    );
    expect(r).toHaveLength(1);
    expect(r[0]!.rule).toBe('pool-saturated');
    expect(r[0]!.message).toBe(
      'Pool db was 95 % saturated for the last 5 min with up to 14 waiters: raise its max or find the slow holders.',
    );
  });

  it('an oversized pool', () => {
    const r = recommend(
      input({
        pools: pools(
          300,
          () => 1,
          () => 0,
          50,
        ),
      }),
    );
    expect(r.map((x) => x.rule)).toEqual(['pool-oversized']);
  });

  it('a leak verdict, heavy GC, a slow loop, growing handles, a hot CPU', () => {
    const leak = {
      targetId: 't1',
      state: 'leak',
      confidence: 0.99,
      growthBytesPerMinute: 4e6,
      baselineBytes: 2e7,
      points: 20,
      pointsNeeded: 6,
      windowMs: 600_000,
      sentence: 'ResdashLeakyWidget +12,000 objects/min, retained by Map cache.',
      suspects: [],
      investigation: null,
      snapshots: { state: 'done', step: 3, total: 3 },
      options: { ...DEFAULT_LEAK_OPTIONS },
      updatedMs: 0,
    } satisfies LeakVerdict;
    const samples = generateSamples({
      seed: 2,
      count: 300,
      startMs: T0,
      gc: () => ({ major: 1, majorMs: 100 }),
      eventLoopDelayP99Ms: () => 120,
      handles: (i) => 10 + Math.floor(i / 3),
      cpuPercent: () => 95,
    });
    const rules = recommend(input({ samples, leak })).map((r) => r.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'memory-leak',
        'gc-heavy',
        'event-loop-slow',
        'handles-growing',
        'cpu-busy',
      ]),
    );
    expect(rules[0]).toBe('memory-leak'); // critical first
  });
});

// The pools feature with a fake client: reads at most once per interval, skips while
// one is in flight or the target is not attached, times waiters across reads, keeps
// global pools listed once seen, and bounds its history.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../shared/model';
import type { PoolSample } from '../../shared/pool-model';
import type { SessionContext } from '../features/session-feature';
import { PoolsFeatureImpl } from './pools-feature';

function setup(reads: unknown[]) {
  let nowMs = 0;
  const emitted: PoolSample[] = [];
  const info = { status: 'attached' };
  let calls = 0;
  const client = {
    closed: false,
    send: async () => {
      calls++;
      return { result: { value: reads.shift() ?? { pools: [] } } };
    },
  };
  const ctx = {
    targetId: 't1',
    info,
    client,
    now: () => nowMs,
    emit: (_e: string, p: { samples: PoolSample[] }) => emitted.push(...p.samples),
  } as unknown as SessionContext;
  const feature = new PoolsFeatureImpl(ctx, { historyCap: 3 });
  const tick = async (atMs: number) => {
    nowMs = atMs;
    feature.onSample({ timestampMs: atMs, late: false } as Sample);
    await new Promise((r) => setImmediate(r));
  };
  return { feature, emitted, info, tick, calls: () => calls };
}

const pool = (name: string, waiting: number, source = 'agent') => ({
  name,
  kind: 'http-agent',
  source,
  size: 1,
  max: 2,
  inUse: 1,
  idle: 0,
  waiting,
  canReleaseIdle: true,
});

describe('PoolsFeatureImpl', () => {
  it('reads at most once a second and not while detached or paused', async () => {
    const s = setup([]);
    await s.tick(1_000);
    await s.tick(1_250);
    await s.tick(1_500);
    expect(s.calls()).toBe(1);
    await s.tick(2_000);
    expect(s.calls()).toBe(2);
    s.info.status = 'paused';
    await s.tick(5_000);
    expect(s.calls()).toBe(2);
  });

  it('times waiters across reads and resets when they are gone', async () => {
    const s = setup([
      { pools: [pool('a', 2)] },
      { pools: [pool('a', 3)] },
      { pools: [pool('a', 0)] },
    ]);
    await s.tick(1_000);
    await s.tick(2_500);
    expect(s.feature.waitingForMs('a')).toBe(1_500);
    await s.tick(4_000);
    expect(s.feature.waitingForMs('a')).toBe(0);
    expect(s.emitted.map((x) => x.pools[0]!.waitingForMs)).toEqual([0, 1_500, 0]);
  });

  it('keeps a global pool listed at zero once seen; bounds the history', async () => {
    const s = setup([
      { pools: [pool('http.globalAgent', 0, 'global')] },
      { pools: [] },
      { pools: [] },
      { pools: [] },
    ]);
    for (const t of [1_000, 2_000, 3_000, 4_000]) await s.tick(t);
    const latest = s.feature.latest()!;
    expect(latest.pools).toEqual([
      expect.objectContaining({ name: 'http.globalAgent', size: 0, inUse: 0, waiting: 0 }),
    ]);
    expect(s.feature.history()).toHaveLength(3);
    expect(s.feature.history(3_000).map((x) => x.timestampMs)).toEqual([3_000, 4_000]);
  });

  it('discovery: never started without a probe; a rescan of a paused target is refused', async () => {
    const s = setup([]);
    await new Promise((r) => setImmediate(r));
    expect(s.calls()).toBe(0); // no probe: nothing sent at construction
    expect(s.feature.lastDiscovery()).toBeNull();
    s.info.status = 'paused';
    await expect(s.feature.rescan()).rejects.toThrow(/paused/);
    expect(s.calls()).toBe(0);
    await s.feature.dispose(); // nothing installed: nothing to undo
    expect(s.calls()).toBe(0);
  });
});

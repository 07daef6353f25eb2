// The leaks feature with a fake session: post-GC points from samples with a major GC,
// forced GCs only when allowed (and never on a paused target), Investigate applying
// the seed's rule, option validation, and a snapshot series through a fake backend
// that names the growing class.
import { describe, expect, it } from 'vitest';
import type { LeakVerdict } from '../../shared/alert-model';
import type { Events, EventName } from '../../shared/contract';
import type { TargetInfo } from '../../shared/model';
import { generateSamples } from '../alerts/generate-samples';
import type { SessionContext } from '../features/session-feature';
import { validateLeakOptions } from '../alerts/requests';
import { createLeaksFeature } from './leaks-feature';
import type { SnapshotBackend } from './snapshot-series';

const MB = 1024 * 1024;

function fakeContext(heap: { bytes: number; freedByGc: number }) {
  const calls: string[] = [];
  const events: LeakVerdict[] = [];
  let nowMs = 1_700_000_000_000;
  const info = { id: 't1', status: 'attached' } as TargetInfo;
  const client = {
    closed: false,
    async send(method: string) {
      calls.push(method);
      if (method === 'Runtime.getHeapUsage') return { usedSize: heap.bytes, totalSize: 0 };
      if (method === 'HeapProfiler.collectGarbage') heap.bytes -= heap.freedByGc;
      return {};
    },
    on: () => () => undefined,
  };
  const ctx = {
    targetId: 't1',
    info,
    client,
    probe: null,
    history: null,
    now: () => nowMs,
    emit<E extends EventName>(event: E, payload: Events[E]) {
      if (event === 'leak') events.push(payload as LeakVerdict);
    },
    on: () => () => undefined,
    monitorOptions: {},
    feature: () => undefined,
  } as unknown as SessionContext;
  return { ctx, calls, events, info, advance: (ms: number) => (nowMs += ms) };
}

describe('leaks feature', () => {
  it('samples with a major GC are post-GC points; a steady rise is suspected', () => {
    const f = fakeContext({ bytes: 0, freedByGc: 0 });
    const feature = createLeaksFeature(f.ctx);
    const samples = generateSamples({
      seed: 3,
      count: 80, // 16 post-GC points over 75 s: past the 60 s the trend needs
      startMs: 1_700_000_000_000,
      heapUsedBytes: (i) => 20 * MB + i * 0.2 * MB,
      gc: (i) => ({ major: i % 5 === 0 ? 1 : 0 }),
    });
    for (const s of samples) {
      feature.onSample?.(s);
      f.advance(1000);
    }
    const v = feature.verdict();
    expect(v.points).toBe(16);
    expect(v.state).toBe('suspected');
    expect(f.calls).toEqual([]); // no forced GC unless allowed
    expect(f.events.length).toBeGreaterThan(0);
    expect(f.events.at(-1)!.state).toBe('suspected');
  });

  it('forces GCs only when allowed and only while attached (never on a paused target)', async () => {
    const f = fakeContext({ bytes: 10 * MB, freedByGc: 0 });
    const feature = createLeaksFeature(f.ctx);
    feature.setOptions({ allowForcedGc: true, forcedGcIntervalMs: 1_000 });
    f.info.status = 'paused';
    for (const s of generateSamples({ seed: 1, count: 5, intervalMs: 2_000 }))
      feature.onSample?.(s);
    expect(f.calls).toEqual([]);
    f.info.status = 'attached';
    for (const s of generateSamples({ seed: 1, count: 1, startMs: 2e12 })) feature.onSample?.(s);
    await new Promise((r) => setTimeout(r, 10));
    expect(f.calls).toEqual([
      'Runtime.getHeapUsage',
      'HeapProfiler.collectGarbage',
      'Runtime.getHeapUsage',
    ]);
    feature.dispose();
  });

  it("Investigate applies the seed's rule against the baseline", async () => {
    const f = fakeContext({ bytes: 40 * MB, freedByGc: 2 * MB });
    const feature = createLeaksFeature(f.ctx);
    feature.onSample?.(generateSamples({ seed: 1, count: 1, heapUsedBytes: () => 10 * MB })[0]!);
    const v = await feature.investigate();
    expect(v.investigation).toMatchObject({
      baselineBytes: 10 * MB,
      growthBytes: 30 * MB,
      freedBytes: 2 * MB,
      leakSuspected: true,
    });
    expect(v.state).toBe('suspected');
    expect(v.sentence).toMatch(/less than half/);
  });

  it('Investigate while a forced GC runs waits for it and runs its own; a second click joins', async () => {
    const f = fakeContext({ bytes: 40 * MB, freedByGc: 2 * MB });
    // Hold every collectGarbage until released, as a target busy with a GC would.
    const held: (() => void)[] = [];
    const send = f.ctx.client.send.bind(f.ctx.client);
    (f.ctx.client as { send: unknown }).send = async (method: string) => {
      if (method === 'HeapProfiler.collectGarbage') await new Promise<void>((r) => held.push(r));
      return send(method as never);
    };
    const feature = createLeaksFeature(f.ctx);
    feature.onSample?.(generateSamples({ seed: 1, count: 1, heapUsedBytes: () => 10 * MB })[0]!);
    feature.setOptions({ allowForcedGc: true, forcedGcIntervalMs: 1 });
    f.advance(1000);
    feature.onSample?.(generateSamples({ seed: 2, count: 1, startMs: f.ctx.now() })[0]!);
    await new Promise((r) => setTimeout(r, 5));
    expect(held).toHaveLength(1); // the periodic GC is running

    const first = feature.investigate();
    const second = feature.investigate(); // before first's GC started: the same answer
    expect(second).toBe(first);
    held.shift()!(); // the periodic GC ends
    await new Promise((r) => setTimeout(r, 5));
    expect(held).toHaveLength(1); // now the investigation's own GC
    const third = feature.investigate(); // its GC already began: a new one, queued after
    expect(third).not.toBe(first);
    held.shift()!();
    const v = await first;
    expect(v.investigation).toMatchObject({ freedBytes: 2 * MB });
    await new Promise((r) => setTimeout(r, 5));
    held.shift()!();
    await expect(third).resolves.toMatchObject({ investigation: { freedBytes: 2 * MB } });
    expect(f.calls.filter((c) => c === 'HeapProfiler.collectGarbage')).toHaveLength(3);
    await feature.dispose();
  });

  it("a worker thread's verdict names the member", () => {
    const f = fakeContext({ bytes: 0, freedByGc: 0 });
    Object.assign(f.info, { kind: 'worker', threadId: 3, threadName: 'pool-1', pid: 4242 });
    const feature = createLeaksFeature(f.ctx);
    expect(feature.verdict().sentence).toMatch(/^worker 3 \(pool-1, pid 4242\): /);
  });

  it('Investigate on a detached target fails with TARGET_CLOSED, not BAD_ARGUMENT', async () => {
    const f = fakeContext({ bytes: 40 * MB, freedByGc: 2 * MB });
    (f.ctx.client as { closed: boolean }).closed = true;
    const feature = createLeaksFeature(f.ctx);
    await expect(feature.investigate()).rejects.toMatchObject({
      code: 'MONITOR_ERR_TARGET_CLOSED',
    });
    // Nothing is left in flight: the next click runs (and fails the same way) again.
    await expect(feature.investigate()).rejects.toMatchObject({
      code: 'MONITOR_ERR_TARGET_CLOSED',
    });
  });

  it('a snapshot series (allowed) names the class that grows at every step', async () => {
    const f = fakeContext({ bytes: 0, freedByGc: 0 });
    let n = 0;
    const backend: SnapshotBackend = {
      capture: async () => `snap-${n++}`,
      classCounts: async (path) => {
        const k = Number(path.slice(5));
        return new Map([
          ['ResdashLeakyWidget', { count: 100 + k * 1000, bytes: 64 * (100 + k * 1000) }],
          ['Object', { count: 5000, bytes: 1 }],
        ]);
      },
      retainerPath: async () => ({
        className: 'ResdashLeakyWidget',
        targetNodeId: 1,
        targetRetainedBytes: 64,
        instanceCount: 2100,
        text: '(GC roots) -> Map.table -> ResdashLeakyWidget',
        steps: [
          {
            nodeId: 0,
            className: '(GC roots)',
            nodeName: '',
            nodeType: 'synthetic',
            edgeName: 'cache',
            edgeType: 'property',
          },
          {
            nodeId: 2,
            className: 'Map',
            nodeName: 'Map',
            nodeType: 'object',
            edgeName: 'table',
            edgeType: 'internal',
          },
          {
            nodeId: 1,
            className: 'ResdashLeakyWidget',
            nodeName: 'ResdashLeakyWidget',
            nodeType: 'object',
          },
        ],
      }),
    };
    const feature = createLeaksFeature(f.ctx, {
      snapshotBackend: backend,
      leak: { allowSnapshots: true, snapshotSpacingMs: 1 },
    });
    const samples = generateSamples({
      seed: 3,
      count: 80,
      heapUsedBytes: (i) => 20 * MB + i * 0.2 * MB,
      gc: (i) => ({ major: i % 5 === 0 ? 1 : 0 }),
    });
    for (const s of samples) {
      feature.onSample?.(s);
      f.advance(1000);
    }
    await expect.poll(() => feature.verdict().state).toBe('leak');
    const v = feature.verdict();
    expect(v.suspects.map((s) => s.className)).toEqual(['ResdashLeakyWidget']);
    expect(v.sentence).toMatch(/^ResdashLeakyWidget \+[\d,]+ objects\/min, retained by Map cache/);
    expect(v.snapshots.state).toBe('done');
  });

  it('validates options', () => {
    expect(validateLeakOptions({ allowSnapshots: true, forcedGcIntervalMs: 5000 })).toEqual({
      allowSnapshots: true,
      forcedGcIntervalMs: 5000,
    });
    for (const bad of [null, { allowSnapshots: 1 }, { forcedGcIntervalMs: 10 }, { nope: true }]) {
      expect(() => validateLeakOptions(bad)).toThrow(/must|Unknown|object/);
    }
  });
});

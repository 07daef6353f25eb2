// Sampling against real Node processes through the core service (createMonitor).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import type { Sample, SampleBatch, TargetInfo } from '../../src/shared/model';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { isAlive, startFixture, stopAllFixtures } from '../fixtures/harness';

const monitors: Monitor[] = [];
function monitor(options?: Parameters<typeof createMonitor>[0]): Monitor {
  const m = createMonitor(options);
  monitors.push(m);
  return m;
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const IN_TARGET_FIELDS = [
  'heapUsedBytes',
  'heapTotalBytes',
  'heapLimitBytes',
  'externalBytes',
  'arrayBuffersBytes',
  'eventLoopDelayP50Ms',
  'eventLoopDelayP99Ms',
  'eventLoopDelayMaxMs',
  'eventLoopUtilization',
  'gc',
  'activeResources',
] as const satisfies ReadonlyArray<keyof Sample>;
const OS_FIELDS = ['cpuPercent', 'rssBytes', 'openFds', 'threads'] as const satisfies ReadonlyArray<
  keyof Sample
>;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

describe('sampling a real process', () => {
  it('attaches and produces samples with every field filled', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const info = await m.attach({ port: f.port!, intervalMs: 200 });
    expect(info).toMatchObject({ pid: f.pid, port: f.port, status: 'attached', intervalMs: 200 });
    expect(info.nodeVersion).toBe(process.version);
    const samples = await waitUntil('3 samples', async () => {
      const h = await m.getHistory({ targetId: info.id });
      return h.length >= 3 && h;
    });
    const s = samples[samples.length - 1]!;
    expect(s.late).toBe(false);
    for (const k of [...IN_TARGET_FIELDS, ...OS_FIELDS]) expect(s[k], k).not.toBeNull();
    expect(s.heapUsedBytes!).toBeGreaterThan(1e6);
    expect(s.heapLimitBytes!).toBeGreaterThan(s.heapTotalBytes!);
    expect(s.rssBytes!).toBeGreaterThan(s.heapUsedBytes!);
    expect(s.activeResources!.Timeout).toBeGreaterThanOrEqual(1); // the fixture's setInterval
    // Idle loop: the resolution is subtracted, so the median delay is near 0, not ~10 ms.
    expect(s.eventLoopDelayP50Ms!).toBeLessThan(5);
    expect(Object.keys(s.gc!).sort()).toEqual(['incremental', 'major', 'minor', 'weakcb']);
  });

  it('sees ~50 MB more heap after `alloc 50`', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const { id } = await m.attach({ port: f.port!, intervalMs: 200 });
    const before = await waitUntil('baseline samples', async () => {
      const h = (await m.getHistory({ targetId: id })).filter((s) => s.heapUsedBytes !== null);
      return h.length >= 3 && h;
    });
    const baseline = median(before.map((s) => s.heapUsedBytes!));
    f.command('alloc 50');
    await f.waitFor(/allocated 50/);
    const afterMs = Date.now();
    const after = await waitUntil('samples after alloc', async () => {
      const h = (await m.getHistory({ targetId: id, fromMs: afterMs })).filter(
        (s) => s.heapUsedBytes !== null && !s.late,
      );
      return h.length >= 3 && h;
    });
    const grownMb = (median(after.map((s) => s.heapUsedBytes!)) - baseline) / 1e6;
    expect(grownMb).toBeGreaterThan(35);
    expect(grownMb).toBeLessThan(80);
  });

  it('F10: a blocked loop gives late samples with OS figures, status unresponsive, then recovers', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const statuses: string[] = [];
    const { id } = await m.attach({ port: f.port!, intervalMs: 500 });
    m.on('targets', (list) => {
      const t = list.find((x) => x.id === id);
      if (t && statuses[statuses.length - 1] !== t.status) statuses.push(t.status);
    });
    await waitUntil('first sample', async () => (await m.getHistory({ targetId: id })).length > 0);
    const blockStart = Date.now();
    f.command('block 3000');
    await f.waitFor(/unblocked/);
    await waitUntil(
      'back to attached',
      () => statuses.includes('unresponsive') && statuses.at(-1) === 'attached',
    );
    const h = await m.getHistory({ targetId: id, fromMs: blockStart });
    const late = h.filter((s) => s.late);
    expect(late.length).toBeGreaterThan(0);
    for (const s of late) {
      for (const k of IN_TARGET_FIELDS) expect(s[k], k).toBeNull(); // gaps, never zeros (F12)
      expect(s.rssBytes).not.toBeNull();
      expect(s.threads).not.toBeNull();
      expect(s.openFds).not.toBeNull();
    }
    // The reading that lands after the block covers it: a big delay, a busy loop.
    const recovered = h.find((s) => !s.late && h.indexOf(s) > h.indexOf(late[0]!))!;
    expect(recovered.eventLoopDelayMaxMs!).toBeGreaterThan(1000);
    expect(recovered.eventLoopUtilization!).toBeGreaterThan(0.5);
    const target = (await m.listTargets({})).find((t) => t.id === id)!;
    expect(target.status).toBe('attached');
  });

  it('F11/F8: the target dies while sampled -> detached with a reason, history kept, reattach allowed', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const { id } = await m.attach({ pid: f.pid, intervalMs: 100 });
    await waitUntil('samples', async () => (await m.getHistory({ targetId: id })).length >= 3);
    await f.stop(); // SIGKILL mid-sampling
    const t = await waitUntil('detached', async () =>
      (await m.listTargets({})).find((x) => x.id === id && x.status === 'detached'),
    );
    expect(t.detachReason).toMatch(/exited|lost/);
    expect(t.detachedAtMs).toBeGreaterThanOrEqual(t.attachedAtMs);
    const kept = await m.getHistory({ targetId: id });
    expect(kept.length).toBeGreaterThanOrEqual(3);
    // No more samples after detach.
    await new Promise((r) => setTimeout(r, 300));
    expect((await m.getHistory({ targetId: id })).length).toBe(kept.length);
    await expect(m.setSampleInterval({ targetId: id, intervalMs: 500 })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
    // The restarted service (new pid) attaches as a new target; the old one stays listed.
    const f2 = await startFixture('idle.js');
    const again = await m.attach({ port: f2.port! });
    expect(again.id).not.toBe(id);
    expect((await m.listTargets({})).map((x) => x.status).sort()).toEqual(['attached', 'detached']);
    await m.removeTarget({ targetId: id });
    await expect(m.getHistory({ targetId: id })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
  });

  it('attaches two targets at once and pushes coalesced sample batches', async () => {
    const [a, b] = await Promise.all([startFixture('idle.js'), startFixture('idle.js')]);
    const m = monitor({ batchIntervalMs: 500 });
    const batches: SampleBatch[] = [];
    m.on('samples', (batch) => batches.push(batch));
    const [ta, tb] = await Promise.all([
      m.attach({ port: a!.port!, intervalMs: 100 }),
      m.attach({ port: b!.port!, intervalMs: 100 }),
    ]);
    await waitUntil(
      'batches for both',
      () =>
        batches.filter((x) => x.targetId === ta.id).length >= 2 &&
        batches.filter((x) => x.targetId === tb.id).length >= 2,
    );
    // Coalesced: some batch carries several samples; all are in time order.
    expect(Math.max(...batches.map((x) => x.samples.length))).toBeGreaterThan(1);
    for (const batch of batches) {
      expect([ta.id, tb.id]).toContain(batch.targetId);
      const ts = batch.samples.map((s) => s.timestampMs);
      expect([...ts].sort((x, y) => x - y)).toEqual(ts);
    }
    // Both are listed and independent.
    const list = await m.listTargets({});
    expect(list.map((t) => t.pid).sort()).toEqual([a!.pid, b!.pid].sort());
    const procs = await m.listProcesses({});
    expect(procs.processes.find((p) => p.pid === a!.pid)?.attachedTargetId).toBe(ta.id);
    await m.detach({ targetId: ta.id });
    const procs2 = await m.listProcesses({});
    expect(procs2.processes.find((p) => p.pid === a!.pid)?.attachedTargetId).toBeUndefined();
    expect(procs2.processes.find((p) => p.pid === b!.pid)?.attachedTargetId).toBe(tb.id);
  });

  it('refuses a second attach to the same process and validates arguments', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const t = await m.attach({ port: f.port! });
    await expect(m.attach({ pid: f.pid })).rejects.toMatchObject({
      code: ErrorCodes.ALREADY_ATTACHED,
    });
    await expect(m.attach({ port: f.port! })).rejects.toMatchObject({
      code: ErrorCodes.ALREADY_ATTACHED,
    });
    const badCalls: Array<() => Promise<unknown>> = [
      () => m.setSampleInterval({ targetId: t.id, intervalMs: 50 }),
      () => m.setSampleInterval({ targetId: t.id, intervalMs: 60_001 }),
      () => m.setSampleInterval({ targetId: t.id, intervalMs: Number.NaN }),
      () => m.attach({}),
      () => m.attach({ port: 70_000 }),
      () => m.attach({ pid: -1 }),
      () => m.attach({ url: 'http://example.com' }),
      () => m.attach('nonsense' as never),
      () => m.attach({ port: f.port!, intervalMs: 10 }),
      () => m.getHistory({ targetId: t.id, maxPoints: 1 }),
      () => m.getHistory({ targetId: t.id, fromMs: 'yesterday' as never }),
      () => m.detach({ targetId: 42 as never }),
      () => m.listProcesses({ ports: [0] }),
    ];
    for (const call of badCalls) {
      await expect(call()).rejects.toMatchObject({ code: ErrorCodes.BAD_ARGUMENT });
    }
    await expect(m.detach({ targetId: 'nope' })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
    const changed: TargetInfo[][] = [];
    m.on('targets', (l) => changed.push(l));
    const updated = await m.setSampleInterval({ targetId: t.id, intervalMs: 100 });
    expect(updated.intervalMs).toBe(100);
    expect(changed.at(-1)?.find((x) => x.id === t.id)?.intervalMs).toBe(100);
    const n = (await m.getHistory({ targetId: t.id })).length;
    await waitUntil(
      'faster samples',
      async () => (await m.getHistory({ targetId: t.id })).length >= n + 5,
    );
  });

  it('F6: a target paused in --inspect-brk is shown paused, sampled from outside only, never resumed', async () => {
    const f = await startFixture('idle.js', { inspect: 'brk' });
    const m = monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 100 });
    expect(t.status).toBe('paused');
    const h = await waitUntil('samples', async () => {
      const x = await m.getHistory({ targetId: t.id });
      return x.length >= 3 && x;
    });
    for (const s of h) {
      expect(s.late).toBe(false);
      expect(s.heapUsedBytes).toBeNull();
      expect(s.rssBytes).not.toBeNull();
    }
    expect((await m.listTargets({}))[0]!.status).toBe('paused');
    await m.detach({ targetId: t.id });
    expect(f.output()).not.toMatch(/^ready/m); // still waiting for a debugger
  });

  it('startDemo starts the demo service once, attaches to it, and dispose() stops it', async () => {
    const m = monitor();
    const [t, again] = await Promise.all([m.startDemo({}), m.startDemo({})]);
    expect(again.id).toBe(t.id); // concurrent clicks share one demo
    expect(t.status).toBe('attached');
    expect(t.pid).not.toBeNull();
    await waitUntil('demo samples', async () => {
      const h = await m.getHistory({ targetId: t.id });
      return h.some((s) => s.heapUsedBytes !== null);
    });
    expect((await m.startDemo({})).id).toBe(t.id);
    await m.dispose();
    await waitUntil('demo stopped', () => !isAlive(t.pid!));
  });
});

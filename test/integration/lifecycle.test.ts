// F13: repeated attach/detach leaves nothing behind, in the target or in the dashboard.
import { afterAll, describe, expect, it } from 'vitest';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { createMonitor } from '../../src/monitor/index';
import { PROBE_INSTALL_SOURCE, PROBE_PRESENT_SOURCE } from '../../src/monitor/sampling/probe';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

afterAll(stopAllFixtures);

const CYCLES = 50;

async function evaluate(client: CdpClient, expression: string): Promise<unknown> {
  const res = await client.send('Runtime.evaluate', {
    expression,
    returnByValue: true,
    awaitPromise: true,
  });
  if (res.exceptionDetails) throw new Error(res.exceptionDetails.text);
  return res.result.value;
}

/** The target's handles by type and its heap after a full GC. */
const TARGET_STATE = `(() => {
  globalThis.gc();
  globalThis.gc();
  const counts = {};
  for (const t of process.getActiveResourcesInfo()) counts[t] = (counts[t] || 0) + 1;
  return { counts, heapUsedBytes: process.memoryUsage().heapUsed };
})()`;

type TargetState = { counts: Record<string, number>; heapUsedBytes: number };

function ownResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of process.getActiveResourcesInfo()) counts[t] = (counts[t] ?? 0) + 1;
  return counts;
}

async function settle<T>(read: () => Promise<T> | T, same: (v: T) => boolean): Promise<T> {
  // Sockets close and timers clear asynchronously: poll briefly for the steady state.
  const deadline = Date.now() + 5_000;
  let v = await read();
  while (!same(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

describe('F13: repeated attach/detach', () => {
  it(`${CYCLES} cycles leave no probe, no handles and no heap behind`, async () => {
    const f = await startFixture('idle.js', { nodeArgs: ['--expose-gc'] });
    // An independent observer session on the same target (Node allows several).
    const observer = new CdpClient(await connectWebSocket(f.wsUrl!));
    try {
      const before = (await evaluate(observer, TARGET_STATE)) as TargetState;
      const ownBefore = ownResources();
      const monitor = createMonitor({ batchIntervalMs: 50 });
      const statsBefore = monitor.cleanupStats();
      let samples = 0;
      monitor.on('samples', (b) => (samples += b.samples.length));
      for (let i = 0; i < CYCLES; i++) {
        const t = await monitor.attach({ port: f.port!, intervalMs: 100 });
        expect(t.status).toBe('attached');
        expect(await evaluate(observer, PROBE_PRESENT_SOURCE)).toBe(true);
        // Wait for one real sample so the probe has been read, then detach.
        for (;;) {
          const h = await monitor.getHistory({ targetId: t.id });
          if (h.some((s) => s.heapUsedBytes !== null)) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const d = await monitor.detach({ targetId: t.id });
        expect(d.status).toBe('detached');
        expect(await evaluate(observer, PROBE_PRESENT_SOURCE)).toBe(false);
        await monitor.removeTarget({ targetId: t.id });
      }
      expect(samples).toBeGreaterThanOrEqual(CYCLES);
      expect(await monitor.listTargets({})).toEqual([]);

      const sameCounts = (s: TargetState): boolean =>
        JSON.stringify(s.counts) === JSON.stringify(before.counts);
      const after = await settle(
        async () => (await evaluate(observer, TARGET_STATE)) as TargetState,
        sameCounts,
      );
      expect(after.counts).toEqual(before.counts);
      // Generous band: 50 sessions must not leave megabytes behind.
      expect(after.heapUsedBytes - before.heapUsedBytes).toBeLessThan(3 * 1024 * 1024);

      // The dashboard's own handles: none may be left over from the cycles. A transient
      // handle that existed at the baseline (a test-runner timer) may be gone by now.
      const grown = (c: Record<string, number>): string[] =>
        Object.keys(c).filter((k) => (c[k] ?? 0) > (ownBefore[k] ?? 0));
      const ownAfter = await settle(ownResources, (c) => grown(c).length === 0);
      expect(grown(ownAfter), JSON.stringify({ ownBefore, ownAfter })).toEqual([]);

      const stats = monitor.cleanupStats();
      expect(stats.failed - statsBefore.failed).toBe(0);
      expect(stats.succeeded - statsBefore.succeeded).toBeGreaterThanOrEqual(CYCLES * 4);
      await monitor.dispose();
    } finally {
      observer.close();
      await stopAllFixtures();
    }
  });

  it('a probe left behind by a crashed dashboard is replaced, not doubled', async () => {
    const f = await startFixture('idle.js', { nodeArgs: ['--expose-gc'] });
    // "Crashed dashboard": install the probe, then drop the socket without uninstalling.
    const crashed = new CdpClient(await connectWebSocket(f.wsUrl!));
    const first = (await evaluate(crashed, PROBE_INSTALL_SOURCE)) as { replaced: boolean };
    expect(first.replaced).toBe(false);
    crashed.close();
    const monitor = createMonitor();
    try {
      const t = await monitor.attach({ port: f.port!, intervalMs: 100 });
      const observer = new CdpClient(await connectWebSocket(f.wsUrl!));
      try {
        expect(await evaluate(observer, PROBE_PRESENT_SOURCE)).toBe(true);
        await monitor.detach({ targetId: t.id });
        expect(await evaluate(observer, PROBE_PRESENT_SOURCE)).toBe(false);
      } finally {
        observer.close();
      }
    } finally {
      await monitor.dispose();
      await stopAllFixtures();
    }
  });

  it('dispose() detaches every target and uninstalls every probe', async () => {
    const [a, b] = await Promise.all([startFixture('idle.js'), startFixture('idle.js')]);
    const monitor = createMonitor();
    const observers = await Promise.all(
      [a!, b!].map(async (f) => new CdpClient(await connectWebSocket(f.wsUrl!))),
    );
    try {
      await monitor.attach({ port: a!.port! });
      await monitor.attach({ port: b!.port! });
      for (const o of observers) expect(await evaluate(o, PROBE_PRESENT_SOURCE)).toBe(true);
      await monitor.dispose();
      for (const o of observers) expect(await evaluate(o, PROBE_PRESENT_SOURCE)).toBe(false);
      await expect(monitor.attach({ port: a!.port! })).rejects.toThrow(/shut down/);
    } finally {
      for (const o of observers) o.close();
      await stopAllFixtures();
    }
  });
});

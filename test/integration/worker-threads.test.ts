// Worker threads against a real pool (test/fixtures/worker-threads.js): each thread is a
// target of its own over the process's one inspector connection (NodeWorker), with its
// own heap, event loop and GC figures, forced GC and snapshots of its own isolate;
// threads that come and go start and end their targets, the process stays attached;
// detach removes the probe from every thread.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import type { Sample, TargetInfo } from '../../src/shared/model';
import { openChildSession } from '../../src/monitor/inspector/cdp-client';
import { connectToTarget } from '../../src/monitor/inspector/connect';
import { classCountsFromSnapshot } from '../../src/monitor/leaks/snapshot-counts';
import { PROBE_PRESENT_SOURCE } from '../../src/monitor/sampling/probe';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';

const monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

async function until<T>(what: string, check: () => Promise<T | null | false>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setup(): Promise<{ m: Monitor; f: Fixture; main: TargetInfo }> {
  const f = await startFixture('worker-threads.js');
  await f.waitFor(/ready workers=1,2/);
  const m = createMonitor({ recording: false });
  monitors.push(m);
  const main = await m.attach({ port: f.port!, intervalMs: 250 });
  await until('both worker threads', async () => (await workers(m)).length === 2);
  return { m, f, main };
}

async function workers(m: Monitor): Promise<TargetInfo[]> {
  return (await m.listTargets({})).filter((t) => t.kind === 'worker');
}

async function thread(m: Monitor, threadId: number): Promise<TargetInfo> {
  const t = (await workers(m)).find((x) => x.threadId === threadId);
  if (!t) throw new Error(`no target for thread ${threadId}`);
  return t;
}

const last = async (m: Monitor, t: TargetInfo): Promise<Sample> =>
  (await m.getHistory({ targetId: t.id })).at(-1)!;

/** Waits for a sample taken after `afterMs` and returns it. */
async function sampleAfter(m: Monitor, t: TargetInfo, afterMs: number): Promise<Sample> {
  return until(`a fresh sample of ${t.title}`, async () => {
    const s = await last(m, t);
    return s && s.timestampMs > afterMs && s.heapUsedBytes !== null ? s : null;
  });
}

describe('worker threads', () => {
  it('each thread is a target with its own heap, event loop and GC; OS figures stay on the process', async () => {
    const { m, main } = await setup();
    const [w1, w2] = [await thread(m, 1), await thread(m, 2)];
    for (const [w, name] of [
      [w1, 'pool-1'],
      [w2, 'pool-2'],
    ] as const) {
      expect(w).toMatchObject({
        kind: 'worker',
        parentTargetId: main.id,
        threadName: name,
        pid: main.pid,
        status: 'attached',
      });
      expect(w.title).toContain(`[worker ${w.threadId} ${name}]`);
    }
    const now = Date.now();
    const s = await sampleAfter(m, w1, now);
    expect(s.heapUsedBytes).toBeGreaterThan(0);
    expect(s.heapLimitBytes).toBeGreaterThan(0);
    expect(s.eventLoopDelayP99Ms).not.toBeNull();
    expect(s.eventLoopUtilization).not.toBeNull();
    expect(s.gc).not.toBeNull();
    // A thread has no pid of its own: CPU, RSS, fds and threads are the process's.
    expect([s.rssBytes, s.cpuPercent, s.openFds, s.threads]).toEqual([null, null, null, null]);
    const p = await until('process OS figures', async () => {
      const x = await last(m, main);
      return x.rssBytes !== null && x.threads !== null ? x : null;
    });
    expect(p.threads).toBeGreaterThan(2);
  });

  it('50 MB allocated in a worker raise its heap line by about that; the main thread’s does not', async () => {
    const { m, f, main } = await setup();
    const w1 = await thread(m, 1);
    const w2 = await thread(m, 2);
    const t0 = Date.now();
    const [b1, b2, bm] = await Promise.all([w1, w2, main].map((t) => sampleAfter(m, t, t0)));
    f.command('alloc 1 50');
    await f.waitFor(/allocated 1 50/, 30_000);
    const t1 = Date.now();
    const [a1, a2, am] = await Promise.all([w1, w2, main].map((t) => sampleAfter(m, t, t1)));
    const mb = (a?: Sample, b?: Sample) => (a!.heapUsedBytes! - b!.heapUsedBytes!) / 2 ** 20;
    expect(mb(a1, b1)).toBeGreaterThan(40);
    expect(mb(a1, b1)).toBeLessThan(80);
    expect(Math.abs(mb(am, bm))).toBeLessThan(10);
    expect(Math.abs(mb(a2, b2))).toBeLessThan(10);
  });

  it('a snapshot of a worker is that thread’s isolate, named after it in the library', async () => {
    const { m, f, main } = await setup();
    f.command('alloc 2 2');
    await f.waitFor(/allocated 2 2/);
    const w2 = await thread(m, 2);
    const rec = await m.takeHeapSnapshot({ targetId: w2.id, confirm: true });
    expect(rec).toMatchObject({ threadId: 2, threadName: 'pool-2', pid: main.pid });
    expect(rec.fileName).toMatch(new RegExp(`-${main.pid}-t2-`));
    expect(rec.title).toContain('[worker 2 pool-2]');
    expect((await m.listSnapshots({})).snapshots.find((s) => s.id === rec.id)?.threadId).toBe(2);
    const counts = classCountsFromSnapshot(JSON.parse(await readFile(rec.path, 'utf8')));
    expect(counts.get('ResdashWorkerPlanted')?.count ?? 0).toBeGreaterThan(1000);
    expect(counts.get('ResdashMainPlanted')?.count ?? 0).toBe(0);
    const mainRec = await m.takeHeapSnapshot({ targetId: main.id, confirm: true });
    expect(mainRec.threadId).toBeUndefined();
    const mainCounts = classCountsFromSnapshot(JSON.parse(await readFile(mainRec.path, 'utf8')));
    expect(mainCounts.get('ResdashMainPlanted')?.count).toBe(64);
    expect(mainCounts.get('ResdashWorkerPlanted')?.count ?? 0).toBe(0);
    // The process lists its threads, each with its target.
    expect(await m.listThreads({ targetId: main.id })).toEqual([
      { threadId: 1, threadName: 'pool-1', targetId: (await thread(m, 1)).id },
      { threadId: 2, threadName: 'pool-2', targetId: w2.id },
    ]);
    await expect(m.listThreads({ targetId: w2.id })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    // A forced GC of a worker runs in that isolate.
    const gc = await m.collectGarbage({ targetId: w2.id });
    expect(gc.targetId).toBe(w2.id);
  });

  it('a worker that exits ends its line without error; one started later appears within two samples', async () => {
    const { m, f, main } = await setup();
    const errors: unknown[] = [];
    m.on('targets', (list) => {
      for (const t of list) if (t.kind !== 'worker' && t.status === 'detached') errors.push(t);
    });
    const w1 = await thread(m, 1);
    await sampleAfter(m, w1, Date.now());
    f.command('end 1');
    await f.waitFor(/ended 1/);
    const ended = await until('thread 1 to end', async () => {
      const t = await thread(m, 1);
      return t.status === 'detached' ? t : null;
    });
    expect(ended.detachReason).toMatch(/Worker thread 1 ended/);
    expect((await m.getHistory({ targetId: w1.id })).length).toBeGreaterThan(0); // kept
    await expect(m.collectGarbage({ targetId: w1.id })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
    expect((await m.listTargets({})).find((t) => t.id === main.id)?.status).toBe('attached');

    const before = (await m.getHistory({ targetId: main.id })).length;
    f.command('start late');
    await f.waitFor(/started 3 late/);
    const late = await until('thread 3', async () =>
      (await workers(m)).find((t) => t.threadId === 3 && t.status === 'attached'),
    );
    expect(late.threadName).toBe('late');
    // Appeared within two of the process's samples after it started.
    expect((await m.getHistory({ targetId: main.id })).length - before).toBeLessThanOrEqual(2);
    await sampleAfter(m, late, Date.now());
    expect(errors).toEqual([]);
  });

  it('detach removes the probe from the process and from every thread', async () => {
    const { m, f, main } = await setup();
    await sampleAfter(m, await thread(m, 2), Date.now());
    await m.detach({ targetId: main.id });
    expect((await workers(m)).map((t) => t.status)).toEqual(['detached', 'detached']);
    // Look with a connection of our own: nothing of ours is left in any isolate.
    const c = await connectToTarget({ port: f.port! });
    try {
      const present = async (client: typeof c.client) =>
        (
          await client.send('Runtime.evaluate', {
            expression: PROBE_PRESENT_SOURCE,
            returnByValue: true,
          })
        ).result.value;
      expect(await present(c.client)).toBe(false);
      const seen: boolean[] = [];
      c.client.on('NodeWorker.attachedToWorker', (p) => {
        void present(openChildSession(c.client, p.sessionId)).then((v) => seen.push(v === true));
      });
      await c.client.send('NodeWorker.enable', { waitForDebuggerOnStart: false });
      await until('both threads checked', async () => seen.length === 2);
      expect(seen).toEqual([false, false]);
      await c.client.send('NodeWorker.disable');
    } finally {
      c.client.close();
    }
  });
});

// Forced GC against a real process: freed bytes after `alloc` + `free`, a timeline marker.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { ErrorCodes } from '../../src/shared/errors';
import type { TimelineMarker } from '../../src/shared/heap-tools-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const BIN = path.resolve(import.meta.dirname, '../../bin/resdash.js');
const run = promisify(execFile);

const monitors: Monitor[] = [];
const dirs: string[] = [];
async function monitor(): Promise<Monitor> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-gc-'));
  dirs.push(dataDir);
  const m = createMonitor({ dataDir });
  monitors.push(m);
  return m;
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

describe('forced GC', () => {
  it('reports heap before and after and the bytes freed after alloc 50 + free', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port! });
    const markers: TimelineMarker[] = [];
    m.on('marker', (mk) => markers.push(mk));
    f.command('alloc 50');
    await f.waitFor(/allocated 50/);
    f.command('free');
    await f.waitFor(/freed/);
    const r = await m.collectGarbage({ targetId: t.id });
    expect(r.targetId).toBe(t.id);
    expect(r.heapUsedBeforeBytes).toBeGreaterThan(r.heapUsedAfterBytes);
    expect(r.freedBytes).toBe(r.heapUsedBeforeBytes - r.heapUsedAfterBytes);
    // 50 "MB" of small objects were dropped: most of it must come back.
    expect(r.freedBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(markers).toHaveLength(1);
    expect(markers[0]).toMatchObject({ targetId: t.id, kind: 'gc', atMs: r.atMs });
    expect(await m.listMarkers({ targetId: t.id })).toEqual(markers);
  });

  it('the GC button, the periodic forced GC and Investigate queue instead of refusing each other', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 100 });
    // Periodic forced GCs (every 0.5-1.5 s) besides the five requests below, all at once.
    await m.setLeakOptions({
      targetId: t.id,
      options: { allowForcedGc: true, forcedGcIntervalMs: 1000 },
    });
    f.command('alloc 50');
    await f.waitFor(/allocated 50/);
    f.command('free');
    await f.waitFor(/freed/);
    const results = await Promise.allSettled([
      m.collectGarbage({ targetId: t.id }),
      m.investigateLeak({ targetId: t.id }),
      m.investigateLeak({ targetId: t.id }),
      m.collectGarbage({ targetId: t.id }),
      m.investigateLeak({ targetId: t.id }),
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(
      Array(5).fill('ok'),
    );
    const [gc1, inv, , gc2] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      { heapUsedAfterBytes: number },
      { investigation: { heapBeforeBytes: number; heapAfterBytes: number } | null },
      unknown,
      { heapUsedAfterBytes: number },
    ];
    // Whichever GC came first freed the 50 MB; every reading after it is of the small heap.
    expect(inv.investigation).not.toBeNull();
    for (const after of [
      gc1.heapUsedAfterBytes,
      gc2.heapUsedAfterBytes,
      inv.investigation!.heapAfterBytes,
    ])
      expect(after).toBeLessThan(30 * 1024 * 1024);
  });

  it('refuses a detached target and bad arguments with stable codes', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port! });
    await expect(m.collectGarbage({ targetId: 42 as unknown as string })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    await m.detach({ targetId: t.id });
    await expect(m.collectGarbage({ targetId: t.id })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
  });

  it('resdash gc TARGET --json and the text line', async () => {
    const f = await startFixture('idle.js');
    f.command('alloc 20');
    await f.waitFor(/allocated 20/);
    f.command('free');
    await f.waitFor(/freed/);
    const env = { ...process.env, RESDASH_DATA_DIR: path.join(os.tmpdir(), 'resdash-gc-cli') };
    const json = await run(process.execPath, [BIN, 'gc', `:${f.port}`, '--json'], { env });
    const r = JSON.parse(json.stdout) as { pid: number; freedBytes: number };
    expect(r.pid).toBe(f.pid);
    expect(r.freedBytes).toBeGreaterThan(5 * 1024 * 1024);
    const text = await run(process.execPath, [BIN, 'gc', `:${f.port}`], { env });
    expect(text.stdout).toMatch(/^heap used \S+ -> \S+: freed \S+ in \d+ ms\n$/);
  });
});

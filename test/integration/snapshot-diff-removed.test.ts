// A diff of two snapshots of a busy service said "0 removed". Real snapshots taken by
// the monitor, with objects freed in between: in one attached session the freed objects
// are counted as removed; across a detach and attach V8 renumbers its heap objects, and
// a diff by id would match unrelated objects (that was the "0 removed"): it is refused.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHeapToolsFeature } from '../../src/monitor/heap-tools/heap-tools-feature';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';

const monitors: Monitor[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

/** Plenty of memory, so the pre-flight never asks. */
const roomy = async () => ({
  memAvailableBytes: 1e12,
  cgroupLimitBytes: null,
  cgroupUsageBytes: null,
});

async function dataDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'resdash-diff-'));
  dirs.push(d);
  return d;
}

function monitorIn(dir: string): Monitor {
  const m = createMonitor({ dataDir: dir, features: [createHeapToolsFeature({ machine: roomy })] });
  monitors.push(m);
  return m;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * heap-objects.js churning: a batch of 2000 `{ value, text }` objects every 5 ms, the
 * last 50 batches kept. After 1.5 s every batch of the first snapshot has been freed.
 */
async function churning(): Promise<Fixture> {
  const f = await startFixture('heap-objects.js', { args: ['2000'] });
  f.command('churn');
  await f.waitFor(/churning/);
  await sleep(300);
  return f;
}

describe('diff of two real snapshots of a busy service', () => {
  it('counts the objects freed between two snapshots of one session as removed', async () => {
    const f = await churning();
    const m = monitorIn(await dataDir());
    const t = await m.attach({ port: f.port! });
    const a = await m.takeHeapSnapshot({ targetId: t.id, confirm: true });
    await sleep(1500);
    const b = await m.takeHeapSnapshot({ targetId: t.id, confirm: true });
    const d = await m.diffSnapshots({
      before: { snapshotId: a.id },
      after: { snapshotId: b.id },
      top: 1000,
    });
    expect(d.warnings).toEqual([]);
    // The 50 batches alive at the first snapshot (100,000 objects) are gone at the second,
    // replaced by 50 new ones.
    const objects = d.perConstructor.find((c) => c.name === 'Object');
    expect(objects?.removedCount).toBeGreaterThanOrEqual(50_000);
    expect(objects?.addedCount).toBeGreaterThanOrEqual(50_000);
    expect(d.totals.removedCount).toBeGreaterThanOrEqual(objects!.removedCount);
  });

  it('refuses two snapshots taken across a detach and attach (V8 renumbered the ids)', async () => {
    const f = await churning();
    const dir = await dataDir();
    const first = monitorIn(dir);
    const t1 = await first.attach({ port: f.port! });
    const a = await first.takeHeapSnapshot({ targetId: t1.id, confirm: true });
    await first.dispose();
    await sleep(1500);
    const second = monitorIn(dir);
    const t2 = await second.attach({ port: f.port! });
    const b = await second.takeHeapSnapshot({ targetId: t2.id, confirm: true });
    const err = await second
      .diffSnapshots({ before: { snapshotId: a.id }, after: { snapshotId: b.id } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(MonitorError);
    expect((err as MonitorError).code).toBe(ErrorCodes.SNAPSHOT_MISMATCH);
    expect((err as MonitorError).message).toMatch(/renumbered/);
    // Forced: said so, and the per-class counts (which need no ids) are still there.
    const forced = await second.diffSnapshots({
      before: { snapshotId: a.id },
      after: { snapshotId: b.id },
      force: true,
      top: 1000,
    });
    expect(forced.warnings.join(' ')).toMatch(/renumbered/);
    expect(forced.perConstructor.find((c) => c.name === 'Object')?.countBefore).toBeGreaterThan(
      50_000,
    );
  });
});

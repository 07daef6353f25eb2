// Real heaps: a fixture plants exactly N instances of a uniquely named class, we write a
// snapshot of it over the inspector (v8.writeHeapSnapshot via Runtime.evaluate), and the
// analysis (in its child process) must find N, a plausible retained size and the
// retainer path; after M more, the diff must report +M. Also the CLI, cancel, F19, F22.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/index';
import { connectToTarget, type ConnectedTarget } from '../../src/monitor/inspector/connect';
import {
  analyzeSnapshotFile,
  diffSnapshotFiles,
} from '../../src/monitor/snapshots/analysis/run-analysis';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import type { SnapshotAnalysis, SnapshotDiff } from '../../src/shared/snapshot-model';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';

const CLASS = 'ResdashPlantedWidget';
const N = 25;
const M = 40;
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'resdash-analysis-'));
const opened: ConnectedTarget[] = [];
let fixture: Fixture;
let target: ConnectedTarget;
let first: string;
let second: string;

async function writeSnapshot(t: ConnectedTarget, file: string): Promise<string> {
  const expression = `process.getBuiltinModule('node:v8').writeHeapSnapshot(${JSON.stringify(file)})`;
  const res = await t.client.send(
    'Runtime.evaluate',
    { expression, returnByValue: true },
    { timeoutMs: 0 },
  );
  expect(res.exceptionDetails).toBeUndefined();
  return res.result.value as string;
}

async function errorOf(p: Promise<unknown>): Promise<MonitorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MonitorError);
    return err as MonitorError;
  }
  throw new Error('expected a MonitorError, got success');
}

beforeAll(async () => {
  fixture = await startFixture('planted-widgets.js');
  await fixture.waitFor(/ready/);
  target = await connectToTarget({ port: fixture.port! });
  opened.push(target);
  fixture.command(`plant ${N}`);
  await fixture.waitFor(new RegExp(`planted ${N}\\b`));
  first = await writeSnapshot(target, path.join(dir, 'first.heapsnapshot'));
  fixture.command(`plant ${M}`);
  await fixture.waitFor(new RegExp(`planted ${N + M}\\b`));
  second = await writeSnapshot(target, path.join(dir, 'second.heapsnapshot'));
});

afterAll(async () => {
  for (const t of opened.splice(0)) t.client.close();
  await stopAllFixtures();
  rmSync(dir, { recursive: true, force: true });
});

describe('analysis of a real heap (child process)', () => {
  it('counts exactly N planted instances with a plausible retained size and a retainer path', async () => {
    const phases = new Set<string>();
    const result = await analyzeSnapshotFile(
      first,
      { className: CLASS, top: 100_000, pid: fixture.pid },
      { onProgress: (p) => phases.add(p.phase) },
    );
    const row = result.summary.constructors.find((c) => c.name === CLASS);
    expect(row).toBeDefined();
    expect(row!.count).toBe(N);
    // Each widget holds a 32-element array of its own: retained well above shallow.
    expect(row!.shallowBytes).toBeGreaterThan(0);
    expect(row!.retainedBytes).toBeGreaterThan(row!.shallowBytes + N * 32 * 4);
    expect(row!.retainedBytes).toBeLessThan(result.summary.reachableShallowBytes);
    expect(result.summary.meta.pid).toBe(fixture.pid);
    expect(result.summary.nodeCount).toBeGreaterThan(1000);
    const p = result.retainerPath!;
    expect(p.instanceCount).toBe(N);
    expect(p.steps.at(-1)!.className).toBe(CLASS);
    expect(p.text).toMatch(/Map/);
    expect(p.text.endsWith(`-> ${CLASS}`)).toBe(true);
    expect(p.targetRetainedBytes).toBeGreaterThan(0);
    expect([...phases]).toEqual(expect.arrayContaining(['parse', 'dominators']));
  });

  it('the diff after planting M more reports +M for the class, with their ids', async () => {
    const d = await diffSnapshotFiles(first, second, {
      beforePid: fixture.pid,
      afterPid: fixture.pid,
      maxIdsPerClass: 10,
    });
    const row = d.perConstructor.find((c) => c.name === CLASS);
    expect(row).toMatchObject({ addedCount: M, removedCount: 0, countDelta: M, countBefore: N });
    expect(row!.sizeDeltaBytes).toBeGreaterThan(0);
    const fresh = d.newObjects.find((c) => c.name === CLASS)!;
    expect(fresh.count).toBe(M);
    expect(fresh.nodeIds).toHaveLength(10);
    expect(fresh.truncated).toBe(true);
    expect(d.warnings).toEqual([]);
    // New objects get ids above every id of the first snapshot.
    expect(Math.min(...fresh.nodeIds)).toBeGreaterThan(d.before.maxNodeId);
  });

  it('refuses a diff of snapshots from different processes (F22)', async () => {
    const err = await errorOf(
      diffSnapshotFiles(first, second, { beforePid: fixture.pid, afterPid: fixture.pid + 1 }),
    );
    expect(err.code).toBe(ErrorCodes.SNAPSHOT_MISMATCH);
    // Swapped order: the "new" objects have ids the first snapshot had already passed.
    const swapped = await errorOf(diffSnapshotFiles(second, first));
    expect(swapped.code).toBe(ErrorCodes.SNAPSHOT_MISMATCH);
    const forced = await diffSnapshotFiles(second, first, { force: true });
    expect(forced.warnings.length).toBeGreaterThan(0);
  });

  it('a truncated or corrupt real file gives SNAPSHOT_INVALID from the child (F19)', async () => {
    const bytes = readFileSync(first);
    const truncated = path.join(dir, 'truncated.heapsnapshot');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect((await errorOf(analyzeSnapshotFile(truncated))).code).toBe(ErrorCodes.SNAPSHOT_INVALID);
    const garbage = path.join(dir, 'garbage.heapsnapshot');
    const copy = Buffer.from(bytes);
    copy.write('x', copy.indexOf('"edges":[') + 12);
    writeFileSync(garbage, copy);
    expect((await errorOf(analyzeSnapshotFile(garbage))).code).toBe(ErrorCodes.SNAPSHOT_INVALID);
    expect((await errorOf(analyzeSnapshotFile(path.join(dir, 'missing')))).code).toBe(
      ErrorCodes.BAD_ARGUMENT,
    );
  });

  it('cancel kills the child', async () => {
    const ac = new AbortController();
    const pending = analyzeSnapshotFile(second, {}, { signal: ac.signal });
    ac.abort();
    expect((await errorOf(pending)).code).toBe(ErrorCodes.ANALYSIS_CANCELLED);
  });

  it('through the core service: analyzeSnapshot and diffSnapshots by path, with progress events', async () => {
    const monitor = createMonitor({ dataDir: dir });
    const events: string[] = [];
    const off = monitor.on('analysisProgress', (e) => events.push(e.progress.phase));
    try {
      const r = await monitor.analyzeSnapshot({ path: first, top: 10_000 });
      expect(r.summary.constructors.find((c) => c.name === CLASS)?.count).toBe(N);
      const p = await monitor.snapshotRetainerPath({ path: first, className: CLASS });
      expect(p.instanceCount).toBe(N);
      const d = await monitor.diffSnapshots({ before: { path: first }, after: { path: second } });
      expect(d.perConstructor.find((c) => c.name === CLASS)?.countDelta).toBe(M);
      expect(events).toContain('dominators');
      const bad = await errorOf(monitor.analyzeSnapshot({ path: first, top: -1 }));
      expect(bad.code).toBe(ErrorCodes.BAD_ARGUMENT);
      const missing = await errorOf(
        monitor.snapshotRetainerPath({ path: first, className: 'NoSuchClassAnywhere' }),
      );
      expect(missing.code).toBe(ErrorCodes.CLASS_NOT_FOUND);
    } finally {
      off();
      await monitor.dispose();
    }
  });
});

describe('resdash analyze / diff', () => {
  const resdash = (...args: string[]) =>
    run(process.execPath, [path.join(root, 'bin/resdash.js'), ...args], { cwd: os.tmpdir() });

  it('analyze --json --class prints the summary and the retainer path', async () => {
    const { stdout } = await resdash('analyze', first, '--json', '--class', CLASS, '--top', '500');
    const r = JSON.parse(stdout) as SnapshotAnalysis;
    expect(r.summary.constructors.find((c) => c.name === CLASS)?.count).toBe(N);
    expect(r.retainerPath?.text.endsWith(CLASS)).toBe(true);
  });

  it('analyze prints a table; diff --json reports +M', async () => {
    const { stdout } = await resdash('analyze', first, '--top', '500', '--class', CLASS);
    expect(stdout).toMatch(new RegExp(`\\s${N}\\s+${CLASS}\\n`));
    expect(stdout).toMatch(/Retainer path of ResdashPlantedWidget/);
    const diff = await resdash('diff', first, second, '--json');
    const d = JSON.parse(diff.stdout) as SnapshotDiff;
    expect(d.perConstructor.find((c) => c.name === CLASS)?.addedCount).toBe(M);
  });

  it('fails with one clear line and a code', async () => {
    const corrupt = path.join(dir, 'corrupt.heapsnapshot');
    writeFileSync(corrupt, '{"snapshot":{"meta":{}}}');
    const err = (await resdash('analyze', corrupt).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(1);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).toMatch(/MONITOR_ERR_SNAPSHOT_INVALID/);
    const usage = (await resdash('diff', first).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/MONITOR_ERR_BAD_ARGUMENT/);
  });
});

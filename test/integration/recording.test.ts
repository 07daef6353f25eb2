// Recordings against real processes: the recorder killed with SIGKILL leaves a file
// that reads back up to its last flush (F28); a monitor records every session to its
// data dir and can reopen a recording as a read-only target; recording: false writes
// nothing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { readRecording } from '../../src/monitor/recording/reader';
import { ErrorCodes } from '../../src/shared/errors';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/resdash.js');

let dir: string;
const monitors: Monitor[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-recording-'));
});
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sampleLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const text = await readFile(file, 'utf8');
  return text.split('\n').filter((l) => l.startsWith('{"type":"sample"')).length;
}

async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('recording', () => {
  it('a recorder killed with SIGKILL leaves a file that reads back up to its last flush (F28)', async () => {
    const fixture = await startFixture('idle.js');
    const file = path.join(dir, 'killed.ndjson');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'record',
        `:${fixture.port}`,
        '-o',
        file,
        '--interval',
        '200ms',
        '--flush-interval',
        '300ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await until(async () => (await sampleLines(file)) >= 5, `5 flushed samples (${stderr})`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const onDisk = await readFile(file, 'utf8');
    const complete = onDisk.split('\n').slice(0, onDisk.endsWith('\n') ? -1 : -2);
    const recording = await readRecording(file);
    // Every complete line that reached the disk is read back; only a torn tail is skipped.
    expect(recording.samples).toHaveLength(
      complete.filter((l) => l.includes('"type":"sample"')).length,
    );
    expect(recording.samples.length).toBeGreaterThanOrEqual(5);
    expect(recording.endedAtMs).toBeNull(); // killed: no clean end line
    expect(recording.target.pid).toBe(fixture.pid);
    expect(recording.target.title).toBe('resource-dashboard (idle.js)');
    const ts = recording.samples.map((s) => s.timestampMs);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(recording.samples.every((s) => s.heapUsedBytes !== null && s.rssBytes !== null)).toBe(
      true,
    );

    // A file left by a killed recorder still turns into a report.
    const { reportFromRecording } = await import('../../src/monitor/report/report-requests');
    const report = await reportFromRecording(file);
    expect(report.content).toContain('Resource report');
  });

  it('records every session to the data dir, ends the file on detach, and reopens it read-only', async () => {
    const fixture = await startFixture('idle.js');
    const dataDir = path.join(dir, 'data');
    const monitor = createMonitor({ recording: { dataDir, flushIntervalMs: 200 } });
    monitors.push(monitor);
    const t = await monitor.attach({ port: fixture.port!, intervalMs: 200 });
    await until(
      async () => (await monitor.getHistory({ targetId: t.id })).length >= 4,
      '4 samples',
    );
    fixture.command('alloc 2');
    await fixture.waitFor(/allocated 2/);
    await until(
      async () => (await monitor.getHistory({ targetId: t.id })).length >= 6,
      '6 samples',
    );
    await monitor.detach({ targetId: t.id });
    const live = await monitor.getHistory({ targetId: t.id });

    const files = (await readdir(dataDir)).filter((f) => f.endsWith('.ndjson'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`-resource-dashboard_idle\\.js_-pid${fixture.pid}-${t.id}\\.ndjson$`),
    );
    const file = path.join(dataDir, files[0]!);
    const recording = await readRecording(file);
    expect(recording.endReason).toBe('Detached by the user.');
    expect(recording.samples.map((s) => s.timestampMs)).toEqual(live.map((s) => s.timestampMs));
    expect(recording.samples.map((s) => s.heapUsedBytes)).toEqual(live.map((s) => s.heapUsedBytes));
    // Other features' per-target events are recorded generically (pools, alerts, …).
    expect(recording.events.every((e) => (e.data as { targetId?: string }).targetId === t.id)).toBe(
      true,
    );

    const opened = await monitor.openRecording({ path: file });
    expect(opened.id).not.toBe(t.id);
    expect(opened.status).toBe('detached');
    expect(opened.pid).toBe(fixture.pid);
    expect(opened.detachReason).toContain('read-only');
    const history = await monitor.getHistory({ targetId: opened.id });
    expect(history.map((s) => s.timestampMs)).toEqual(live.map((s) => s.timestampMs));
    await expect(
      monitor.setSampleInterval({ targetId: opened.id, intervalMs: 500 }),
    ).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
    const targets = await monitor.listTargets({});
    expect(targets.map((x) => x.id)).toContain(opened.id);
    const report = await monitor.exportReport({ targetId: opened.id, format: 'json' });
    const data = JSON.parse(report.content) as {
      source: { kind: string };
      kpis: { sampleCount: number };
    };
    expect(data.source.kind).toBe('recording');
    expect(data.kpis.sampleCount).toBe(live.length);
    await monitor.removeTarget({ targetId: opened.id });
  });

  it('refuses a file that is not a recording with one clear error, and records nothing when off', async () => {
    const monitor = createMonitor({ recording: false });
    monitors.push(monitor);
    await expect(
      monitor.openRecording({ path: path.join(ROOT, 'package.json') }),
    ).rejects.toMatchObject({
      code: ErrorCodes.RECORDING_INVALID,
    });
    await expect(monitor.openRecording({ path: '' })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    const dataDir = path.join(dir, 'off');
    process.env.RESDASH_DATA_DIR_UNUSED = dataDir;
    const fixture = await startFixture('idle.js');
    const t = await monitor.attach({ port: fixture.port!, intervalMs: 200 });
    await until(
      async () => (await monitor.getHistory({ targetId: t.id })).length >= 2,
      '2 samples',
    );
    await monitor.detach({ targetId: t.id });
    expect(existsSync(dataDir)).toBe(false);
    expect(await monitor.listTargets({})).toHaveLength(1);
  });
});

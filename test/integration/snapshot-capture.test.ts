// Heap snapshot capture against real processes: a valid streamed file and no .partial
// left, the library, import, F14 confirmation, F21 one capture at a time, cancel with
// late chunks, F15 target killed mid-capture, F18 a failing write.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import {
  createHeapToolsFeature,
  type HeapToolsFeature,
  type HeapToolsOptions,
} from '../../src/monitor/heap-tools/heap-tools-feature';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import type { SnapshotProgress } from '../../src/shared/heap-tools-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const BIN = path.resolve(import.meta.dirname, '../../bin/resdash.js');
const run = promisify(execFile);

const monitors: Monitor[] = [];
const dirs: string[] = [];
async function setup(
  heapTools?: HeapToolsOptions,
): Promise<{ m: Monitor; dataDir: string; dir: string }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-snap-'));
  dirs.push(dataDir);
  const m = createMonitor(
    heapTools ? { dataDir, features: [createHeapToolsFeature(heapTools)] } : { dataDir },
  );
  monitors.push(m);
  return { m, dataDir, dir: path.join(dataDir, 'snapshots') };
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

/** Plenty of memory, so the pre-flight never asks (the real machine may be small). */
const roomy: HeapToolsOptions['machine'] = async () => ({
  memAvailableBytes: 1e12,
  cgroupLimitBytes: null,
  cgroupUsageBytes: null,
});

async function expectCode(p: Promise<unknown>, code: string): Promise<MonitorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(MonitorError);
  expect((err as MonitorError).code).toBe(code);
  return err as MonitorError;
}

/** The first progress once bytes arrive: the capture is surely under way. */
function firstProgress(m: Monitor): Promise<SnapshotProgress> {
  return new Promise((resolve) => {
    const off = m.on('snapshotProgress', (p) => {
      if (p.phase === 'writing') {
        off();
        resolve(p);
      }
    });
  });
}

/** The way each progress event said the bytes came. */
function viaSeen(m: Monitor): Set<string> {
  const seen = new Set<string>();
  m.on('snapshotProgress', (p) => seen.add(p.via));
  return seen;
}

// Both ways of capturing (snapshot-capture.ts) must keep every promise: a valid file,
// progress, cancel, F15, F18.
describe.each(['pipe', 'inspector'] as const)('heap snapshot capture via the %s', (via) => {
  it('streams a valid snapshot into the library, with progress, and no partial file left', async () => {
    const f = await startFixture('heap-objects.js', { args: ['20000'] });
    const { m, dir } = await setup({ machine: roomy, via });
    const t = await m.attach({ port: f.port! });
    const phases: string[] = [];
    const fractions: number[] = [];
    m.on('snapshotProgress', (p) => {
      phases.push(p.phase);
      fractions.push(p.fraction);
    });
    const seen = viaSeen(m);
    const est = await m.estimateHeapSnapshot({ targetId: t.id });
    expect(est.heapUsedBytes).toBeGreaterThan(0);
    expect(est.pauseSeconds).toBeGreaterThan(0);
    expect(est.fits).toBe(true);

    const rec = await m.takeHeapSnapshot({ targetId: t.id });
    expect(rec).toMatchObject({ source: 'captured', pid: f.pid });
    expect([...seen]).toEqual([via]);
    expect(phases[0]).toBe('preparing');
    expect(phases).toContain('writing');
    expect(phases.at(-1)).toBe('done');
    expect(fractions.at(-1)).toBe(1);
    // The bar only moves forward.
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    // The next pre-flight predicts from this capture, not from the generic ratios.
    const next = await m.estimateHeapSnapshot({ targetId: t.id });
    expect(next.fileBytes / rec.sizeBytes).toBeGreaterThan(0.8);
    expect(next.fileBytes / rec.sizeBytes).toBeLessThan(1.25);
    const text = await readFile(rec.path, 'utf8');
    expect(rec.sizeBytes).toBe(Buffer.byteLength(text));
    const snap = JSON.parse(text) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
      strings: string[];
    };
    expect(snap.nodes.length).toBe(
      snap.snapshot.node_count * snap.snapshot.meta.node_fields.length,
    );
    expect(snap.snapshot.node_count).toBeGreaterThan(20_000);
    expect(snap.strings).toContain('ResdashSnapshotItem');
    const files = await readdir(dir);
    expect(files.filter((n) => n.endsWith('.partial'))).toEqual([]);

    const lib = await m.listSnapshots({});
    expect(lib.dir).toBe(dir);
    expect(lib.snapshots.map((s) => s.id)).toEqual([rec.id]);
    expect(await m.listMarkers({ targetId: t.id })).toMatchObject([{ kind: 'snapshot' }]);

    // Import: a copy of a real snapshot is accepted, anything else refused (F19 header).
    const copy = path.join(path.dirname(dir), 'copy.heapsnapshot');
    await writeFile(copy, text);
    const imported = await m.importSnapshot({ path: copy });
    expect(imported).toMatchObject({ source: 'imported', title: 'copy.heapsnapshot' });
    const junk = path.join(path.dirname(dir), 'junk.heapsnapshot');
    await writeFile(junk, '{"hello": "world"}');
    await expectCode(m.importSnapshot({ path: junk }), ErrorCodes.SNAPSHOT_INVALID);
    await expectCode(m.importSnapshot({ path: '/nonexistent/x' }), ErrorCodes.BAD_ARGUMENT);
    expect((await m.listSnapshots({})).snapshots).toHaveLength(2);

    await m.deleteSnapshot({ snapshotId: rec.id });
    await expectCode(m.deleteSnapshot({ snapshotId: rec.id }), ErrorCodes.SNAPSHOT_NOT_FOUND);
    await expectCode(m.deleteSnapshot({ snapshotId: '../etc' }), ErrorCodes.BAD_ARGUMENT);
    expect((await m.listSnapshots({})).snapshots.map((s) => s.id)).toEqual([imported.id]);
  });

  it('refuses a second capture while one runs (F21), and cancel leaves no file nor late chunks in the next one', async () => {
    const f = await startFixture('heap-objects.js', { args: ['80000'] });
    const { m, dir } = await setup({ machine: roomy, via });
    const t = await m.attach({ port: f.port! });
    const first = m.takeHeapSnapshot({ targetId: t.id });
    await expectCode(m.takeHeapSnapshot({ targetId: t.id }), ErrorCodes.SNAPSHOT_IN_PROGRESS);
    await firstProgress(m);
    expect(await m.cancelHeapSnapshot({ targetId: t.id })).toEqual({ cancelled: true });
    await expectCode(first, ErrorCodes.SNAPSHOT_CANCELLED);
    expect((await readdir(dir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    // Until V8 has finished the cancelled one, a new capture is refused, never mixed.
    let rec = null;
    for (let i = 0; i < 400 && rec === null; i++) {
      rec = await m.takeHeapSnapshot({ targetId: t.id }).catch((e: MonitorError) => {
        expect(e.code).toBe(ErrorCodes.SNAPSHOT_IN_PROGRESS);
        return new Promise<null>((r) => setTimeout(() => r(null), 100));
      });
    }
    expect(rec).not.toBeNull();
    const snap = JSON.parse(await readFile(rec!.path, 'utf8')) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
    };
    expect(snap.nodes.length).toBe(
      snap.snapshot.node_count * snap.snapshot.meta.node_fields.length,
    );
    expect(await readdir(dir)).toEqual([rec!.fileName, `${rec!.id}.json`].sort());
  });

  it('target killed mid-capture: clear error, no partial file, history kept (F15)', async () => {
    const f = await startFixture('heap-objects.js', { args: ['300000'] });
    const { m, dir } = await setup({ machine: roomy, via });
    const t = await m.attach({ port: f.port! });
    const capture = m.takeHeapSnapshot({ targetId: t.id });
    await firstProgress(m);
    process.kill(f.pid, 'SIGKILL');
    const err = await expectCode(capture, ErrorCodes.TARGET_CLOSED);
    expect(err.message).toMatch(/partial file was removed/);
    expect(await readdir(dir)).toEqual([]);
    expect((await m.listSnapshots({})).snapshots).toEqual([]);
    const [info] = await m.listTargets({});
    expect(info!.status).toBe('detached');
    await m.getHistory({ targetId: t.id }); // still answers: history kept
  });

  it('a failing write (disk full) ends the capture with a clear error and no partial file (F18)', async () => {
    const f = await startFixture('heap-objects.js', { args: ['50000'] });
    let opened = 0;
    const { m, dir } = await setup({
      machine: roomy,
      via,
      writer: {
        // A real file that runs out of space after 1 MB.
        createStream: (p) => {
          opened++;
          const real = createWriteStream(p, { flags: 'wx' });
          let bytes = 0;
          return new Writable({
            write(chunk: Buffer, _enc, cb) {
              bytes += chunk.length;
              if (bytes > 1024 * 1024) {
                cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
              } else real.write(chunk, cb);
            },
            final(cb) {
              real.end(cb);
            },
            destroy(err, cb) {
              real.destroy();
              real.once('close', () => cb(err));
            },
          });
        },
      },
    });
    const t = await m.attach({ port: f.port! });
    const err = await expectCode(
      m.takeHeapSnapshot({ targetId: t.id }),
      ErrorCodes.SNAPSHOT_WRITE_FAILED,
    );
    expect(err.message).toMatch(/ENOSPC/);
    expect(opened).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });
});

/** A real file on a disk that takes `ms` for every write. */
function slowDisk(ms: number): NonNullable<HeapToolsOptions['writer']>['createStream'] {
  return (p) => {
    const real = createWriteStream(p, { flags: 'wx' });
    return new Writable({
      write(chunk: Buffer, _enc, cb) {
        setTimeout(() => real.write(chunk, cb), ms);
      },
      final(cb) {
        real.end(cb);
      },
      destroy(err, cb) {
        real.destroy();
        real.once('close', () => cb(err));
      },
    });
  };
}

describe('heap snapshot capture', () => {
  it('goes through the pipe by default, and falls back to the inspector when the target cannot (Node < 20.16)', async () => {
    const f = await startFixture('heap-objects.js', { args: ['20000'] });
    const { m } = await setup({ machine: roomy });
    const t = await m.attach({ port: f.port! });
    const seen = viaSeen(m);
    await m.takeHeapSnapshot({ targetId: t.id });
    expect([...seen]).toEqual(['pipe']);

    // A target without process.getBuiltinModule, as before Node 20.16: the pipe cannot
    // start, nothing was paused, and the inspector takes over on the same file.
    const old = await startFixture('heap-objects.js', {
      args: ['20000'],
      env: { RESDASH_FIXTURE_NO_GET_BUILTIN: '1' },
    });
    const t2 = await m.attach({ port: old.port! });
    const seen2 = viaSeen(m);
    const rec = await m.takeHeapSnapshot({ targetId: t2.id });
    expect([...seen2]).toEqual(['pipe', 'inspector']);
    const snap = JSON.parse(await readFile(rec.path, 'utf8')) as { strings: string[] };
    expect(snap.strings).toContain('ResdashSnapshotItem');
    expect((await readdir(path.dirname(rec.path))).filter((n) => n.startsWith('.'))).toEqual([]);

    // Exact progress needs V8's counter, which only the inspector has.
    const seen3 = viaSeen(m);
    const counted: number[] = [];
    m.on('snapshotProgress', (p) => p.exact && counted.push(p.total));
    await m.takeHeapSnapshot({ targetId: t.id, exactProgress: true });
    expect([...seen3]).toEqual(['inspector']);
    expect(counted.length).toBeGreaterThan(0);
    expect(Math.min(...counted)).toBeGreaterThan(20_000);
  });

  it('the pipe waits for a slow disk (backpressure) where the inspector, which cannot wait, gives up', async () => {
    const f = await startFixture('heap-objects.js', { args: ['50000'] });
    // At most 1 MB may wait for the disk; the disk takes 5 ms per write.
    const writer = { maxQueuedBytes: 1024 * 1024, createStream: slowDisk(5) };
    const piped = await setup({ machine: roomy, via: 'pipe', writer });
    const t = await piped.m.attach({ port: f.port! });
    const rec = await piped.m.takeHeapSnapshot({ targetId: t.id });
    const snap = JSON.parse(await readFile(rec.path, 'utf8')) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
    };
    expect(rec.sizeBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(snap.nodes.length).toBe(
      snap.snapshot.node_count * snap.snapshot.meta.node_fields.length,
    );
    await piped.m.detach({ targetId: t.id });

    const inspected = await setup({ machine: roomy, via: 'inspector', writer });
    const t2 = await inspected.m.attach({ port: f.port! });
    const err = await expectCode(
      inspected.m.takeHeapSnapshot({ targetId: t2.id }),
      ErrorCodes.SNAPSHOT_WRITE_FAILED,
    );
    expect(err.message).toMatch(/could not keep up/);
    expect(await readdir(inspected.dir)).toEqual([]);
  });

  it('asks for confirmation when memory may not fit (F14)', async () => {
    const f = await startFixture('heap-objects.js', { args: ['1000'] });
    const { m, dir } = await setup({
      machine: async () => ({
        memAvailableBytes: 64 * 1024 * 1024,
        cgroupLimitBytes: null,
        cgroupUsageBytes: null,
      }),
    });
    const t = await m.attach({ port: f.port! });
    const est = await m.estimateHeapSnapshot({ targetId: t.id });
    expect(est.fits).toBe(false);
    const err = await expectCode(
      m.takeHeapSnapshot({ targetId: t.id }),
      ErrorCodes.CONFIRM_REQUIRED,
    );
    expect(err.message).toMatch(/event loop stops/);
    expect(await readdir(dir)).toEqual([]);
    const rec = await m.takeHeapSnapshot({ targetId: t.id, confirm: true });
    expect(rec.sizeBytes).toBeGreaterThan(0);
  });

  it("shares one capture lock with the leak detector's series: a user capture meanwhile is refused (F21)", async () => {
    const f = await startFixture('heap-objects.js', { args: ['80000'] });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-snap-'));
    dirs.push(dataDir);
    const factory = createHeapToolsFeature({ machine: roomy });
    let tools: HeapToolsFeature | null = null;
    const m = createMonitor({
      dataDir,
      features: [(ctx) => (tools = factory(ctx) as HeapToolsFeature)],
    });
    monitors.push(m);
    const t = await m.attach({ port: f.port! });
    const file = path.join(dataDir, 'series-0.heapsnapshot');
    const series = tools!.captureExclusive(file);
    await expectCode(m.takeHeapSnapshot({ targetId: t.id }), ErrorCodes.SNAPSHOT_IN_PROGRESS);
    expect((await series).sizeBytes).toBeGreaterThan(0);
    const snap = JSON.parse(await readFile(file, 'utf8')) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
    };
    expect(snap.nodes.length).toBe(
      snap.snapshot.node_count * snap.snapshot.meta.node_fields.length,
    );
    expect((await readdir(dataDir)).filter((n) => n.endsWith('.partial'))).toEqual([]);
    // Once the series' capture is done, the user's goes through.
    const rec = await m.takeHeapSnapshot({ targetId: t.id });
    expect(rec.sizeBytes).toBeGreaterThan(0);
  });

  it('resdash snapshot: library by default, -o FILE, list, import and delete', async () => {
    const f = await startFixture('heap-objects.js', { args: ['5000'] });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-snap-cli-'));
    dirs.push(dataDir);
    const env = { ...process.env, RESDASH_DATA_DIR: dataDir };
    const cli = (...args: string[]) => run(process.execPath, [BIN, 'snapshot', ...args], { env });
    // --yes: the machine running the tests may be small; F14 has its own test above.
    const saved = await cli(`:${f.port}`, '--yes', '--json');
    const rec = JSON.parse(saved.stdout) as { id: string; path: string };
    expect(saved.stderr).toMatch(/event loop stops for about/);
    expect(path.dirname(rec.path)).toBe(path.join(dataDir, 'snapshots'));
    const out = path.join(dataDir, 'out.heapsnapshot');
    await cli(`:${f.port}`, '--yes', '--exact-progress', '-o', out);
    expect((await readFile(out, 'utf8')).startsWith('{"snapshot":{')).toBe(true);
    await expect(cli(`:${f.port}`, '--yes', '-o', out)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/already exists.*MONITOR_ERR_BAD_ARGUMENT/),
    });
    const imported = JSON.parse((await cli('import', out, '--json')).stdout) as { id: string };
    const list = JSON.parse((await cli('list', '--json')).stdout) as {
      snapshots: { id: string }[];
    };
    expect(list.snapshots.map((s) => s.id).sort()).toEqual([rec.id, imported.id].sort());
    expect((await cli('delete', rec.id)).stdout).toMatch(/deleted/);
    expect((await cli('list')).stdout).toMatch(/^1 snapshot\(s\) in /);
  });

  it.runIf(process.platform === 'linux')(
    'opens the library folder, or shows one snapshot in it, with the system opener',
    async () => {
      const f = await startFixture('heap-objects.js', { args: ['2000'] });
      const { m, dir } = await setup({ machine: roomy });
      const t = await m.attach({ port: f.port! });
      const rec = await m.takeHeapSnapshot({ targetId: t.id });
      // A real spawn of an `xdg-open` first on PATH that records what it was asked.
      const bin = await mkdtemp(path.join(os.tmpdir(), 'resdash-opener-'));
      dirs.push(bin);
      const log = path.join(bin, 'opened.txt');
      await writeFile(path.join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${log}'\n`, {
        mode: 0o755,
      });
      const savedPath = process.env.PATH;
      process.env.PATH = `${bin}:${savedPath}`;
      try {
        expect(await m.showSnapshotFolder({})).toEqual({ path: dir });
        expect(await m.showSnapshotFolder({ snapshotId: rec.id })).toEqual({ path: rec.path });
        expect(await readFile(log, 'utf8')).toBe(`${dir}\n${dir}\n`);
        await expectCode(
          m.showSnapshotFolder({ snapshotId: 'nope' }),
          ErrorCodes.SNAPSHOT_NOT_FOUND,
        );
        await expectCode(m.showSnapshotFolder({ snapshotId: '../etc' }), ErrorCodes.BAD_ARGUMENT);
      } finally {
        process.env.PATH = savedPath;
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'resdash snapshot: Ctrl-C cancels, keeps nothing, and the target runs on',
    async () => {
      const f = await startFixture('heap-objects.js', { args: ['300000'] });
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-snap-cli-'));
      dirs.push(dataDir);
      const child = spawn(process.execPath, [BIN, 'snapshot', `:${f.port}`, '--yes'], {
        env: { ...process.env, RESDASH_DATA_DIR: dataDir, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        let stderr = '';
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        await new Promise<void>((resolve) => {
          child.stderr!.on('data', (b: Buffer) => {
            stderr += b.toString();
            if (/resdash: snapshot \d+%/.test(stderr)) resolve();
          });
        });
        child.kill('SIGINT');
        const code = await exited;
        expect(code, stderr).not.toBe(0);
        expect(stderr).toMatch(/cancelling; the target stops at its next write/);
        expect(stderr).toMatch(/MONITOR_ERR_SNAPSHOT_CANCELLED/);
        const left = await readdir(path.join(dataDir, 'snapshots')).catch(() => []);
        expect(left).toEqual([]);
        // Its pause is over: it answers on stdin again.
        f.command('calm');
        await f.waitFor(/calm/, 30_000);
      } finally {
        // Never leave it running, whatever failed above.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    },
  );

  it('imports by upload in ordered pieces (drag and drop), refusing bad pieces and bad files', async () => {
    const f = await startFixture('heap-objects.js', { args: ['2000'] });
    const { m, dir } = await setup({ machine: roomy });
    const t = await m.attach({ port: f.port! });
    const rec = await m.takeHeapSnapshot({ targetId: t.id });
    const bytes = await readFile(rec.path);
    const piece = 512 * 1024;
    const { uploadId } = await m.uploadSnapshotBegin({
      fileName: 'C:\\dumps\\x.heapsnapshot',
      sizeBytes: bytes.length,
    });
    await expectCode(
      m.uploadSnapshotChunk({ uploadId, offset: 5, dataBase64: 'AAAA' }),
      ErrorCodes.BAD_ARGUMENT,
    );
    for (let off = 0; off < bytes.length; off += piece) {
      const dataBase64 = bytes.subarray(off, off + piece).toString('base64');
      await m.uploadSnapshotChunk({ uploadId, offset: off, dataBase64 });
    }
    const imported = await m.uploadSnapshotFinish({ uploadId });
    expect(imported).toMatchObject({
      source: 'imported',
      title: 'x.heapsnapshot',
      sizeBytes: bytes.length,
    });
    expect((await readFile(imported.path)).equals(bytes)).toBe(true);

    const junk = Buffer.from('not a heap snapshot at all');
    const second = await m.uploadSnapshotBegin({ fileName: 'junk', sizeBytes: junk.length });
    await m.uploadSnapshotChunk({
      uploadId: second.uploadId,
      offset: 0,
      dataBase64: junk.toString('base64'),
    });
    await expectCode(
      m.uploadSnapshotFinish({ uploadId: second.uploadId }),
      ErrorCodes.SNAPSHOT_INVALID,
    );
    const third = await m.uploadSnapshotBegin({ fileName: 'big', sizeBytes: 3 });
    await expectCode(
      m.uploadSnapshotChunk({ uploadId: third.uploadId, offset: 0, dataBase64: 'AAAAAAAA' }),
      ErrorCodes.BAD_ARGUMENT,
    );
    // Nothing half-written stays behind; the library has the capture and the import.
    expect((await readdir(dir)).filter((n) => n.includes('.upload-'))).toEqual([]);
    expect((await m.listSnapshots({})).snapshots).toHaveLength(2);
  });
});

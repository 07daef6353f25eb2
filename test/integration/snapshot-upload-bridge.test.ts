// Snapshot uploads abandoned through the browser shell: two uploads begun over real
// WebSockets whose sockets then close must not block later imports (the bridge aborts
// a socket's uploads on close, long before the 30 s idle timeout), and an upload whose
// socket stays open but sends nothing is ended by the idle timeout. No `.partial` file
// is left in the snapshot folder either way.
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { SnapshotLibrary } from '../../src/monitor/snapshots/library';
import {
  MAX_UPLOADS,
  SnapshotUploads,
  UPLOAD_IDLE_TIMEOUT_MS,
} from '../../src/monitor/snapshots/upload';
import { startServer, type RunningServer } from '../../src/server/index';
import type { MonitorApi, Outcome, ServerFrame } from '../../src/shared/contract';
import { ErrorCodes } from '../../src/shared/errors';
import type { SnapshotRecord } from '../../src/shared/heap-tools-model';

/** Starts like a V8 heap snapshot, which is all an upload's header check reads. */
const SNAPSHOT = Buffer.from(
  JSON.stringify({
    snapshot: {
      meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'] },
      node_count: 0,
      edge_count: 0,
    },
    nodes: [],
    edges: [],
    strings: [],
  }),
);

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'resdash-upload-bridge-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

class Client {
  #nextId = 1;
  private constructor(readonly ws: WebSocket) {}

  static async open(server: RunningServer): Promise<Client> {
    // The token comes from the URL the server prints, as a browser gets it.
    const token = new URL(server.url).searchParams.get('token')!;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${token}`);
    await once(ws, 'open');
    return new Client(ws);
  }

  call<T>(method: string, args: unknown): Promise<Outcome<T>> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const onMessage = (data: Buffer): void => {
        const f = JSON.parse(data.toString()) as ServerFrame;
        if (f.kind === 'response' && f.id === id) {
          this.ws.off('message', onMessage);
          resolve(f.outcome as Outcome<T>);
        }
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ kind: 'request', id, method, args }));
    });
  }

  async ok<T>(method: string, args: unknown): Promise<T> {
    const o = await this.call<T>(method, args);
    if (!o.ok) throw new Error(`${method} failed: ${o.error.code} ${o.error.message}`);
    return o.value;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}

/** Polls until `check` passes; `safetyMs` only bounds a broken run. */
async function until(check: () => Promise<boolean>, safetyMs: number): Promise<void> {
  const deadline = Date.now() + safetyMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${safetyMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function partialsIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.partial'));
}

async function uploadWhole(c: Client, fileName: string): Promise<SnapshotRecord> {
  const { uploadId } = await c.ok<{ uploadId: string }>('uploadSnapshotBegin', {
    fileName,
    sizeBytes: SNAPSHOT.length,
  });
  await c.ok('uploadSnapshotChunk', {
    uploadId,
    offset: 0,
    dataBase64: SNAPSHOT.toString('base64'),
  });
  return c.ok<SnapshotRecord>('uploadSnapshotFinish', { uploadId });
}

describe('snapshot uploads through the browser shell', () => {
  let monitor: Monitor;
  let server: RunningServer;
  let snapshotsDir: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    const dataDir = path.join(root, 'data');
    snapshotsDir = new SnapshotLibrary(dataDir).dir;
    monitor = createMonitor({ recording: false, dataDir });
    server = await startServer({ monitor, port: 0, rendererDir });
  });

  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await server?.close();
    await monitor?.dispose();
  });

  it('ends the uploads of a socket when it closes, so the next import succeeds', async () => {
    const abandoned: Client[] = [];
    for (let i = 0; i < MAX_UPLOADS; i++) {
      const c = await Client.open(server);
      clients.push(c);
      abandoned.push(c);
      const { uploadId } = await c.ok<{ uploadId: string }>('uploadSnapshotBegin', {
        fileName: `dropped-${i}.heapsnapshot`,
        sizeBytes: SNAPSHOT.length,
      });
      await c.ok('uploadSnapshotChunk', {
        uploadId,
        offset: 0,
        dataBase64: SNAPSHOT.subarray(0, 10).toString('base64'),
      });
    }
    expect(await partialsIn(snapshotsDir)).toHaveLength(MAX_UPLOADS);

    const third = await Client.open(server);
    clients.push(third);
    // Both slots are taken while those sockets live: this is what used to last until restart.
    expect(
      await third.call('uploadSnapshotBegin', { fileName: 'x', sizeBytes: SNAPSHOT.length }),
    ).toMatchObject({ ok: false, error: { code: ErrorCodes.SNAPSHOT_IN_PROGRESS } });

    for (const c of abandoned) await c.close();
    // Well inside the 30 s idle timeout: only the close can have ended them.
    await until(
      async () => (await partialsIn(snapshotsDir)).length === 0,
      UPLOAD_IDLE_TIMEOUT_MS / 3,
    );

    const rec = await uploadWhole(third, 'kept.heapsnapshot');
    expect(rec).toMatchObject({
      source: 'imported',
      title: 'kept.heapsnapshot',
      sizeBytes: SNAPSHOT.length,
    });
    const listed = await third.ok<{ snapshots: SnapshotRecord[] }>('listSnapshots', {});
    expect(listed.snapshots.map((s) => s.id)).toEqual([rec.id]);
    expect(await partialsIn(snapshotsDir)).toEqual([]);
  });

  it('leaves a socket that finished its upload, and other sockets, alone on close', async () => {
    const a = await Client.open(server);
    const b = await Client.open(server);
    clients.push(a, b);
    await uploadWhole(a, 'finished.heapsnapshot');
    const { uploadId } = await b.ok<{ uploadId: string }>('uploadSnapshotBegin', {
      fileName: 'still-going.heapsnapshot',
      sizeBytes: SNAPSHOT.length,
    });
    await a.close();
    // b's upload is b's: a's close does not end it.
    await b.ok('uploadSnapshotChunk', {
      uploadId,
      offset: 0,
      dataBase64: SNAPSHOT.toString('base64'),
    });
    const rec = await b.ok<SnapshotRecord>('uploadSnapshotFinish', { uploadId });
    expect(rec.title).toBe('still-going.heapsnapshot');
    expect(await partialsIn(snapshotsDir)).toEqual([]);
  });
});

describe('an upload that goes idle with its socket open', () => {
  const IDLE_MS = 300;
  let monitor: Monitor;
  let uploads: SnapshotUploads;
  let server: RunningServer;
  let snapshotsDir: string;
  let client: Client | null = null;

  beforeAll(async () => {
    const dataDir = path.join(root, 'idle-data');
    const library = new SnapshotLibrary(dataDir);
    snapshotsDir = library.dir;
    monitor = createMonitor({ recording: false, dataDir });
    // The real monitor behind the real shell, with its upload requests served by the same
    // upload code on the same library folder, only with a shortened idle timeout.
    uploads = new SnapshotUploads(library, Date.now, { idleTimeoutMs: IDLE_MS });
    const api = new Proxy(monitor, {
      get(target, prop, receiver) {
        switch (prop) {
          case 'uploadSnapshotBegin':
            return (a: { fileName: unknown; sizeBytes: unknown }) =>
              uploads.begin(a.fileName, a.sizeBytes);
          case 'uploadSnapshotChunk':
            return (a: { uploadId: unknown; offset: unknown; dataBase64: unknown }) =>
              uploads.chunk(a.uploadId, a.offset, a.dataBase64);
          case 'uploadSnapshotFinish':
            return (a: { uploadId: unknown }) => uploads.finish(a.uploadId);
          case 'uploadSnapshotAbort':
            return (a: { uploadId: unknown }) => uploads.abort(a.uploadId);
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as MonitorApi;
    server = await startServer({ monitor: api, port: 0, rendererDir });
  });

  afterAll(async () => {
    client?.ws.terminate();
    await server?.close();
    await uploads?.dispose();
    await monitor?.dispose();
  });

  it('is ended after the idle timeout: partial deleted, slot freed, a late piece refused', async () => {
    const c = await Client.open(server);
    client = c;
    const { uploadId } = await c.ok<{ uploadId: string }>('uploadSnapshotBegin', {
      fileName: 'idle.heapsnapshot',
      sizeBytes: SNAPSHOT.length,
    });
    await c.ok('uploadSnapshotChunk', {
      uploadId,
      offset: 0,
      dataBase64: SNAPSHOT.subarray(0, 10).toString('base64'),
    });
    expect(await partialsIn(snapshotsDir)).toEqual([`.upload-${uploadId}.partial`]);

    // No more bytes; the socket stays open.
    await until(async () => (await partialsIn(snapshotsDir)).length === 0, 30_000);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(uploads.activeCount).toBe(0);
    expect(
      await c.call('uploadSnapshotChunk', {
        uploadId,
        offset: 10,
        dataBase64: SNAPSHOT.subarray(10, 20).toString('base64'),
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: ErrorCodes.TIMEOUT,
        message: expect.stringContaining('ended after 300 ms without data'),
      },
    });

    // Both slots are free again (one held open here), and an import runs to the end.
    const held = await c.ok<{ uploadId: string }>('uploadSnapshotBegin', {
      fileName: 'held.heapsnapshot',
      sizeBytes: SNAPSHOT.length,
    });
    const rec = await uploadWhole(c, 'after-idle.heapsnapshot');
    expect(rec.source).toBe('imported');
    await c.ok('uploadSnapshotAbort', { uploadId: held.uploadId });
    expect(await partialsIn(snapshotsDir)).toEqual([]);
  });
});

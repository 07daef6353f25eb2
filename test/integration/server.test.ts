// The browser shell over real sockets: token, Host, Origin, path traversal, static
// files and the WebSocket bridge. The monitor behind it is a small in-memory
// MonitorApi so the test pins the shell's own behaviour.
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../src/server/index';
import type { EventName, Events, MonitorApi, ServerFrame } from '../../src/shared/contract';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import type { TargetInfo } from '../../src/shared/model';

const TARGET: TargetInfo = {
  id: 't1',
  pid: 1234,
  title: 'fake.js',
  command: 'node fake.js',
  port: 9229,
  status: 'attached',
  attachedAtMs: 1,
  intervalMs: 1000,
  warnings: [],
};

function fakeMonitor(): MonitorApi & { emit<E extends EventName>(e: E, p: Events[E]): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const notAttached = async (): Promise<never> => {
    throw new MonitorError(ErrorCodes.NOT_ATTACHED, 'No such target.');
  };
  return {
    listProcesses: async () => ({ processes: [], inspectors: [] }),
    listTargets: async () => [TARGET],
    attach: notAttached,
    detach: notAttached,
    removeTarget: notAttached,
    setSampleInterval: notAttached,
    getHistory: async () => [],
    startDemo: notAttached,
    attachGroup: notAttached,
    detachGroup: notAttached,
    listThreads: notAttached,
    // pools, emergency cleanup
    getPools: notAttached,
    emergencyCleanup: notAttached,
    getCleanupStats: async () => ({ attempted: 0, succeeded: 0, failed: 0, successRate: null }),
    rescanPools: notAttached,
    // snapshot analysis
    analyzeSnapshot: notAttached,
    snapshotRetainerPath: notAttached,
    diffSnapshots: notAttached,
    cancelSnapshotAnalysis: async () => ({ cancelled: 0 }),
    // heap explorer
    openSnapshotExplorer: notAttached,
    explorerChildren: notAttached,
    explorerRetainers: notAttached,
    explorerInstances: notAttached,
    explorerNode: notAttached,
    explorerPath: notAttached,
    explorerClasses: notAttached,
    closeSnapshotExplorer: notAttached,
    // heap tools
    collectGarbage: notAttached,
    listMarkers: notAttached,
    estimateHeapSnapshot: notAttached,
    takeHeapSnapshot: notAttached,
    cancelHeapSnapshot: notAttached,
    listSnapshots: notAttached,
    deleteSnapshot: notAttached,
    importSnapshot: notAttached,
    showSnapshotFolder: notAttached,
    // limits, alerts, leaks, recommendations
    getLimits: notAttached,
    setLimits: notAttached,
    getAlerts: notAttached,
    acknowledgeAlert: notAttached,
    getLeakVerdict: notAttached,
    investigateLeak: notAttached,
    setLeakOptions: notAttached,
    getRecommendations: notAttached,
    startAllocationSampling: notAttached,
    // recordings, reports, metrics
    openRecording: notAttached,
    exportReport: notAttached,
    startMetrics: notAttached,
    stopMetrics: notAttached,
    getMetricsStatus: notAttached,
    stopAllocationSampling: notAttached,
    uploadSnapshotBegin: notAttached,
    uploadSnapshotChunk: notAttached,
    uploadSnapshotFinish: notAttached,
    uploadSnapshotAbort: notAttached,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  port: number,
  pathAndQuery: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a bridge socket; resolves with it or rejects with the HTTP status of the refusal. */
function openBridge(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused with ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextFrame(ws: WebSocket, match: (f: ServerFrame) => boolean): Promise<ServerFrame> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (match(frame)) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('browser shell server', () => {
  let dir: string;
  let server: RunningServer;
  let monitor: ReturnType<typeof fakeMonitor>;
  let host: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'resdash-server-'));
    dir = path.join(root, 'renderer');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Resource Dashboard</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1);');
    writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer dir');
    monitor = fakeMonitor();
    server = await startServer({ monitor, port: 0, rendererDir: dir });
    host = `127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.close();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  const bridgeUrl = (): string => `ws://${host}/bridge?token=${server.token}`;

  it('listens on 127.0.0.1 only and puts the token in its URL', () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(server.token);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a request without the token with 401', async () => {
    const res = await get(server.port, '/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Resource Dashboard');
  });

  it('answers a browser without the token with a page that says what to do, and its own icon', async () => {
    const res = await get(server.port, '/', { Accept: 'text/html,application/xhtml+xml' });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('?token=');
    // An icon of its own, so the browser does not fetch (and get refused) /favicon.ico.
    expect(res.body).toContain('<link rel="icon" href="data:,">');
    expect(res.body).not.toContain('Resource Dashboard');
    expect(res.body).not.toContain(server.token);
  });

  it('refuses a wrong token with 401', async () => {
    const res = await get(server.port, `/?token=${server.token.slice(1)}x`);
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Host header even with the token (DNS rebinding)', async () => {
    const res = await get(server.port, `/?token=${server.token}`, {
      Host: `evil.example:${server.port}`,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Origin on a plain request', async () => {
    const res = await get(server.port, `/?token=${server.token}`, {
      Origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
  });

  it('serves index.html with the token, sets the cookie and strict headers', async () => {
    const res = await get(server.port, `/?token=${server.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Resource Dashboard');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`resdash_token=${server.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('accepts the cookie instead of the query and serves assets with their type', async () => {
    const res = await get(server.port, '/assets/app.js', {
      Cookie: `other=1; resdash_token=${server.token}`,
      Host: `localhost:${server.port}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toBe('console.log(1);');
  });

  it('refuses path traversal, raw and encoded', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
    ]) {
      const res = await get(server.port, `${p}${p.includes('?') ? '&' : '?'}token=${server.token}`);
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('outside the renderer dir');
    }
  });

  it('answers 404 for a missing file', async () => {
    const res = await get(server.port, `/nope.js?token=${server.token}`);
    expect(res.status).toBe(404);
  });

  it('refuses a bridge upgrade without the token', async () => {
    await expect(openBridge(`ws://${host}/bridge`)).rejects.toThrow('401');
  });

  it('refuses a bridge upgrade from a foreign Origin', async () => {
    await expect(openBridge(bridgeUrl(), { Origin: 'http://evil.example' })).rejects.toThrow('403');
  });

  it('refuses a bridge upgrade with a foreign Host', async () => {
    await expect(openBridge(bridgeUrl(), { Host: `evil.example:${server.port}` })).rejects.toThrow(
      '403',
    );
  });

  it('answers listTargets over the bridge and rejects unknown methods and bad frames', async () => {
    const ws = await openBridge(bridgeUrl(), { Origin: `http://${host}` });
    sockets.push(ws);
    const listed = nextFrame(ws, (f) => f.kind === 'response' && f.id === 1);
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'listTargets', args: {} }));
    expect(await listed).toEqual({
      kind: 'response',
      id: 1,
      outcome: { ok: true, value: [TARGET] },
    });

    const unknown = nextFrame(ws, (f) => f.kind === 'response' && f.id === 2);
    ws.send(JSON.stringify({ kind: 'request', id: 2, method: 'constructor', args: {} }));
    const u = await unknown;
    expect(u.kind === 'response' && u.outcome).toMatchObject({
      ok: false,
      error: { code: ErrorCodes.BAD_ARGUMENT },
    });

    const badArgs = nextFrame(ws, (f) => f.kind === 'response' && f.id === 3);
    ws.send(JSON.stringify({ kind: 'request', id: 3, method: 'detach', args: [1] }));
    expect(await badArgs).toMatchObject({
      outcome: { ok: false, error: { code: ErrorCodes.BAD_ARGUMENT } },
    });

    const garbage = nextFrame(ws, (f) => f.kind === 'response' && f.id === -1);
    ws.send('{not json');
    expect(await garbage).toMatchObject({
      outcome: { ok: false, error: { code: ErrorCodes.BAD_ARGUMENT } },
    });

    const failing = nextFrame(ws, (f) => f.kind === 'response' && f.id === 4);
    ws.send(JSON.stringify({ kind: 'request', id: 4, method: 'detach', args: { targetId: 'x' } }));
    expect(await failing).toMatchObject({
      outcome: { ok: false, error: { code: ErrorCodes.NOT_ATTACHED, message: 'No such target.' } },
    });
  });

  it('pushes monitor events to every connected socket', async () => {
    const a = await openBridge(bridgeUrl());
    const b = await openBridge(`ws://${host}/bridge`, { Cookie: `resdash_token=${server.token}` });
    sockets.push(a, b);
    const gotA = nextFrame(a, (f) => f.kind === 'event');
    const gotB = nextFrame(b, (f) => f.kind === 'event');
    monitor.emit('targets', [TARGET]);
    for (const f of await Promise.all([gotA, gotB])) {
      expect(f).toEqual({ kind: 'event', event: 'targets', payload: [TARGET] });
    }
  });

  it('closes a socket that falls behind instead of buffering without bound', async () => {
    const own = fakeMonitor();
    const small = await startServer({
      monitor: own,
      port: 0,
      rendererDir: dir,
      bridgeLimits: { softBufferBytes: 1, hardBufferBytes: 64 * 1024 },
    });
    try {
      const ws = await openBridge(`ws://127.0.0.1:${small.port}/bridge?token=${small.token}`);
      sockets.push(ws);
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      // Stop reading so the server's send buffer fills up.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const payload = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 2000; i++) {
        own.emit('targets', [{ ...TARGET, title: payload }]);
      }
      (ws as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await closed).toBe(1013);
    } finally {
      await small.close();
    }
  });
});

// The agent's adapters against the real libraries: undici Pool/Agent and http.Agent
// against a loopback server that holds responses until told, generic-pool, tarn, and
// pg's Pool with a stand-in Client class (no database server needed).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import genericPool from 'generic-pool';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { Agent as UndiciAgent, Pool as UndiciPool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectKind, readPool, releaseIdle } from '../agent/adapters';
import { getRegistry, readPools, trackPool } from '../agent/registry';

let server: http.Server;
let origin: string;
let port: number;
const held: http.ServerResponse[] = [];
let arrived = 0;

function releaseHeld(): void {
  for (const res of held.splice(0)) res.end('ok');
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    arrived++;
    if (req.url === '/hold') held.push(res);
    else res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  releaseHeld();
  getRegistry().entries.clear();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('undici', () => {
  it('Pool: connected/free/queued become size, in use, idle and waiting; max from connections', async () => {
    const pool = new UndiciPool(origin, { connections: 2, pipelining: 1 });
    try {
      expect(detectKind(pool)).toBe('undici-pool');
      const start = arrived;
      const requests = Array.from({ length: 5 }, () =>
        pool.request({ path: '/hold', method: 'GET' }).then((r) => r.body.text()),
      );
      await until(() => arrived - start === 2, 'two held requests');
      const busy = readPool('api', pool, 'undici-pool', { maxOrigins: 4 });
      expect(busy).toMatchObject({ kind: 'undici-pool', size: 2, inUse: 2, idle: 0, waiting: 3 });
      expect(busy.max).toBe(2);
      expect(busy.canReleaseIdle).toBe(false);
      while (held.length > 0 || arrived - start < 5) {
        releaseHeld();
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(requests);
      const quiet = readPool('api', pool, 'undici-pool', { maxOrigins: 4 });
      expect(quiet).toMatchObject({ size: 2, inUse: 0, idle: 2, waiting: 0 });
      expect(await releaseIdle('undici-pool', pool)).toEqual({
        released: null,
        message: expect.stringContaining('not supported'),
      });
    } finally {
      await pool.close();
    }
  });

  it('Agent: per-origin stats', async () => {
    const agent = new UndiciAgent({ connections: 3 });
    try {
      const start = arrived;
      const requests = Array.from({ length: 4 }, () =>
        agent
          .request({ origin, path: '/hold', method: 'GET' })
          .then((r: { body: { text(): Promise<string> } }) => r.body.text()),
      );
      await until(() => arrived - start === 3, 'three held requests');
      expect(detectKind(agent)).toBe('undici-agent');
      const s = readPool('agent', agent, 'undici-agent', { maxOrigins: 4 });
      expect(s).toMatchObject({ size: 3, inUse: 3, waiting: 1, max: 3 });
      expect(s.perOrigin).toEqual([{ origin, size: 3, inUse: 3, idle: 0, waiting: 1, max: 3 }]);
      while (held.length > 0 || arrived - start < 4) {
        releaseHeld();
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(requests);
    } finally {
      await agent.close();
    }
  });
});

describe('http.Agent', () => {
  it('counts sockets, free sockets and queued requests per origin; releases free sockets', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      expect(detectKind(agent)).toBe('http-agent');
      const start = arrived;
      const done = Array.from(
        { length: 5 },
        () =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: '127.0.0.1', port, path: '/hold', agent }, (res) => {
                res.resume();
                res.on('end', resolve);
              })
              .on('error', reject);
          }),
      );
      await until(() => arrived - start === 2, 'two held requests');
      const busy = readPool('out', agent, 'http-agent', { maxOrigins: 4 });
      expect(busy).toMatchObject({ size: 2, inUse: 2, idle: 0, waiting: 3, max: 2 });
      expect(busy.perOrigin).toHaveLength(1);
      expect(busy.perOrigin![0]!.origin).toContain(`127.0.0.1:${port}`);
      while (held.length > 0 || arrived - start < 5) {
        releaseHeld();
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(done);
      await until(
        () => readPool('out', agent, 'http-agent', { maxOrigins: 4 }).idle === 2,
        'two free sockets',
      );
      expect(await releaseIdle('http-agent', agent)).toEqual({ released: 2 });
      await until(
        () => readPool('out', agent, 'http-agent', { maxOrigins: 4 }).size === 0,
        'free sockets closed',
      );
    } finally {
      agent.destroy();
    }
  });

  it('caps origins and keeps the busiest', () => {
    const agent = new http.Agent({ maxSockets: 4 });
    const fake = (n: number): unknown[] => Array.from({ length: n }, () => ({}));
    Object.assign(agent.sockets, { 'a:1:': fake(1), 'b:1:': fake(3), 'c:1:': fake(2) });
    const s = readPool('x', agent, 'http-agent', { maxOrigins: 2 });
    expect(s.perOrigin!.map((o) => o.origin)).toEqual(['b:1:', 'c:1:']);
    expect(s.inUse).toBe(6);
    for (const k of Object.keys(agent.sockets))
      delete (agent.sockets as Record<string, unknown>)[k];
  });
});

describe('generic-pool', () => {
  it('reads size, available, borrowed, pending, max, min; releases idle', async () => {
    let n = 0;
    const pool = genericPool.createPool(
      { create: async () => ({ id: n++ }), destroy: async () => undefined },
      { max: 3, min: 0 },
    );
    try {
      expect(detectKind(pool)).toBe('generic-pool');
      const items = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
      const waiter = pool.acquire();
      const s = readPool('gp', pool, 'generic-pool', { maxOrigins: 4 });
      expect(s).toMatchObject({ size: 3, inUse: 3, idle: 0, waiting: 1, max: 3, min: 0 });
      await pool.release(items[0]!);
      await pool.release(await waiter);
      await pool.release(items[1]!);
      await pool.release(items[2]!);
      expect(readPool('gp', pool, 'generic-pool', { maxOrigins: 4 })).toMatchObject({
        inUse: 0,
        idle: 3,
        canReleaseIdle: true,
      });
      expect(await releaseIdle('generic-pool', pool)).toEqual({ released: 3 });
      expect(pool.size).toBe(0);
    } finally {
      await pool.drain();
      await pool.clear();
    }
  });
});

describe('tarn', () => {
  it('reads numUsed, numFree, numPendingAcquires, max; releases idle', async () => {
    let n = 0;
    const pool = new TarnPool({
      create: async () => ({ id: n++ }),
      destroy: () => undefined,
      min: 0,
      max: 2,
      idleTimeoutMillis: 60_000,
    });
    try {
      expect(detectKind(pool)).toBe('tarn');
      const a = await pool.acquire().promise;
      const b = await pool.acquire().promise;
      const pending = pool.acquire().promise;
      expect(readPool('tarn', pool, 'tarn', { maxOrigins: 4 })).toMatchObject({
        size: 2,
        inUse: 2,
        idle: 0,
        waiting: 1,
        max: 2,
      });
      pool.release(a);
      pool.release(await pending);
      pool.release(b);
      expect(readPool('tarn', pool, 'tarn', { maxOrigins: 4 })).toMatchObject({
        inUse: 0,
        idle: 2,
      });
      expect(await releaseIdle('tarn', pool)).toEqual({ released: 2 });
      expect(pool.numFree()).toBe(0);
      expect((pool as unknown as { idleTimeoutMillis: number }).idleTimeoutMillis).toBe(60_000);
    } finally {
      await pool.destroy();
    }
  });
});

describe('pg', () => {
  // Stands in for pg.Client: the pool only needs connect/end/events and two flags.
  class FakeClient extends EventEmitter {
    _queryable = true;
    _ending = false;
    connect(cb: (err?: Error) => void): void {
      setImmediate(() => cb());
    }
    end(cb?: () => void): void {
      this._ending = true;
      setImmediate(() => {
        this.emit('end');
        cb?.();
      });
    }
  }

  it('reads totalCount, idleCount, waitingCount and options.max', async () => {
    const pool = new pg.Pool({ max: 2, Client: FakeClient as unknown as typeof pg.Client });
    try {
      expect(detectKind(pool)).toBe('pg');
      const a = await pool.connect();
      const b = await pool.connect();
      const pending = pool.connect();
      expect(readPool('db', pool, 'pg', { maxOrigins: 4 })).toMatchObject({
        size: 2,
        inUse: 2,
        idle: 0,
        waiting: 1,
        max: 2,
        canReleaseIdle: false,
      });
      a.release();
      (await pending).release();
      b.release();
      expect(readPool('db', pool, 'pg', { maxOrigins: 4 })).toMatchObject({ inUse: 0, idle: 2 });
      expect((await releaseIdle('pg', pool)).released).toBeNull();
    } finally {
      await pool.end();
    }
  });
});

describe('registry', () => {
  it('trackPool publishes on globalThis under Symbol.for and rejects what it cannot read', () => {
    const agent = new http.Agent({ maxSockets: 5 });
    const untrack = trackPool('outbound', agent);
    const reg = (globalThis as Record<symbol, unknown>)[Symbol.for('resdash.pools.v1')];
    expect(reg).toBe(getRegistry());
    expect(readPools({ includeGlobals: false }).pools).toEqual([
      expect.objectContaining({ name: 'outbound', kind: 'http-agent', source: 'agent', max: 5 }),
    ]);
    untrack();
    expect(readPools({ includeGlobals: false }).pools).toEqual([]);
    expect(() => trackPool('x', { foo: 1 })).toThrow(/not a pool the agent can read/);
    expect(() => trackPool('', agent)).toThrow(/name/);
  });

  it('caps the number of pools and reports truncation', () => {
    for (let i = 0; i < 5; i++) trackPool(`p${i}`, new http.Agent());
    const r = readPools({ maxPools: 3, includeGlobals: false });
    expect(r.pools).toHaveLength(3);
    expect(r.truncated).toBe(true);
  });

  it('a pool whose read throws is reported with an error, not dropped', () => {
    const broken = {
      totalCount: 1,
      idleCount: 0,
      waitingCount: 0,
      get options(): never {
        throw new Error('boom');
      },
    };
    trackPool('broken', broken);
    expect(readPools({ includeGlobals: false }).pools[0]).toMatchObject({
      name: 'broken',
      error: 'boom',
      size: 0,
    });
  });
});

// The in-target discovery source, evaluated in this process against the real libraries
// (undici, http.Agent, generic-pool, tarn, pg with a stand-in Client): it must classify
// them from their prototypes, read the same counters as the agent's adapters (the
// reference), name them by library and target, set apart what another dispatcher owns
// or what is shown already, hook the acquire paths and restore them exactly.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import genericPool from 'generic-pool';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { Agent as UndiciAgent, Client as UndiciClient, Pool as UndiciPool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { detectKind, readPool } from '../../agent/adapters';
import { POOL_DISCOVERY_KEY, type PoolStats } from '../../shared/pool-model';
import {
  DISCOVERY_COLLECT_FUNCTION,
  DISCOVERY_NAME_CAP,
  DISCOVERY_PRESENT_SOURCE,
  discoveryInstallSource,
  discoveryUninstallSource,
} from './discovery-source';
import { POOLS_READ_SOURCE } from './pool-read-source';
import { parsePoolRead } from './parse-pools';

const TOKEN = 'unit-test-token';
const KEY = Symbol.for(POOL_DISCOVERY_KEY);

interface State {
  token: string;
  read(shown: Set<unknown>, room: number, maxOrigins: number): { pools: PoolStats[] };
  summary(): { discovered: number; hooked: string[] };
}

const evalInTarget = (src: string): unknown => (0, eval)(src);
const install = (): { discovered: number; hooked: string[] } =>
  evalInTarget(discoveryInstallSource(TOKEN, false)) as { discovered: number; hooked: string[] };
const state = (): State => (globalThis as Record<symbol, unknown>)[KEY] as State;
/** What Runtime.callFunctionOn does with the heap search's array. */
const collect = (list: unknown[]): unknown =>
  (evalInTarget(`(${DISCOVERY_COLLECT_FUNCTION})`) as (this: unknown[], t: string) => unknown).call(
    list,
    TOKEN,
  );
const readAll = (shown: unknown[] = []): PoolStats[] => state().read(new Set(shown), 32, 16).pools;

let server: http.Server;
let origin: string;
let port: number;
const held: http.ServerResponse[] = [];

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/hold') held.push(res);
    else res.end('ok');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterEach(() => {
  for (const res of held.splice(0)) res.end('ok');
  evalInTarget(discoveryUninstallSource(TOKEN));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// Stands in for pg.Client: the pool only needs connect/end/events and two flags.
class FakePgClient extends EventEmitter {
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
const FakeClient = FakePgClient as unknown as typeof pg.Client;
/** http.Agent's prototype with the method its typings leave out. */
const agentProto = http.Agent.prototype as unknown as { addRequest: unknown };

const httpGet = (agent: http.Agent, path = '/hold'): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      })
      .on('error', reject);
  });

/** The counters only: what the agent and the discovery must agree on. */
function counters(p: object): Record<string, unknown> {
  const { name: _n, source: _s, canReleaseIdle: _c, ...rest } = p as Record<string, unknown>;
  return rest;
}

describe('discovery source in a target', () => {
  it('classifies the real libraries and reads the counters the agent reads', async () => {
    install();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const upool = new UndiciPool(origin, { connections: 2, pipelining: 1 });
    const uagent = new UndiciAgent({ connections: 1, pipelining: 1 });
    const uclient = new UndiciClient(origin, { pipelining: 1 });
    const gpool = genericPool.createPool(
      { create: async () => ({}), destroy: async () => {} },
      { max: 2, min: 0 },
    );
    const tpool = new TarnPool<object>({
      create: async () => ({}),
      destroy: () => {},
      min: 0,
      max: 2,
    });
    const pgPool = new pg.Pool({
      host: '10.0.0.9',
      port: 6543,
      database: 'orders',
      max: 2,
      Client: FakeClient,
    });
    const pending: Promise<unknown>[] = [];
    const pgClients: pg.PoolClient[] = [];
    const tarnAcquires: { abort(): void }[] = [];
    const tarnBorrowed: object[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        pending.push(httpGet(agent));
        pending.push(upool.request({ path: '/hold', method: 'GET' }).then((r) => r.body.text()));
        pending.push(
          uagent.request({ origin, path: '/hold', method: 'GET' }).then((r) => r.body.text()),
        );
        pending.push(gpool.acquire());
        pending.push(pgPool.connect().then((c) => pgClients.push(c)));
      }
      pending.push(uclient.request({ path: '/hold', method: 'GET' }).then((r) => r.body.text()));
      await until(() => held.length === 2 + 2 + 1 + 1, 'the held requests');
      await until(() => gpool.borrowed === 2 && pgPool.totalCount === 2, 'the borrows');

      // The heap search hands over every EventEmitter; tarn (not one) comes via its hook.
      collect([agent, upool, uagent, uclient, gpool, pgPool, new EventEmitter(), {}]);
      for (let i = 0; i < 3; i++) {
        const acq = tpool.acquire();
        tarnAcquires.push(acq);
        pending.push(acq.promise.then((r) => tarnBorrowed.push(r)));
      }
      await until(() => tpool.numUsed() === 2, 'the tarn borrows');
      const found = readAll();
      const byName = new Map(found.map((p) => [p.name, p]));
      const objects: [string, object][] = [
        ['http.Agent (maxSockets 2)', agent],
        [`undici.Pool ${origin}`, upool],
        ['undici.Agent (connections 1)', uagent],
        [`undici.Client ${origin}`, uclient],
        ['generic-pool (max 2)', gpool],
        ['tarn (max 2)', tpool],
        ['pg 10.0.0.9:6543/orders', pgPool],
      ];
      expect([...byName.keys()].sort()).toEqual(objects.map(([n]) => n).sort());
      for (const [name, obj] of objects) {
        const mine = byName.get(name)!;
        expect(mine.source, name).toBe('discovered');
        const ref = readPool(name, obj, detectKind(obj), { maxOrigins: 16 });
        expect(counters(mine), name).toEqual(counters(ref));
      }
      // Saturated, as loaded: the figures are real, not zeros.
      expect(byName.get('http.Agent (maxSockets 2)')).toMatchObject({
        inUse: 2,
        waiting: 1,
        max: 2,
      });
      expect(byName.get(`undici.Pool ${origin}`)).toMatchObject({ inUse: 2, waiting: 1, max: 2 });
      expect(byName.get(`undici.Client ${origin}`)).toMatchObject({ inUse: 1, max: 1 });
      expect(byName.get('tarn (max 2)')).toMatchObject({ inUse: 2, waiting: 1, max: 2 });
      expect(byName.get('pg 10.0.0.9:6543/orders')).toMatchObject({
        inUse: 2,
        waiting: 1,
        max: 2,
      });
      expect(state().summary().hooked).toEqual(
        expect.arrayContaining(['generic-pool', 'http', 'pg', 'tarn', 'undici']),
      );
      // The same through the per-tick read, and past our parser.
      const sample = parsePoolRead(evalInTarget(POOLS_READ_SOURCE), 0)!;
      expect(sample.pools.map((p) => p.name).sort()).toEqual(objects.map(([n]) => n).sort());
    } finally {
      const settled = Promise.allSettled(pending); // destroyed ones reject: expected here
      for (const res of held.splice(0)) res.end('ok');
      for (const c of pgClients.splice(0)) c.release();
      await Promise.all([upool.destroy(), uagent.destroy(), uclient.destroy()]);
      agent.destroy();
      for (const a of tarnAcquires) a.abort();
      for (const r of tarnBorrowed) tpool.release(r);
      await tpool.destroy();
      // A waiter got its client after the release above: it is released when it comes.
      void settled.then(() => {
        for (const c of pgClients) c.release();
        return pgPool.end();
      });
    }
  });

  it('sets apart what is shown already and what another dispatcher owns, and ended pools', async () => {
    install();
    const uagent = new UndiciAgent({ connections: 2 });
    const tracked = new http.Agent({ maxSockets: 4 });
    const pgPool = new pg.Pool({ max: 1, Client: FakeClient });
    try {
      // The Agent's Pool for this origin and its Client are used too: the hooks see them.
      await uagent.request({ origin, path: '/', method: 'GET' }).then((r) => r.body.text());
      collect([uagent, tracked, pgPool]);
      const names = readAll([tracked]).map((p) => p.name);
      expect(names).toHaveLength(2);
      expect(names[0]).toBe('undici.Agent (connections 2)');
      expect(names[1]).toMatch(/^pg localhost:5432/);
      await pgPool.end();
      expect(readAll([tracked]).map((p) => p.name)).toEqual(['undici.Agent (connections 2)']);
    } finally {
      await uagent.destroy();
    }
  });

  it('names never carry credentials and are capped', async () => {
    install();
    const withUrl = new pg.Pool({
      connectionString: 'postgres://alice:s3cret@db.internal:5439/billing',
      Client: FakeClient,
    });
    const hostile = new pg.Pool({
      host: '<img src=x onerror=alert(1)>'.repeat(50),
      Client: FakeClient,
    });
    const twin = new http.Agent({ maxSockets: 9 });
    const twin2 = new http.Agent({ maxSockets: 9 });
    collect([withUrl, hostile, twin, twin2]);
    const names = readAll().map((p) => p.name);
    expect(names).toContain('pg db.internal:5439/billing');
    expect(names.join(' ')).not.toMatch(/alice|s3cret/);
    expect(names.every((n) => n.length <= DISCOVERY_NAME_CAP + 4)).toBe(true);
    // Two pools that name alike stay apart.
    expect(names).toEqual(
      expect.arrayContaining(['http.Agent (maxSockets 9)', 'http.Agent (maxSockets 9) #2']),
    );
    await Promise.all([withUrl.end(), hostile.end()]);
  });

  it('hooks the acquire paths: a pool made later registers on first use; uninstall restores', async () => {
    const probe = genericPool.createPool({ create: async () => ({}), destroy: async () => {} });
    const originals = {
      addRequest: agentProto.addRequest,
      pgConnect: Object.getPrototypeOf(pg.Pool.prototype).connect as unknown,
      acquire: Object.getPrototypeOf(probe).acquire as unknown,
      tarnAcquire: TarnPool.prototype.acquire,
    };
    expect(install().hooked).toEqual(
      expect.arrayContaining(['generic-pool', 'http', 'pg', 'tarn', 'undici']),
    );
    expect(agentProto.addRequest).not.toBe(originals.addRequest);
    expect(evalInTarget(DISCOVERY_PRESENT_SOURCE)).toBe(true);

    const later = new http.Agent({ maxSockets: 5 });
    expect(readAll()).toEqual([]);
    await httpGet(later, '/');
    expect(readAll().map((p) => p.name)).toEqual(['http.Agent (maxSockets 5)']);
    later.destroy();

    expect(evalInTarget(discoveryUninstallSource('another session'))).toBe(false);
    expect(evalInTarget(discoveryUninstallSource(TOKEN))).toMatchObject({ left: 0 });
    expect(agentProto.addRequest).toBe(originals.addRequest);
    expect(Object.getPrototypeOf(pg.Pool.prototype).connect).toBe(originals.pgConnect);
    expect(Object.getPrototypeOf(probe).acquire).toBe(originals.acquire);
    expect(TarnPool.prototype.acquire).toBe(originals.tarnAcquire);
    expect(Object.getOwnPropertyDescriptor(http.Agent.prototype, 'addRequest')).toMatchObject({
      enumerable: true,
      writable: true,
      configurable: true,
    });
    expect(evalInTarget(DISCOVERY_PRESENT_SOURCE)).toBe(false);
    await probe.drain();
    await probe.clear();
  });

  it('a method wrapped again by someone else stays, as a pass-through', () => {
    const original = agentProto.addRequest;
    install();
    const ours = agentProto.addRequest;
    const theirs = function (this: http.Agent, ...args: unknown[]) {
      return (ours as (...a: unknown[]) => unknown).apply(this, args);
    };
    agentProto.addRequest = theirs;
    try {
      expect(evalInTarget(discoveryUninstallSource(TOKEN))).toMatchObject({ left: 1 });
      expect(agentProto.addRequest).toBe(theirs);
    } finally {
      agentProto.addRequest = original;
    }
  });

  it('an install with another token replaces a leftover and undoes its hooks', () => {
    const original = agentProto.addRequest;
    evalInTarget(discoveryInstallSource('crashed-session', false));
    install();
    expect(state().token).toBe(TOKEN);
    evalInTarget(discoveryUninstallSource(TOKEN));
    expect(agentProto.addRequest).toBe(original);
  });
});

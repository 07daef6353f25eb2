// Pool utilization read over the inspector from real processes: a fixture that
// publishes an undici Pool, an http.Agent and an object pool with the agent, and one
// without the agent whose http.globalAgent is read anyway.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import type { PoolSample, PoolStats } from '../../src/shared/pool-model';
import { poolSaturation } from '../../src/shared/pool-model';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { connectToTarget } from '../../src/monitor/inspector/connect';
import { FIXTURES_DIR, startFixture, stopAllFixtures } from '../fixtures/harness';

const BIN = path.join(FIXTURES_DIR, '../../bin/resdash.js');

const monitors: Monitor[] = [];
function monitor(): Monitor {
  const m = createMonitor();
  monitors.push(m);
  return m;
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects pushed reads; `until` resolves with the latest one that satisfies `check`. */
function watchPools(m: Monitor, targetId: string) {
  const seen: PoolSample[] = [];
  const off = m.on('pools', (batch) => {
    if (batch.targetId === targetId) seen.push(...batch.samples);
  });
  const pool = (s: PoolSample | undefined, name: string): PoolStats | undefined =>
    s?.pools.find((p) => p.name === name);
  return {
    seen,
    off,
    until: (what: string, check: (s: PoolSample) => boolean) =>
      waitUntil(what, () => seen.findLast(check)),
    pool,
  };
}

describe('pools read from a real process', () => {
  it('pool reads and post-GC drains ride on the one probe read per tick', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    // Instrument (not replace) the real connection: count what the dashboard sends.
    const sent: string[] = [];
    const m = createMonitor({
      recording: false,
      connect: async (spec) => {
        const c = await connectToTarget(spec);
        const send = c.client.send.bind(c.client);
        c.client.send = ((method: string, params?: { expression?: string }, opts?: unknown) => {
          if (method === 'Runtime.evaluate') sent.push(params?.expression ?? '');
          return send(method as never, params as never, opts as never);
        }) as typeof c.client.send;
        return c;
      },
    });
    monitors.push(m);
    let samples = 0;
    m.on('samples', (b) => (samples += b.samples.filter((s) => s.heapUsedBytes !== null).length));
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const w = watchPools(m, t.id);
    await w.until('the three tracked pools', (s) => w.pool(s, 'upstream') !== undefined);
    const before = sent.length;
    const readsBefore = w.seen.length;
    const samplesBefore = samples;
    await waitUntil('5 pool reads', () => w.seen.length - readsBefore >= 5);
    const evaluates = sent.slice(before);
    // Every evaluate after attach is a probe read; the pools ride inside them.
    const own = evaluates.filter((e) => !e.includes('resdash.probe.v1'));
    expect(own).toEqual([]);
    expect(evaluates.filter((e) => e.includes('resdash.pools.v1')).length).toBeGreaterThanOrEqual(
      5,
    );
    expect(evaluates.some((e) => e.includes('resdash.postgc.v1'))).toBe(true);
    expect(evaluates.length).toBeLessThanOrEqual(samples - samplesBefore + 2);
  });

  it('a tracked object pool is shown once: its inner generic-pool is not discovered beside it', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const m = monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const found = await m.rescanPools({ targetId: t.id });
    expect(found.heapSearched).toBe(true);
    const w = watchPools(m, t.id);
    w.seen.length = 0;
    const read = await w.until(
      'a read after the rescan',
      (s) => w.pool(s, 'scratch') !== undefined,
    );
    expect(read.pools.filter((p) => p.kind === 'generic-pool').map((p) => p.name)).toEqual([]);
    expect(w.pool(read, 'scratch')).toMatchObject({ kind: 'object-pool', source: 'agent' });
  });

  it('sees in use and waiting rise under load on the agent-published pools, then release', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const m = monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const w = watchPools(m, t.id);

    const idle = await w.until('the three tracked pools', (s) =>
      ['upstream', 'outbound-http', 'scratch'].every((n) => w.pool(s, n)),
    );
    expect(w.pool(idle, 'upstream')).toMatchObject({
      kind: 'undici-pool',
      source: 'agent',
      max: 4,
      inUse: 0,
      waiting: 0,
    });
    expect(w.pool(idle, 'outbound-http')).toMatchObject({ kind: 'http-agent', inUse: 0 });
    expect(w.pool(idle, 'scratch')).toMatchObject({ kind: 'object-pool', max: 2, inUse: 0 });

    w.seen.length = 0;
    f.command('load 10');
    await f.waitFor(/^loaded 10/m);
    const busy = await w.until(
      'pools saturated',
      (s) =>
        w.pool(s, 'upstream')?.inUse === 4 &&
        w.pool(s, 'upstream')?.waiting === 6 &&
        w.pool(s, 'outbound-http')?.inUse === 3 &&
        w.pool(s, 'outbound-http')?.waiting === 7 &&
        w.pool(s, 'scratch')?.waiting === 8,
    );
    const scratch = w.pool(busy, 'scratch')!;
    expect(scratch).toMatchObject({ size: 2, inUse: 2, borrowed: 2, returned: 0, efficiency: 0 });
    expect(poolSaturation(w.pool(busy, 'upstream')!)).toBe('saturated');
    const perOrigin = w.pool(busy, 'outbound-http')!.perOrigin!;
    expect(perOrigin).toHaveLength(1);
    expect(perOrigin[0]).toMatchObject({ inUse: 3, waiting: 7, max: 3 });
    // Waiters are timed across reads.
    await w.until(
      'waiting for at least one read interval',
      (s) => (w.pool(s, 'upstream')?.waitingForMs ?? 0) > 0,
    );

    w.seen.length = 0;
    f.command('release');
    await f.waitFor(/^released/m);
    const after = await w.until(
      'pools idle again',
      (s) =>
        w.pool(s, 'upstream')?.waiting === 0 &&
        w.pool(s, 'upstream')?.inUse === 0 &&
        w.pool(s, 'scratch')?.returned === 10,
    );
    expect(w.pool(after, 'scratch')).toMatchObject({ borrowed: 10, efficiency: 1, inUse: 0 });
    expect(w.pool(after, 'upstream')!.waitingForMs).toBe(0);
    expect(poolSaturation(w.pool(after, 'upstream')!)).toBe('ok');

    // The history request returns what was pushed.
    const history = await m.getPools({ targetId: t.id });
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history.at(-1)!.timestampMs).toBeGreaterThanOrEqual(after.timestampMs);

    // Emergency cleanup: idle sockets and objects released, undici says why not, GC ran.
    w.seen.length = 0; // only reads after the cleanup count below
    const cleanup = await m.emergencyCleanup({ targetId: t.id });
    expect(cleanup.gcOk).toBe(true);
    expect(cleanup.heapUsedBeforeBytes).toBeGreaterThan(0);
    expect(cleanup.heapUsedAfterBytes).toBeGreaterThan(0);
    const byName = new Map(cleanup.pools.map((p) => [p.name, p]));
    expect(byName.get('outbound-http')).toMatchObject({ supported: true, released: 3 });
    expect(byName.get('scratch')).toMatchObject({ supported: true, released: 2 });
    expect(byName.get('upstream')).toMatchObject({ supported: false, released: null });
    expect(byName.get('upstream')!.message).toMatch(/not supported/);
    const emptied = await w.until(
      'idle resources gone',
      (s) => w.pool(s, 'scratch')?.size === 0 && w.pool(s, 'outbound-http')?.size === 0,
    );
    expect(w.pool(emptied, 'scratch')!.destroyed).toBe(2);
    w.off();

    await m.detach({ targetId: t.id });
    await expect(m.emergencyCleanup({ targetId: t.id })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
    const stats = await m.getCleanupStats({});
    expect(stats.succeeded).toBeGreaterThan(0);
    expect(stats.successRate).not.toBeNull();
  });

  it('without the agent, http.globalAgent is read', async () => {
    const f = await startFixture('pool-service.mjs', { args: ['plain'] });
    const m = monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const w = watchPools(m, t.id);
    f.command('load 4');
    await f.waitFor(/^loaded 4/m);
    const busy = await w.until(
      'http.globalAgent with sockets in use',
      (s) => w.pool(s, 'http.globalAgent')?.inUse === 4,
    );
    expect(w.pool(busy, 'http.globalAgent')).toMatchObject({
      kind: 'http-agent',
      source: 'global',
      max: null, // maxSockets is Infinity by default
      waiting: 0,
    });
    // Only the agents the target loaded itself are read: https was never loaded.
    expect(w.pool(busy, 'https.globalAgent')).toBeUndefined();
    f.command('release');
    await f.waitFor(/^released/m);
    await w.until('global agent quiet, still listed', (s) => {
      const p = w.pool(s, 'http.globalAgent');
      return p !== undefined && p.inUse === 0;
    });
    w.off();
  });

  it('rejects bad arguments with a clear error', async () => {
    const f = await startFixture('idle.js');
    const m = monitor();
    const t = await m.attach({ port: f.port! });
    await expect(m.getPools({ targetId: t.id, fromMs: Number.NaN })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    await expect(m.getPools({ targetId: '' })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    expect(await m.getPools({ targetId: t.id })).toEqual(expect.any(Array));
  });

  it('resdash watch --json prints {type:"pool"} lines; resdash cleanup releases idle', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BIN, 'watch', `:${f.port}`, '--json', '--duration', '2500ms'],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; name?: string; kind?: string });
    expect(lines.some((l) => l.type === 'sample')).toBe(true);
    const pools = lines.filter((l) => l.type === 'pool');
    expect(pools.map((p) => p.name)).toEqual(
      expect.arrayContaining(['upstream', 'outbound-http', 'scratch']),
    );
    expect(pools.find((p) => p.name === 'upstream')).toMatchObject({
      kind: 'undici-pool',
      targetId: expect.any(String),
      timestampMs: expect.any(Number),
    });

    // resdash cleanup: the same emergency cleanup from the command line.
    const cleanup = await promisify(execFile)(
      process.execPath,
      [BIN, 'cleanup', `:${f.port}`, '--json'],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const result = JSON.parse(cleanup.stdout) as {
      gcOk: boolean;
      heapUsedBeforeBytes: number;
      pools: Array<{ name: string; supported: boolean; released: number | null }>;
    };
    expect(result.gcOk).toBe(true);
    expect(result.heapUsedBeforeBytes).toBeGreaterThan(0);
    expect(result.pools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'scratch', supported: true, released: 0 }),
        expect.objectContaining({ name: 'upstream', supported: false, released: null }),
      ]),
    );
  });
});

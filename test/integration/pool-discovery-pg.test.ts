// A pg Pool found with no code change, against a real PostgreSQL 15 server: a plain-JS
// service (no agent, no loader) holds its pool of 4 under 8 concurrent slow queries;
// after attach the pool shows within 5 s as pg / discovered with size 4, in use 4 and
// callers waiting, raises the pool saturation alert and is on /metrics. The server is
// ended by its pid and its folder removed. Skipped, with the reason printed, where the
// PostgreSQL binaries are absent.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { PoolSample } from '../../src/shared/pool-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { validateExposition } from './exposition-validator';
import { scrape, series } from './metrics-helpers';
import {
  isPidAlive,
  postgresSkipReason,
  startPostgres,
  stopAllPostgres,
  type PostgresServer,
} from './postgres-server';

const skipReason = postgresSkipReason();
if (skipReason) console.warn(`pool-discovery-pg: skipped: ${skipReason}`);

const monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await stopAllPostgres();
});
afterAll(async () => {
  await stopAllFixtures();
  await stopAllPostgres();
});

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(skipReason !== null)('a pg Pool against PostgreSQL, without the agent', () => {
  it('shows within 5 s saturated (4 of 4, callers waiting), alerts, and is on /metrics', async () => {
    const pg: PostgresServer = await startPostgres('resdash_orders');
    const f = await startFixture('pg-pool-service.mjs', {
      env: {
        PGHOST: pg.host,
        PGPORT: String(pg.port),
        PGDATABASE: pg.database,
        PGUSER: pg.user,
      },
    });
    // 8 queries of 60 s on 4 connections: 4 run, 4 wait, for longer than this test.
    f.command('load 8 60');
    await f.waitFor(/^saturated 8/m);

    const m = createMonitor({ recording: false });
    monitors.push(m);
    const metrics = await m.startMetrics({ port: 0 });
    const name = `pg 127.0.0.1:${pg.port}/resdash_orders`;
    let appearedAt: number | null = null;
    const seen: PoolSample[] = [];
    m.on('pools', (b) => {
      for (const s of b.samples) {
        seen.push(s);
        if (appearedAt === null && s.pools.some((p) => p.name === name)) appearedAt = Date.now();
      }
    });
    const attachedAt = Date.now();
    const t = await m.attach({ port: f.port!, intervalMs: 1000 });

    const pool = await waitUntil('the pg pool, saturated', () =>
      seen
        .flatMap((s) => s.pools)
        .find((p) => p.name === name && p.size === 4 && p.inUse === 4 && p.waiting > 0),
    );
    expect(pool).toMatchObject({
      kind: 'pg',
      source: 'discovered',
      size: 4,
      max: 4,
      inUse: 4,
      idle: 0,
      waiting: 4,
    });
    // Nothing else was made from it: one pool, once.
    expect(seen.at(-1)!.pools.filter((p) => p.kind === 'pg')).toHaveLength(1);

    const alert = await waitUntil('the pool saturation alert', async () =>
      (await m.getAlerts({ targetId: t.id, activeOnly: true })).find(
        (a) => a.rule === 'pool-saturation' && a.subject === name,
      ),
    );
    expect(alert.value).toBeGreaterThanOrEqual(90);

    const labels = { target: t.id, pool: name };
    const families = await waitUntil('the pool on /metrics', async () => {
      const res = await scrape(metrics.url!);
      if (res.status !== 200) return null;
      const fams = validateExposition(res.body);
      return series(fams, 'db_client_connection_count', { ...labels, state: 'used' }) ? fams : null;
    });
    expect(
      series(families, 'db_client_connection_count', { ...labels, state: 'used' })?.value,
    ).toBe(4);
    expect(
      series(families, 'db_client_connection_count', { ...labels, state: 'idle' })?.value,
    ).toBe(0);
    expect(series(families, 'db_client_connection_max', labels)?.value).toBe(4);
    expect(series(families, 'db_client_connection_pending_requests', labels)?.value).toBe(4);

    // The goal, measured from the attach call to the read that first listed the pool.
    expect(appearedAt).not.toBeNull();
    expect(appearedAt! - attachedAt).toBeLessThanOrEqual(5_000);

    await m.detach({ targetId: t.id });
    await f.stop();
    await pg.stop();
    expect(isPidAlive(pg.pid)).toBe(false);
    expect(existsSync(pg.dir)).toBe(false);
  }, 90_000);
});

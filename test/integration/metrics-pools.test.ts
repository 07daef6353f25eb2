// Pool series on the Prometheus endpoint, scraped over HTTP from real processes whose
// pools are held steady: db_client_connection_* per pool (OpenTelemetry
// db.client.connection.* in Prometheus form) must carry what the monitor read, for
// agent-tracked pools and for the global HTTP pools read without the agent.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { PoolSample, PoolStats } from '../../src/shared/pool-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { validateExposition, type ParsedFamily } from './exposition-validator';
import {
  scrape,
  series,
  startMetricsCli,
  stopAllMetricsClis,
  waitUntil,
  type MetricsCli,
} from './metrics-helpers';

const monitors: Monitor[] = [];
afterEach(async () => {
  await stopAllMetricsClis();
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(async () => {
  await stopAllMetricsClis();
  await stopAllFixtures();
});

type Held = Record<string, Pick<PoolStats, 'kind' | 'inUse' | 'idle' | 'waiting' | 'max'>>;

// pool-service.mjs (agent) after `load 6`: every pool full, the rest waiting.
const AGENT_HELD: Held = {
  upstream: { kind: 'undici-pool', inUse: 4, idle: 0, waiting: 2, max: 4 },
  'outbound-http': { kind: 'http-agent', inUse: 3, idle: 0, waiting: 3, max: 3 },
  scratch: { kind: 'object-pool', inUse: 2, idle: 0, waiting: 4, max: 2 },
};
// global-pools-service.mjs after `load 3`: two sockets each, one waiter each.
const GLOBAL_HELD: Held = {
  'http.globalAgent': { kind: 'http-agent', inUse: 2, idle: 0, waiting: 1, max: 2 },
  'undici.globalDispatcher': { kind: 'undici-agent', inUse: 2, idle: 0, waiting: 1, max: 2 },
};

function isHeld(pools: readonly PoolStats[], held: Held): boolean {
  return Object.entries(held).every(([name, want]) => {
    const p = pools.find((x) => x.name === name);
    return p !== undefined && Object.entries(want).every(([k, v]) => p[k as keyof PoolStats] === v);
  });
}

/** The pool figures in a scrape, as the monitor's PoolStats fields. */
function poolFromScrape(
  families: Map<string, ParsedFamily>,
  labels: Record<string, string>,
): Record<string, number | string | undefined> {
  return {
    kind: series(families, 'db_client_connection_count', { ...labels, state: 'used' })?.labels
      .pool_kind,
    inUse: series(families, 'db_client_connection_count', { ...labels, state: 'used' })?.value,
    idle: series(families, 'db_client_connection_count', { ...labels, state: 'idle' })?.value,
    max: series(families, 'db_client_connection_max', labels)?.value,
    waiting: series(families, 'db_client_connection_pending_requests', labels)?.value,
  };
}

async function scrapeUntil(
  url: string,
  what: string,
  check: (f: Map<string, ParsedFamily>) => boolean,
): Promise<Map<string, ParsedFamily>> {
  let last = '';
  try {
    return await waitUntil(what, async () => {
      const res = await scrape(url);
      expect(res.status).toBe(200);
      last = res.body;
      const families = validateExposition(res.body);
      return check(families) ? families : null;
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}; last scrape:\n${last}`, { cause: e });
  }
}

describe('pool series on /metrics', () => {
  it('exports agent-tracked pools with the figures the monitor read (in-process exporter)', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const m = createMonitor({ recording: false });
    monitors.push(m);
    const status = await m.startMetrics({ port: 0 });
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    f.command('load 6');
    await f.waitFor(/^loaded 6/m);
    const read: PoolSample = await waitUntil('the monitor to read the held pools', async () =>
      (await m.getPools({ targetId: t.id })).findLast((s) => isHeld(s.pools, AGENT_HELD)),
    );

    // The process label is the title the dashboard gives the target (package and script).
    const base = { target: t.id, pid: String(f.pid), process: t.title };
    const families = await scrapeUntil(status.url!, 'db_client_connection_count', (fams) =>
      fams.has('db_client_connection_count'),
    );
    for (const type of [
      'db_client_connection_count',
      'db_client_connection_max',
      'db_client_connection_pending_requests',
    ]) {
      expect(families.get(type)?.type, type).toBe('gauge');
      expect(families.get(type)?.help, type).toBeTruthy();
    }
    // Every pool the monitor read is exported with its figures (held steady: exact).
    expect(read.pools.length).toBeGreaterThanOrEqual(3);
    for (const p of read.pools) {
      const got = poolFromScrape(families, { ...base, pool: p.name });
      expect(got, p.name).toEqual({
        kind: p.kind,
        inUse: p.inUse,
        idle: p.idle,
        max: p.max ?? undefined,
        waiting: p.waiting,
      });
    }
    for (const [name, want] of Object.entries(AGENT_HELD)) {
      expect(poolFromScrape(families, { ...base, pool: name }), name).toEqual(want);
    }
    const pools = new Set(
      families.get('db_client_connection_count')!.samples.map((s) => s.labels.pool),
    );
    expect(pools).toEqual(new Set(read.pools.map((p) => p.name)));

    // Released: the same series go back to idle figures, not away.
    f.command('release');
    await f.waitFor(/^released/m);
    const idle = await scrapeUntil(
      status.url!,
      'pools idle again',
      (fams) =>
        series(fams, 'db_client_connection_pending_requests', { ...base, pool: 'upstream' })
          ?.value === 0 &&
        series(fams, 'db_client_connection_count', { ...base, pool: 'upstream', state: 'used' })
          ?.value === 0,
    );
    expect(series(idle, 'db_client_connection_max', { ...base, pool: 'upstream' })?.value).toBe(4);
  });

  it('resdash metrics exports agent pools and, without the agent, http.globalAgent and the undici global dispatcher', async () => {
    const withAgent = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const plain = await startFixture('global-pools-service.mjs');
    const cli: MetricsCli = await startMetricsCli([
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '250ms',
      `:${withAgent.port}`,
      `:${plain.port}`,
    ]);
    withAgent.command('load 6');
    plain.command('load 3');
    await withAgent.waitFor(/^loaded 6/m);
    await plain.waitFor(/^loaded 3/m);

    // Titled by the package (this repository) and the script, as the dashboard lists them.
    const agentLabels = {
      pid: String(withAgent.pid),
      process: 'resource-dashboard (pool-service.mjs)',
    };
    const plainLabels = {
      pid: String(plain.pid),
      process: 'resource-dashboard (global-pools-service.mjs)',
    };
    const matches = (fams: Map<string, ParsedFamily>, labels: object, held: Held): boolean =>
      Object.entries(held).every(([name, want]) =>
        isDeepStrictEqual(poolFromScrape(fams, { ...labels, pool: name }), want),
      );
    const families = await scrapeUntil(
      cli.url,
      'the held pools of both targets',
      (fams) => matches(fams, agentLabels, AGENT_HELD) && matches(fams, plainLabels, GLOBAL_HELD),
    );
    for (const [name, want] of Object.entries(GLOBAL_HELD)) {
      expect(poolFromScrape(families, { ...plainLabels, pool: name }), name).toEqual(want);
    }
    // Each pool belongs to its own target: no agent pool on the plain process.
    expect(
      series(families, 'db_client_connection_max', { ...plainLabels, pool: 'upstream' }),
    ).toBeUndefined();
    expect(await cli.stop()).toBe(0);
  });
});

// A real Prometheus server (Debian's `prometheus`, /usr/bin/prometheus) scrapes our
// /metrics every second: the target must be up, and what PromQL returns must be what
// the dashboard read for that process and its pools. promtool lints one scrape.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { MetricsStatus } from '../../src/shared/report-model';
import type { PoolStats } from '../../src/shared/pool-model';
import type { TargetInfo } from '../../src/shared/model';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { ROOT, scrape, waitUntil } from './metrics-helpers';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const hasPrometheus = existsSync(PROMETHEUS);
const hasPromtool = existsSync(PROMTOOL);
if (!hasPrometheus) {
  console.warn(
    `prometheus.test.ts: skipped: prometheus not installed (${PROMETHEUS}; apt-get install prometheus)`,
  );
}
if (!hasPromtool) {
  console.warn(`prometheus.test.ts: promtool lint skipped: promtool not installed (${PROMTOOL})`);
}

/**
 * What promtool may report and why we keep it: OpenTelemetry names the pool gauge
 * db.client.connection.count (an UpDownCounter), whose Prometheus form ends in _count;
 * promtool's naming lint expects _count only on histograms and summaries.
 */
const ACCEPTED_LINT = new Set([
  'db_client_connection_count non-histogram and non-summary metrics should not have "_count" suffix',
]);

// pool-service.mjs (agent) after `load 6`: every pool full, the rest waiting.
const HELD: Record<string, { inUse: number; idle: number; waiting: number; max: number }> = {
  upstream: { inUse: 4, idle: 0, waiting: 2, max: 4 },
  'outbound-http': { inUse: 3, idle: 0, waiting: 3, max: 3 },
  scratch: { inUse: 2, idle: 0, waiting: 4, max: 2 },
};

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(
  cmd: string,
  args: string[],
  input: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

describe.skipIf(!hasPrometheus)(
  hasPrometheus
    ? 'a real Prometheus server scraping resdash metrics'
    : 'a real Prometheus server scraping resdash metrics (skipped: prometheus not installed)',
  () => {
    let dir: string;
    let fixture: Fixture;
    let monitor: Monitor;
    let target: TargetInfo;
    let metrics: MetricsStatus;
    let prometheus: ChildProcess | null = null;
    let prometheusExited: Promise<void> = Promise.resolve();
    let promLog = '';
    let promUrl: string;

    async function query(q: string): Promise<PromResult[]> {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: PromResult[] };
      };
      expect(body.status, body.error).toBe('success');
      expect(body.data!.resultType).toBe('vector');
      return body.data!.result;
    }

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-prometheus-'));
      fixture = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
      monitor = createMonitor({ recording: false });
      metrics = await monitor.startMetrics({ host: '127.0.0.1', port: 0 });
      target = await monitor.attach({ port: fixture.port!, intervalMs: 250 });
      fixture.command('load 6');
      await fixture.waitFor(/^loaded 6/m);

      const config = path.join(dir, 'prometheus.yml');
      await writeFile(
        config,
        [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          '  - job_name: resdash',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${metrics.port}']`,
          '',
        ].join('\n'),
      );
      const promPort = await freePort();
      promUrl = `http://127.0.0.1:${promPort}`;
      const child = spawn(
        PROMETHEUS,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
      );
      prometheus = child;
      prometheusExited = new Promise((r) => child.once('exit', () => r()));
      child.stdout!.on('data', (b: Buffer) => (promLog += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (promLog += b.toString()));
      try {
        await waitUntil(
          'prometheus to be ready',
          async () => {
            if (child.exitCode !== null) throw new Error(`prometheus exited: ${promLog}`);
            return (await fetch(`${promUrl}/-/ready`).catch(() => null))?.ok;
          },
          45_000,
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${promLog.slice(-4000)}`, { cause: e });
      }
    });

    afterAll(async () => {
      const child = prometheus;
      if (child && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 15_000);
        await prometheusExited;
        clearTimeout(timer);
      }
      await monitor?.dispose();
      await stopAllFixtures();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('scrapes the target (up, two scrapes or more) through the Host check', async () => {
      const active = await waitUntil('the resdash target to be up', async () => {
        const res = await fetch(`${promUrl}/api/v1/targets`);
        const body = (await res.json()) as {
          data: {
            activeTargets: Array<{
              scrapePool: string;
              scrapeUrl: string;
              health: string;
              lastError: string;
            }>;
          };
        };
        const t = body.data.activeTargets.find((x) => x.scrapePool === 'resdash');
        return t?.health === 'up' ? t : null;
      });
      expect(active.scrapeUrl).toBe(metrics.url);
      expect(active.lastError).toBe('');
      // Two scrapes at least, every one of them successful.
      await waitUntil('two scrapes', async () => {
        const r = await query('count_over_time(up{job="resdash"}[1m])');
        return r.length === 1 && Number(r[0]!.value[1]) >= 2;
      });
      const failed = await query('count_over_time((up{job="resdash"} == 0)[1m:1s])');
      expect(failed).toEqual([]);
    });

    it('returns the heap the dashboard read for that process', async () => {
      const result = await waitUntil('nodejs_heap_size_used_bytes in Prometheus', async () => {
        const r = await query(`nodejs_heap_size_used_bytes{job="resdash",target="${target.id}"}`);
        return r.length > 0 ? r : null;
      });
      expect(result).toHaveLength(1);
      const { metric, value } = result[0]!;
      expect(metric).toMatchObject({
        target: target.id,
        pid: String(fixture.pid),
        process: target.title,
        instance: `127.0.0.1:${metrics.port}`,
      });
      const heap = Number(value[1]);
      // The value Prometheus stored is one of the samples the dashboard took (the heap
      // moves between samples; each exported figure is a sample's, not a new reading).
      const history = await monitor.getHistory({ targetId: target.id });
      const heaps = history.map((s) => s.heapUsedBytes).filter((h): h is number => h !== null);
      expect(heaps).toContain(heap);
      // And it is in the range the dashboard shows for this process.
      expect(heap).toBeGreaterThanOrEqual(Math.min(...heaps));
      expect(heap).toBeLessThanOrEqual(Math.max(...heaps));
      const limit = await query(`nodejs_heap_size_limit_bytes{target="${target.id}"}`);
      expect(Number(limit[0]!.value[1])).toBe(history.at(-1)!.heapLimitBytes);
    });

    it('returns the pool figures the dashboard read, per pool label', async () => {
      const read = await waitUntil('the monitor to read the held pools', async () =>
        (await monitor.getPools({ targetId: target.id })).findLast((s) =>
          Object.entries(HELD).every(([name, want]) => {
            const p = s.pools.find((x) => x.name === name);
            return p && Object.entries(want).every(([k, v]) => p[k as keyof PoolStats] === v);
          }),
        ),
      );
      // Prometheus may still hold a scrape from before the load: wait for a held one.
      const sel = `{job="resdash",target="${target.id}"}`;
      const used = await waitUntil('the held pools in Prometheus', async () => {
        const r = await query(`db_client_connection_count${sel.replace('}', ',state="used"}')}`);
        const upstream = r.find((x) => x.metric.pool === 'upstream');
        return upstream && Number(upstream.value[1]) === HELD.upstream!.inUse ? r : null;
      });
      const idle = await query(`db_client_connection_count${sel.replace('}', ',state="idle"}')}`);
      const max = await query(`db_client_connection_max${sel}`);
      const pending = await query(`db_client_connection_pending_requests${sel}`);
      const byPool = (rs: PromResult[]) =>
        Object.fromEntries(rs.map((x) => [x.metric.pool!, Number(x.value[1])]));
      const kinds = Object.fromEntries(used.map((x) => [x.metric.pool!, x.metric.pool_kind]));

      const expected = (pick: (p: PoolStats) => number | null) =>
        Object.fromEntries(
          read.pools.filter((p) => pick(p) !== null).map((p) => [p.name, pick(p)]),
        );
      expect(byPool(used)).toEqual(expected((p) => p.inUse));
      expect(byPool(idle)).toEqual(expected((p) => p.idle));
      expect(byPool(max)).toEqual(expected((p) => p.max));
      expect(byPool(pending)).toEqual(expected((p) => p.waiting));
      expect(kinds).toEqual(Object.fromEntries(read.pools.map((p) => [p.name, p.kind])));
      for (const [name, want] of Object.entries(HELD)) {
        expect(byPool(used)[name], name).toBe(want.inUse);
        expect(byPool(pending)[name], name).toBe(want.waiting);
        expect(byPool(max)[name], name).toBe(want.max);
      }
      // PromQL over the pool label works as a dashboard would use it.
      const saturation = await query(
        `db_client_connection_count${sel.replace('}', ',state="used"}')} / ignoring(state) db_client_connection_max${sel}`,
      );
      expect(byPool(saturation).upstream).toBe(1);
    });

    it('runs every query of the shipped Grafana dashboard, each with data', async () => {
      const file = path.join(ROOT, 'resources/grafana-dashboard.json');
      const dashboard = JSON.parse(await readFile(file, 'utf8')) as {
        panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
      };
      const exprs = dashboard.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
      );
      expect(exprs.length).toBeGreaterThan(10);
      // The data must have reached Prometheus (the pools test waits for held pools).
      await waitUntil('two scrapes', async () => {
        const r = await query('count_over_time(up{job="resdash"}[1m])');
        return r.length === 1 && Number(r[0]!.value[1]) >= 2;
      });
      for (const { panel, expr } of exprs) {
        const q = expr
          .replaceAll('$target', target.id)
          .replaceAll('$process', '.*')
          .replaceAll('$pool', '.*')
          .replaceAll('$__rate_interval', '1m');
        const result = await query(q);
        expect(result.length, `${panel}: ${q}`).toBeGreaterThan(0);
      }
    });

    it.skipIf(!hasPromtool)(
      hasPromtool
        ? 'promtool check metrics finds nothing wrong in a scrape'
        : 'promtool check metrics (skipped: promtool not installed)',
      async () => {
        const res = await waitUntil('a scrape with pools', async () => {
          const r = await scrape(metrics.url!);
          return r.body.includes('db_client_connection_pending_requests') ? r : null;
        });
        expect(res.status).toBe(200);
        const { code, output } = await run(PROMTOOL, ['check', 'metrics'], res.body);
        const problems = output
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        expect(problems.filter((p) => !ACCEPTED_LINT.has(p))).toEqual([]);
        // promtool exits 3 for lint findings, 1 for a parse error: never a parse error.
        expect(problems.length === 0 ? code : 3).toBe(code);
      },
    );
  },
);

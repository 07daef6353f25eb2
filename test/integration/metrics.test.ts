// The Prometheus endpoint against real processes, checked by a strict validator of the
// text exposition format 0.0.4 written from the spec (exposition-validator.ts; promtool
// lints the same text in prometheus.test.ts where it is installed).
import { spawn } from 'node:child_process';
import net from 'node:net';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { MetricsExporter } from '../../src/monitor/metrics/metrics-exporter';
import type { MonitorApi } from '../../src/shared/contract';
import { ErrorCodes } from '../../src/shared/errors';
import type { Sample, TargetInfo } from '../../src/shared/model';
import { FIXTURES_DIR, startFixture, stopAllFixtures } from '../fixtures/harness';
import { validateExposition, type ParsedFamily } from './exposition-validator';
import { scrape, series, startMetricsCli, stopAllMetricsClis, waitUntil } from './metrics-helpers';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ---- tests --------------------------------------------------------------------------

let dir: string;
const monitors: Monitor[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-metrics-'));
});
afterEach(async () => {
  await stopAllMetricsClis();
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exposition validator', () => {
  it('rejects what the format forbids', () => {
    const bad = [
      'a 1', // no final line feed
      '# TYPE a gauge\n# TYPE a gauge\na 1\n',
      'a{l="x\\q"} 1\n',
      'a 1\nb 2\na{x="1"} 3\n',
      'a one\n',
      'a{l="1",l="2"} 1\n',
      'a 1\na 2\n',
      '# TYPE s summary\ns 1\n',
      '# TYPE a gauge\na{__x="1"} 1\n',
    ];
    for (const text of bad) expect(() => validateExposition(text), text).toThrow();
    const ok = validateExposition(
      '# HELP a x \\\\ y\n# TYPE a gauge\na{l="q\\"\\n\\\\"} +Inf\n# TYPE s summary\ns_sum 1\ns_count 2\n',
    );
    expect(ok.get('a')!.samples[0]!.labels.l).toBe('q"\n\\');
    expect(ok.get('s')!.samples).toHaveLength(2);
  });
});

describe('metrics endpoint', () => {
  it('serves valid exposition text with the expected series for a real process', async () => {
    // A script whose name needs label escaping: the process label comes from it.
    const script = path.join(dir, 'we"ird\\name.js');
    await copyFile(path.join(FIXTURES_DIR, 'idle.js'), script);
    const fixture = await startFixture(script);
    const monitor = createMonitor({ recording: false });
    monitors.push(monitor);
    const status = await monitor.startMetrics({ port: 0 });
    expect(status.listening).toBe(true);
    expect(status.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const t = await monitor.attach({ port: fixture.port!, intervalMs: 200 });
    fixture.command('alloc 8');
    await fixture.waitFor(/allocated 8/);

    let families: Map<string, ParsedFamily>;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await fetch(status.url!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      families = validateExposition(await res.text());
      const minor = families
        .get('nodejs_gc_duration_seconds')
        ?.samples.find((s) => s.name.endsWith('_count') && s.labels.kind === 'minor');
      if ((minor?.value ?? 0) > 0 || Date.now() > deadline) break;
      // A fresh young generation may hold 8 MB without a scavenge: make more garbage.
      fixture.command('free');
      fixture.command('alloc 8');
      await new Promise((r) => setTimeout(r, 200));
    }
    const expected: Record<string, string> = {
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_heap_size_total_bytes: 'gauge',
      nodejs_external_memory_bytes: 'gauge',
      nodejs_eventloop_lag_p50_seconds: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      nodejs_eventloop_lag_max_seconds: 'gauge',
      nodejs_gc_duration_seconds: 'summary',
      nodejs_active_resources: 'gauge',
      process_open_fds: 'gauge',
      process_cpu_utilization_ratio: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) {
      const f = families.get(name);
      expect(f, name).toBeDefined();
      expect(f!.type).toBe(type);
      expect(f!.help).toBeTruthy();
      for (const s of f!.samples) {
        expect(s.labels).toMatchObject({
          target: t.id,
          pid: String(fixture.pid),
          process: 'we"ird\\name.js',
        });
      }
    }
    const heap = families.get('nodejs_heap_size_used_bytes')!.samples[0]!.value;
    expect(heap).toBeGreaterThan(8 * 1024 * 1024);
    const minorCount = families
      .get('nodejs_gc_duration_seconds')!
      .samples.find(
        (s) => s.name === 'nodejs_gc_duration_seconds_count' && s.labels.kind === 'minor',
      )!;
    expect(minorCount.value).toBeGreaterThan(0);
    expect(
      families.get('nodejs_active_resources')!.samples.some((s) => s.labels.type === 'Timeout'),
    ).toBe(true);

    // Loopback only, a taken port is one clear error, and stop closes the socket.
    await expect(monitor.startMetrics({ port: 9464, host: '0.0.0.0' })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
    const other = createMonitor({ recording: false });
    monitors.push(other);
    await expect(other.startMetrics({ port: status.port! })).rejects.toMatchObject({
      code: ErrorCodes.PORT_TAKEN,
    });
    expect(await monitor.stopMetrics({})).toEqual({ listening: false, url: null, port: null });
    await expect(fetch(status.url!)).rejects.toThrow();
  });

  it('exports pools with the OpenTelemetry db.client.connection meanings', async () => {
    const info: TargetInfo = {
      id: 'target-1',
      pid: 1,
      title: 'svc',
      command: 'node svc',
      port: 1,
      status: 'attached',
      attachedAtMs: 0,
      intervalMs: 1000,
      warnings: [],
    };
    const listeners = new Map<string, (p: unknown) => void>();
    const source = {
      listTargets: async () => [info],
      getHistory: async () => [] as Sample[],
      on: (event: string, l: (p: unknown) => void) => {
        listeners.set(event, l);
        return () => listeners.delete(event);
      },
    } as unknown as Pick<MonitorApi, 'listTargets' | 'getHistory' | 'on'>;
    const exporter = new MetricsExporter(source);
    listeners.get('pools')!({
      targetId: 'target-1',
      samples: [
        {
          timestampMs: 1,
          pools: [
            { name: 'db "main"', kind: 'pg', size: 5, max: 10, inUse: 3, idle: 2, waiting: 4 },
          ],
        },
      ],
    });
    const families = validateExposition(await exporter.render());
    const count = families.get('db_client_connection_count')!;
    expect(count.type).toBe('gauge');
    expect(count.samples.map((s) => [s.labels.state, s.labels.pool, s.value])).toEqual([
      ['used', 'db "main"', 3],
      ['idle', 'db "main"', 2],
    ]);
    expect(families.get('db_client_connection_max')!.samples[0]!.value).toBe(10);
    expect(families.get('db_client_connection_pending_requests')!.samples[0]!.value).toBe(4);
    await exporter.dispose();
  });

  it('resdash metrics --listen serves until Ctrl-C and refuses a non-loopback address', async () => {
    const fixture = await startFixture('idle.js');
    const bin = path.join(ROOT, 'bin/resdash.js');
    const child = spawn(
      process.execPath,
      [bin, 'metrics', '--listen', '127.0.0.1:0', '--interval', '200ms', `:${fixture.port}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /http:\/\/\S+\/metrics/.exec(out);
          if (m) resolve(m[0]);
        });
        child.once('exit', () => reject(new Error(`metrics exited: ${out}`)));
      });
      let text = '';
      for (let i = 0; i < 50 && !text.includes('nodejs_heap_size_used_bytes'); i++) {
        text = await (await fetch(url)).text();
        await new Promise((r) => setTimeout(r, 100));
      }
      const families = validateExposition(text);
      expect(families.get('nodejs_heap_size_used_bytes')!.samples[0]!.labels.pid).toBe(
        String(fixture.pid),
      );
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const refused = spawn(process.execPath, [bin, 'metrics', '--listen', '0.0.0.0:9464', ':1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    refused.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => refused.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toContain('loopback only');
  });

  it('resdash metrics --listen 127.0.0.1:0 binds a free port and prints the URL with it', async () => {
    const fixture = await startFixture('idle.js');
    const cli = await startMetricsCli(['--listen', '127.0.0.1:0', `:${fixture.port}`]);
    const m = /^http:\/\/127\.0\.0\.1:(\d+)\/metrics$/.exec(cli.url);
    expect(m, cli.url).not.toBeNull();
    const port = Number(m![1]);
    expect(port).toBeGreaterThan(0);
    expect(cli.stderr()).toContain(`resdash: metrics on http://127.0.0.1:${port}/metrics`);
    expect(cli.stdout().trim()).toBe(cli.url);
    const text = await waitUntil('a heap series', async () => {
      const res = await scrape(cli.url);
      return res.status === 200 && res.body.includes('nodejs_heap_size_used_bytes')
        ? res.body
        : null;
    });
    expect(
      series(validateExposition(text), 'nodejs_heap_size_used_bytes', { pid: String(fixture.pid) }),
    ).toBeDefined();
    // The same DNS-rebinding guard as the in-process endpoint.
    const foreign = await scrape(cli.url, 'evil.example');
    expect(foreign.status).toBe(421);
    expect(foreign.body).not.toContain(String(fixture.pid));
    expect(await cli.stop()).toBe(0);
  });

  it('answers only for loopback Host names with its own port (DNS rebinding)', async () => {
    const fixture = await startFixture('idle.js');
    const monitor = createMonitor({ recording: false });
    monitors.push(monitor);
    const status = await monitor.startMetrics({ port: 0 });
    await monitor.attach({ port: fixture.port!, intervalMs: 200 });
    const port = status.port!;
    await waitUntil('a heap series', async () =>
      (await scrape(status.url!)).body.includes('nodejs_heap_size_used_bytes'),
    );

    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `127.0.0.1:${port + 1 > 65_535 ? port - 1 : port + 1}`,
      '127.0.0.1',
    ]) {
      const res = await scrape(status.url!, host);
      expect(res.status, host).toBe(421);
      expect(res.body, host).toContain(ErrorCodes.UNAUTHORIZED);
      expect(res.body, host).not.toContain('pid=');
      expect(res.body, host).not.toContain('nodejs_');
      expect(res.body, host).not.toContain(String(fixture.pid));
    }
    // Also on other paths: nothing is answered for a foreign name.
    expect((await scrape(`http://127.0.0.1:${port}/`, 'evil.example')).status).toBe(421);
    // HTTP/1.0 without any Host header.
    const bare = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.end('GET /metrics HTTP/1.0\r\n\r\n'));
      let got = '';
      sock.setEncoding('utf8');
      sock.on('data', (c: string) => (got += c));
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    expect(bare).toMatch(/^HTTP\/1\.[01] 421 /);
    expect(bare).not.toContain('nodejs_');

    // What a Prometheus server (or a browser on our own origin) sends is answered.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const res = await scrape(status.url!, host);
      expect(res.status, host).toBe(200);
      expect(res.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      const families = validateExposition(res.body);
      expect(
        series(families, 'nodejs_heap_size_used_bytes', { pid: String(fixture.pid) }),
        host,
      ).toBeDefined();
    }
  });
});

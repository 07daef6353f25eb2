// The Prometheus endpoint against real processes, checked by a strict validator of the
// text exposition format 0.0.4 written from the spec (no parser is installed here and
// promtool would add a ~100 MB package to CI).
import { spawn } from 'node:child_process';
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

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ---- a strict validator of the text format ------------------------------------------

interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface ParsedFamily {
  type: string;
  help: string | null;
  samples: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|NaN)$/;

function parseValue(text: string, where: string): number {
  if (!FLOAT.test(text) || text === '-NaN' || text === '+NaN')
    throw new Error(`${where}: bad value ${text}`);
  return text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
}

function unescape(text: string, allowed: string, where: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => {
    if (!allowed.includes(c)) throw new Error(`${where}: bad escape \\${c}`);
    return c === 'n' ? '\n' : c;
  });
}

function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const [suffix, types] of [
    ['_sum', ['summary', 'histogram']],
    ['_count', ['summary', 'histogram']],
    ['_bucket', ['histogram']],
  ] as const) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (types as readonly string[]).includes(f.type)) return base;
    }
  }
  return name;
}

export function validateExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | null = null;
  const open = (name: string, where: string): ParsedFamily => {
    if (current !== name) {
      if (closed.has(name)) throw new Error(`${where}: family ${name} is not contiguous`);
      if (current) closed.add(current);
      current = name;
    }
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: 'untyped', help: null, samples: [] }));
    return f;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`${where}: bad metric name ${name}`);
      const f = open(name!, where);
      if (kind === 'HELP') {
        if (f.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        f.help = unescape(rest, '\\n', where);
      } else {
        if (!TYPES.has(rest)) throw new Error(`${where}: bad type ${rest}`);
        if (f.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${name}`);
        if (f.type !== 'untyped' || (families.get(name!) as { typed?: boolean }).typed)
          throw new Error(`${where}: second TYPE for ${name}`);
        f.type = rest;
        (f as { typed?: boolean }).typed = true;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample line: ${line}`);
    const [, name, , body = '', value] = m;
    const labels: Record<string, string> = {};
    let rest = body;
    while (rest.length > 0) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,?)/.exec(rest);
      if (!lm) throw new Error(`${where}: bad labels {${body}}`);
      const [all, lname, lvalue, comma] = lm;
      if (!LABEL_NAME.test(lname!) || lname!.startsWith('__'))
        throw new Error(`${where}: bad label name ${lname}`);
      if (lname! in labels) throw new Error(`${where}: duplicate label ${lname}`);
      labels[lname!] = unescape(lvalue!, '\\"n', where);
      rest = rest.slice(all.length);
      if (!comma && rest.length > 0) throw new Error(`${where}: labels not comma-separated`);
    }
    const fname = familyOf(name!, families);
    const f = open(fname, where);
    if (f.type === 'summary' && name === fname && !('quantile' in labels))
      throw new Error(`${where}: summary sample without quantile`);
    const key = `${name}{${Object.entries(labels)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push({ name: name!, labels, value: parseValue(value!, where) });
  });
  return families;
}

// ---- tests --------------------------------------------------------------------------

let dir: string;
const monitors: Monitor[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-metrics-'));
});
afterEach(async () => {
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
});

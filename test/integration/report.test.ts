// Reports from a recording of a real fixture: KPIs and charts present, no network
// references, hostile command-line text escaped (F23); the CLI writes HTML and JSON.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/index';
import type { ReportData } from '../../src/shared/report-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/resdash.js');
export const HOSTILE = '</script><img src=x onerror=alert(1)>"\'&';

let dir: string;
let recordingFile: string;
let pid: number;

/** Every way a page could reach the network: src/href/action to http(s), @import, url(). */
export function networkReferences(html: string): string[] {
  const patterns = [
    /\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//gi,
    /@import/gi,
    /url\(\s*["']?\s*(?:https?:)?\/\//gi,
    /<script\b/gi,
    /<link\b/gi,
    /<iframe\b/gi,
  ];
  return patterns.flatMap((re) => html.match(re) ?? []);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-report-'));
  const fixture = await startFixture('idle.js', { args: [HOSTILE] });
  pid = fixture.pid;
  const monitor = createMonitor({ recording: { dataDir: dir, flushIntervalMs: 200 } });
  try {
    const t = await monitor.attach({ port: fixture.port!, intervalMs: 200 });
    const deadline = Date.now() + 30_000;
    while ((await monitor.getHistory({ targetId: t.id })).length < 8 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await monitor.detach({ targetId: t.id });
  } finally {
    await monitor.dispose();
  }
  const { readdir } = await import('node:fs/promises');
  recordingFile = path.join(
    dir,
    (await readdir(dir)).find((f) => f.endsWith('.ndjson'))!,
  );
});

afterAll(async () => {
  await stopAllFixtures();
  await rm(dir, { recursive: true, force: true });
});

function resdash(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('report', () => {
  it('resdash report --from writes one self-contained HTML file with KPIs and charts', async () => {
    const out = path.join(dir, 'report.html');
    const r = resdash(['report', '--from', recordingFile, '-o', out]);
    expect(r.stderr).toContain('wrote');
    expect(r.status).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:/,
    );
    expect(networkReferences(html)).toEqual([]);
    expect(html).toContain(`<dd>${pid}</dd>`);
    for (const kpi of [
      'Peak RSS',
      'Peak heap used',
      'CPU avg / peak',
      'Event-loop p99 max',
      'GC count',
    ])
      expect(html).toContain(`data-kpi="${kpi}"`);
    expect(html).toMatch(
      /data-kpi="Samples"><div class="kpi-title">Samples<\/div><div class="kpi-value">([89]|\d\d+)</,
    );
    // Memory, CPU, event loop and GC charts, each with a drawn line.
    expect(html.match(/<svg class="chart"/g)).toHaveLength(4);
    for (const title of ['Memory', 'CPU', 'Event-loop delay', 'Garbage collection'])
      expect(html).toContain(`<figcaption>${title}`);
    expect(html.match(/<path d="M/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('@media print');
    expect(html).toContain('data-section="recommendations"');
  });

  it('escapes a hostile command line everywhere in the report (F23)', async () => {
    const r = resdash(['report', '--from', recordingFile]);
    expect(r.status).toBe(0);
    const html = r.stdout;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  });

  it('--json writes the documented schema with the same figures', async () => {
    const r = resdash(['report', '--from', recordingFile, '--json']);
    expect(r.status).toBe(0);
    const data = JSON.parse(r.stdout) as ReportData;
    expect(data.reportVersion).toBe(1);
    expect(data.source).toEqual({ kind: 'recording', path: path.basename(recordingFile) });
    expect(data.target.pid).toBe(pid);
    expect(data.target.command).toContain(HOSTILE);
    expect(data.kpis.sampleCount).toBe(data.samples.length);
    expect(data.kpis.sampleCount).toBeGreaterThanOrEqual(8);
    expect(data.kpis.peakRssBytes).toBeGreaterThan(0);
    expect(data.range.fromMs).toBeLessThanOrEqual(data.samples[0]!.timestampMs);
    expect(data.recommendations.length).toBeGreaterThan(0);
    expect(typeof data.events).toBe('object');
  });

  it('fails with one clear line for a file that is not a recording, and for missing arguments', () => {
    const bad = resdash(['report', '--from', path.join(ROOT, 'package.json')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('MONITOR_ERR_RECORDING_INVALID');
    const none = resdash(['report']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('MONITOR_ERR_BAD_ARGUMENT');
  });

  it('resdash report TARGET --duration reports a live process', async () => {
    const fixture = await startFixture('idle.js');
    const out = path.join(dir, 'live.json');
    const r = resdash([
      'report',
      `:${fixture.port}`,
      '--duration',
      '1500ms',
      '--interval',
      '250ms',
      '--json',
      '-o',
      out,
    ]);
    expect(r.status).toBe(0);
    const data = JSON.parse(await readFile(out, 'utf8')) as ReportData;
    expect(data.source.kind).toBe('live');
    expect(data.target.pid).toBe(fixture.pid);
    expect(data.kpis.sampleCount).toBeGreaterThanOrEqual(2);
  });

  it('a live report carries the pools and alerts the dashboard saw (one truth)', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    f.command('load 10');
    await f.waitFor(/^loaded 10/m);
    const out = path.join(dir, 'live-pools.json');
    const r = resdash([
      'report',
      `:${f.port}`,
      '--duration',
      '4s',
      '--interval',
      '250ms',
      '--json',
      '-o',
      out,
    ]);
    expect(r.stderr).not.toMatch(/\(MONITOR_ERR/);
    expect(r.status).toBe(0);
    const data = JSON.parse(await readFile(out, 'utf8')) as ReportData;
    const reads = data.events.pools ?? [];
    expect(reads.length).toBeGreaterThanOrEqual(2);
    const names = new Set(
      reads
        .flatMap((e) => (e.data as { samples: { pools: { name: string }[] }[] }).samples)
        .flatMap((s) => s.pools.map((p) => p.name)),
    );
    expect(names).toContain('upstream');
    const raised = (data.events.alert ?? []).filter(
      (e) => (e.data as { change: string; alert: { rule: string } }).change === 'raised',
    );
    expect(raised.map((e) => (e.data as { alert: { rule: string } }).alert.rule)).toContain(
      'pool-saturation',
    );
    const text = data.recommendations.map((x) => x.text).join('\n');
    expect(text).toMatch(/alert\(s\) fired in this range/);
    expect(text).not.toMatch(/No resource problem stands out/);
  });
});

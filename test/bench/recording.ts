// Recording size and report cost.
//  1. Size per target per hour at 1 Hz, simulated: 3600 samples shaped like a real
//     fixture's sample (plus the pools event every session emits each sample) fed through
//     the real 'recording' feature. Goal: under 5 MB.
//  2. Size of a real recording of --real-seconds (default 60) at 1 Hz, extrapolated to
//     an hour, with every default feature running (alerts, leaks, pools, …).
//  3. Report generation from one hour of history (read + build + render HTML), against
//     reading the same recording in the same run: medians of --runs (default 7) and the
//     ratio. Goal: under 2 s.
// Run: node --import tsx test/bench/recording.ts [--real-seconds 60] [--runs 7]
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMonitor } from '../../src/monitor/index';
import type { SessionContext } from '../../src/monitor/features';
import { readRecording } from '../../src/monitor/recording/reader';
import { RecordingFeature } from '../../src/monitor/recording/recording-feature';
import { buildReport } from '../../src/monitor/report/build-report';
import { renderReportHtml } from '../../src/monitor/report/render-html';
import { reportFromRecording } from '../../src/monitor/report/report-requests';
import type { EventName } from '../../src/shared/contract';
import type { Sample, TargetInfo } from '../../src/shared/model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { arg, median, sleep } from './util';

const MB = 1024 * 1024;
const realSeconds = arg('real-seconds', 60);
const runs = arg('runs', 7);
const dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-bench-recording-'));

async function dirBytes(d: string): Promise<number> {
  let n = 0;
  for (const f of await readdir(d)) n += (await stat(path.join(d, f))).size;
  return n;
}

try {
  // ---- a real fixture: its sample and pools payload are the template -------------
  const fixture = await startFixture('idle.js');
  const realDir = path.join(dir, 'real');
  const monitor = createMonitor({ recording: { dataDir: realDir } });
  const pools: unknown[] = [];
  monitor.on('pools' as EventName, (p: unknown) => pools.push(p));
  const t = await monitor.attach({ port: fixture.port!, intervalMs: 1000 });
  console.log(`real recording: ${realSeconds} s at 1 Hz of ${t.title} (pid ${t.pid})…`);
  await sleep(realSeconds * 1000);
  const history = await monitor.getHistory({ targetId: t.id });
  await monitor.detach({ targetId: t.id });
  await monitor.dispose();
  const realBytes = await dirBytes(realDir);
  const realPerHour = (realBytes / history.length) * 3600;

  // ---- simulated hour through the real feature ------------------------------------
  const template: Sample = history[history.length - 1]!;
  const poolTemplate = pools[pools.length - 1] ?? null;
  const info: TargetInfo = { ...t, status: 'attached' };
  const listeners = new Map<string, (p: unknown) => void>();
  const startMs = Date.now() - 3_600_000;
  let nowMs = startMs;
  const ctx = {
    targetId: t.id,
    info,
    now: () => nowMs,
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    monitorOptions: {},
  } as unknown as SessionContext;
  const simFile = path.join(dir, 'hour.ndjson');
  const feature = new RecordingFeature(ctx, { pathFor: () => simFile, flushIntervalMs: 2000 });
  const jitter = (v: number | null, i: number, scale: number): number | null =>
    v === null ? null : v * (1 + scale * Math.sin(i / 7) + (scale / 2) * Math.cos(i * 1.3));
  for (let i = 0; i < 3600; i++) {
    nowMs = startMs + i * 1000;
    feature.onSample({
      ...template,
      timestampMs: nowMs,
      cpuPercent: Math.abs(jitter(template.cpuPercent ?? 1, i, 0.5) ?? 0),
      rssBytes: Math.round(jitter(template.rssBytes, i, 0.05)!),
      heapUsedBytes: Math.round(jitter(template.heapUsedBytes, i, 0.2)!),
      heapTotalBytes: template.heapTotalBytes,
      eventLoopDelayP50Ms: jitter(template.eventLoopDelayP50Ms, i, 0.3),
      eventLoopDelayP99Ms: jitter(template.eventLoopDelayP99Ms, i, 0.3),
      eventLoopDelayMaxMs: jitter(template.eventLoopDelayMaxMs, i, 0.3),
      eventLoopUtilization: jitter(template.eventLoopUtilization, i, 0.3),
    });
    if (poolTemplate) listeners.get('pools')?.({ ...(poolTemplate as object), targetId: t.id });
    if (i % 500 === 0) await feature.flush();
  }
  await feature.dispose();
  const simBytes = (await stat(simFile)).size;
  await stopAllFixtures();

  console.log('\nRecording size per target per hour at 1 Hz (goal < 5 MB):');
  console.log(
    `  simulated 3600 samples (+${poolTemplate ? '3600 pools events' : 'no pools events'}): ${(simBytes / MB).toFixed(2)} MB (${(simBytes / 3600).toFixed(0)} B/sample)`,
  );
  console.log(
    `  real ${history.length} samples in ${realSeconds} s: ${(realBytes / 1024).toFixed(1)} KB -> ${(realPerHour / MB).toFixed(2)} MB/h extrapolated`,
  );

  // ---- report generation from one hour vs reading it ------------------------------
  const readMs: number[] = [];
  const buildMs: number[] = [];
  const fullMs: number[] = [];
  let htmlBytes = 0;
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    const rec = await readRecording(simFile);
    readMs.push(performance.now() - t0);
    t0 = performance.now();
    const html = renderReportHtml(
      buildReport({
        target: rec.target,
        samples: rec.samples,
        events: rec.events,
        source: { kind: 'recording' },
      }),
    );
    buildMs.push(performance.now() - t0);
    htmlBytes = html.length;
    t0 = performance.now();
    await reportFromRecording(simFile);
    fullMs.push(performance.now() - t0);
  }
  const read = median(readMs);
  const full = median(fullMs);
  console.log(`\nReport from one hour (3600 samples), medians of ${runs} runs (goal < 2 s):`);
  console.log(`  read the recording:                 ${read.toFixed(1)} ms`);
  console.log(`  build + render HTML (no read):      ${median(buildMs).toFixed(1)} ms`);
  console.log(
    `  whole report (read + build + HTML): ${full.toFixed(1)} ms  (${(htmlBytes / 1024).toFixed(0)} KB HTML)`,
  );
  console.log(`  ratio whole report / read:          ${(full / read).toFixed(2)}x`);
} finally {
  await stopAllFixtures();
  await rm(dir, { recursive: true, force: true });
}

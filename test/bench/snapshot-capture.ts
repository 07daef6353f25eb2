// Benchmark: heap snapshot capture by the dashboard against v8.writeHeapSnapshot() run
// inside the same target for the same heap, in rotating order, median of rounds (one
// warm-up round first, not counted: a process's first snapshot builds V8's object id
// map and is slower for whichever goes first). Three ways of capturing are measured:
//   default    what the Snapshot button does: the pipe on Linux (snapshot-capture.ts)
//   inspector  HeapProfiler.takeHeapSnapshot over the DevTools protocol
//   exact      the inspector with reportProgress (V8 counts the heap first)
// Also the dashboard's own RSS growth during the default capture (process.memoryUsage
// .rss() every 50 ms, peak minus start) and the target's CPU time for each way.
// Goals: the default capture at most 1.05x writeHeapSnapshot; RSS growth under 64 MB.
// Run: node --expose-gc --import tsx test/bench/snapshot-capture.ts [--objects 1000000] [--rounds 4]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHeapToolsFeature } from '../../src/monitor/heap-tools/heap-tools-feature';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { arg, cpuNs, median } from './util';

const objects = arg('objects', 1_000_000);
const rounds = arg('rounds', 4);
const MB = 1024 * 1024;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-bench-snap-'));
const fixture = await startFixture('heap-objects.js', {
  args: [String(objects)],
  readyTimeoutMs: 120_000,
});
// The bench host may be small: the pre-flight is measured elsewhere, here it must not ask.
const machine = async () => ({
  memAvailableBytes: 1e13,
  cgroupLimitBytes: null,
  cgroupUsageBytes: null,
});
const monitorWith = (via: 'auto' | 'inspector'): Monitor =>
  createMonitor({
    dataDir,
    recording: false,
    features: [createHeapToolsFeature({ machine, via })],
  });
const byDefault = monitorWith('auto');
const byInspector = monitorWith('inspector');
// A third inspector session runs writeHeapSnapshot in the target (Node allows several).
const raw = new CdpClient(await connectWebSocket(fixture.wsUrl!), 0);

type Way = 'writeHeapSnapshot' | 'default' | 'inspector' | 'exact';
const wallMs = new Map<Way, number[]>();
const targetCpuMs = new Map<Way, number[]>();
const viaSeen = new Set<string>();
const rssGrowth: number[] = [];
const push = (m: Map<Way, number[]>, k: Way, v: number): void => {
  m.set(k, [...(m.get(k) ?? []), v]);
};

async function viaDashboard(
  way: Exclude<Way, 'writeHeapSnapshot'>,
  targetId: string,
  count: boolean,
): Promise<void> {
  const m = way === 'inspector' ? byInspector : byDefault;
  global.gc?.();
  const off = m.on('snapshotProgress', (p) => {
    if (way === 'default') viaSeen.add(p.via);
  });
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 50);
  const cpu0 = cpuNs(fixture.pid);
  const t0 = performance.now();
  const rec = await m.takeHeapSnapshot({ targetId, confirm: true, exactProgress: way === 'exact' });
  const ms = performance.now() - t0;
  const cpu = (cpuNs(fixture.pid) - cpu0) / 1e6;
  clearInterval(timer);
  off();
  peak = Math.max(peak, process.memoryUsage.rss());
  const growth = peak - startRss;
  if (count) {
    push(wallMs, way, ms);
    push(targetCpuMs, way, cpu);
    if (way === 'default') rssGrowth.push(growth);
  }
  console.log(
    `  ${way.padEnd(17)} ${(ms / 1000).toFixed(2)} s, target CPU ${(cpu / 1000).toFixed(2)} s, ${(rec.sizeBytes / MB).toFixed(0)} MB file, dashboard RSS +${(growth / MB).toFixed(1)} MB`,
  );
  await m.deleteSnapshot({ snapshotId: rec.id });
}

async function inProcess(count: boolean): Promise<void> {
  const file = path.join(dataDir, `in-process-${Date.now()}.heapsnapshot`);
  const cpu0 = cpuNs(fixture.pid);
  const t0 = performance.now();
  const res = await raw.send(
    'Runtime.evaluate',
    {
      expression: `process.getBuiltinModule('node:v8').writeHeapSnapshot(${JSON.stringify(file)})`,
      returnByValue: true,
    },
    { timeoutMs: 0 },
  );
  const ms = performance.now() - t0;
  const cpu = (cpuNs(fixture.pid) - cpu0) / 1e6;
  if (res.exceptionDetails)
    throw new Error(`writeHeapSnapshot failed: ${res.exceptionDetails.text}`);
  const size = (await stat(file)).size;
  if (count) {
    push(wallMs, 'writeHeapSnapshot', ms);
    push(targetCpuMs, 'writeHeapSnapshot', cpu);
  }
  console.log(
    `  writeHeapSnapshot ${(ms / 1000).toFixed(2)} s, target CPU ${(cpu / 1000).toFixed(2)} s, ${(size / MB).toFixed(0)} MB file`,
  );
  await rm(file);
}

try {
  const a = await byDefault.attach({ port: fixture.port! });
  const b = await byInspector.attach({ port: fixture.port! });
  const usage = await raw.send('Runtime.getHeapUsage');
  console.log(
    `target: ${objects} objects, heap used ${(usage.usedSize / MB).toFixed(0)} MB; 1 warm-up + ${rounds} rotating rounds`,
  );
  const steps: Array<(count: boolean) => Promise<void>> = [
    (c) => inProcess(c),
    (c) => viaDashboard('default', a.id, c),
    (c) => viaDashboard('inspector', b.id, c),
    (c) => viaDashboard('exact', a.id, c),
  ];
  for (let r = 0; r <= rounds; r++) {
    console.log(r === 0 ? 'warm-up (not counted)' : `round ${r}/${rounds}`);
    // Rotate the order, so warm-up and drift hit every way alike.
    for (let i = 0; i < steps.length; i++) await steps[(i + r) % steps.length]!(r > 0);
  }
  const ref = median(wallMs.get('writeHeapSnapshot')!);
  const refCpu = median(targetCpuMs.get('writeHeapSnapshot')!);
  console.log('\nresult (medians)');
  console.log(
    `  writeHeapSnapshot in the target: ${(ref / 1000).toFixed(2)} s wall, ${(refCpu / 1000).toFixed(2)} s target CPU (reference)`,
  );
  for (const way of ['default', 'inspector', 'exact'] as const) {
    const w = median(wallMs.get(way)!);
    const c = median(targetCpuMs.get(way)!);
    const goal =
      way === 'default' ? ` (goal <= 1.05x: ${w / ref <= 1.05 ? 'met' : 'NOT met'})` : '';
    console.log(
      `  ${way.padEnd(9)} ${(w / 1000).toFixed(2)} s -> ${(w / ref).toFixed(3)}x${goal}; target CPU ${(c / refCpu).toFixed(3)}x`,
    );
  }
  console.log(`  the default capture went via: ${[...viaSeen].join(', ')}`);
  const growth = median(rssGrowth);
  const maxGrowth = Math.max(...rssGrowth);
  console.log(
    `  dashboard RSS growth during the default capture: median ${(growth / MB).toFixed(1)} MB, max ${(maxGrowth / MB).toFixed(1)} MB (goal < 64 MB: ${maxGrowth < 64 * MB ? 'met' : 'NOT met'})`,
  );
} finally {
  raw.close();
  await byDefault.dispose();
  await byInspector.dispose();
  await stopAllFixtures();
  await rm(dataDir, { recursive: true, force: true });
}

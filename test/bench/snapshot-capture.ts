// Benchmark: heap snapshot capture over the inspector (the dashboard's streamed
// capture) against v8.writeHeapSnapshot() run inside the same target for the same heap,
// alternating, median of rounds. Also the dashboard's own RSS growth during a capture
// (process.memoryUsage.rss() every 50 ms, peak minus start).
// Goals: capture wall time at most 1.05x writeHeapSnapshot; RSS growth under 64 MB.
// Run: node --import tsx test/bench/snapshot-capture.ts [--objects 1000000] [--rounds 3]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHeapToolsFeature } from '../../src/monitor/heap-tools/heap-tools-feature';
import { createMonitor } from '../../src/monitor/index';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { arg, median } from './util';

const objects = arg('objects', 1_000_000);
const rounds = arg('rounds', 3);
const MB = 1024 * 1024;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-bench-snap-'));
const fixture = await startFixture('heap-objects.js', {
  args: [String(objects)],
  readyTimeoutMs: 120_000,
});
// The bench host may be small: the pre-flight is measured elsewhere, here it must not ask.
const monitor = createMonitor({
  dataDir,
  features: [
    createHeapToolsFeature({
      machine: async () => ({
        memAvailableBytes: 1e13,
        cgroupLimitBytes: null,
        cgroupUsageBytes: null,
      }),
    }),
  ],
});
// A second inspector session runs writeHeapSnapshot in the target (Node allows several).
const raw = new CdpClient(await connectWebSocket(fixture.wsUrl!), 0);

const inspectorMs: number[] = [];
const inProcessMs: number[] = [];
const rssGrowth: number[] = [];

async function viaDashboard(targetId: string): Promise<void> {
  global.gc?.();
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, 50);
  const t0 = performance.now();
  const rec = await monitor.takeHeapSnapshot({ targetId, confirm: true });
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  inspectorMs.push(ms);
  rssGrowth.push(peak - startRss);
  console.log(
    `  inspector capture  ${(ms / 1000).toFixed(2)} s, ${(rec.sizeBytes / MB).toFixed(0)} MB file, dashboard RSS +${((peak - startRss) / MB).toFixed(1)} MB`,
  );
  await monitor.deleteSnapshot({ snapshotId: rec.id });
}

async function inProcess(): Promise<void> {
  const file = path.join(dataDir, `in-process-${Date.now()}.heapsnapshot`);
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
  if (res.exceptionDetails)
    throw new Error(`writeHeapSnapshot failed: ${res.exceptionDetails.text}`);
  const size = (await stat(file)).size;
  inProcessMs.push(ms);
  console.log(
    `  v8.writeHeapSnapshot ${(ms / 1000).toFixed(2)} s, ${(size / MB).toFixed(0)} MB file`,
  );
  await rm(file);
}

try {
  const t = await monitor.attach({ port: fixture.port! });
  const usage = await raw.send('Runtime.getHeapUsage');
  console.log(
    `target: ${objects} objects, heap used ${(usage.usedSize / MB).toFixed(0)} MB; ${rounds} alternating rounds`,
  );
  for (let r = 0; r < rounds; r++) {
    console.log(`round ${r + 1}/${rounds}`);
    // Alternate which goes first, so warm-up and drift hit both equally.
    if (r % 2 === 0) {
      await viaDashboard(t.id);
      await inProcess();
    } else {
      await inProcess();
      await viaDashboard(t.id);
    }
  }
  // Each round's pair ran back to back: their ratio is less exposed to machine noise.
  const paired = inspectorMs.map((ms, i) => ms / inProcessMs[i]!);
  console.log(`\nper-round ratios: ${paired.map((r) => r.toFixed(3)).join(', ')}`);
  const a = median(inspectorMs);
  const b = median(inProcessMs);
  const ratio = a / b;
  const growth = median(rssGrowth);
  const maxGrowth = Math.max(...rssGrowth);
  console.log('\nresult (medians)');
  console.log(
    `  capture wall time: inspector ${(a / 1000).toFixed(2)} s vs writeHeapSnapshot ${(b / 1000).toFixed(2)} s -> ${ratio.toFixed(3)}x (goal <= 1.05x: ${ratio <= 1.05 ? 'met' : 'NOT met'})`,
  );
  console.log(`  median of per-round ratios: ${median(paired).toFixed(3)}x`);
  console.log(
    `  dashboard RSS growth during capture: median ${(growth / MB).toFixed(1)} MB, max ${(maxGrowth / MB).toFixed(1)} MB (goal < 64 MB: ${maxGrowth < 64 * MB ? 'met' : 'NOT met'})`,
  );
} finally {
  raw.close();
  await monitor.dispose();
  await stopAllFixtures();
  await rm(dataDir, { recursive: true, force: true });
}

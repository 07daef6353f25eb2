// Benchmark: the renderer with 10 attached targets and one hour of history each, time
// per live update in Chromium (the renderer's own 'resdash:live-update' performance
// measure: from applying a sample batch to the charts' DOM commit). Reference measured
// in the same run: the same renderer with 1 target and 1 minute of history.
// Goal: p95 under 16 ms.
// The core is replaced by a synthetic MonitorApi that serves generated history and
// pushes live batches: the renderer is what is measured here, not the core.
// Run: node --import tsx test/bench/renderer-update.ts [--seconds 30]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Events, EventName, MonitorApi } from '../../src/shared/contract';
import type { Sample, TargetInfo } from '../../src/shared/model';
import { startServer } from '../../src/server/index';
import { launchChromium } from '../e2e/browser';
import { arg, median, quantile, sleep } from './util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = arg('seconds', 30);
const PUSH_MS = 250;

function makeSample(t: number, i: number, seed: number): Sample {
  const saw = ((i + seed) % 120) / 120; // a GC sawtooth
  return {
    timestampMs: t,
    late: false,
    cpuPercent: 3 + 2 * Math.sin(i / 30 + seed),
    rssBytes: 120e6 + 20e6 * saw,
    heapUsedBytes: 40e6 + 30e6 * saw,
    heapTotalBytes: 90e6,
    heapLimitBytes: 4.2e9,
    externalBytes: 3e6,
    arrayBuffersBytes: 1e6,
    eventLoopDelayP50Ms: 0.2 + 0.1 * Math.sin(i / 7),
    eventLoopDelayP99Ms: 1 + Math.abs(Math.sin(i / 11)),
    eventLoopDelayMaxMs: 3 + Math.abs(Math.sin(i / 13)) * 5,
    eventLoopUtilization: 0.05,
    gc: {
      minor: {
        count: i % 3 === 0 ? 1 : 0,
        totalMs: i % 3 === 0 ? 0.8 : 0,
        maxMs: i % 3 === 0 ? 0.8 : 0,
      },
      major: { count: saw === 0 ? 1 : 0, totalMs: saw === 0 ? 6 : 0, maxMs: saw === 0 ? 6 : 0 },
      incremental: { count: 0, totalMs: 0, maxMs: 0 },
      weakcb: { count: 0, totalMs: 0, maxMs: 0 },
    },
    activeResources: { Timeout: 3, TCPSocketWrap: 4, TCPServerWrap: 1 },
    openFds: 30,
    threads: 11,
  };
}

function syntheticMonitor(targets: number, historyS: number): MonitorApi & { stop(): void } {
  const start = Date.now() - historyS * 1000;
  const infos: TargetInfo[] = Array.from({ length: targets }, (_, k) => ({
    id: `target-${k + 1}`,
    pid: 10_000 + k,
    title: `service-${k + 1}.js`,
    command: `node service-${k + 1}.js`,
    port: 40_000 + k,
    status: 'attached',
    attachedAtMs: start,
    intervalMs: 1000,
    warnings: [],
  }));
  const history = infos.map((_, k) =>
    Array.from({ length: historyS }, (_, i) => makeSample(start + i * 1000, i, k * 17)),
  );
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const set = listeners.get('samples');
    infos.forEach((t, k) => {
      const s = makeSample(Date.now(), historyS + tick, k * 17);
      for (const l of set ?? [])
        (l as (p: Events['samples']) => void)({ targetId: t.id, samples: [s] });
    });
  }, PUSH_MS);
  const ok = <T>(v: T) => Promise.resolve(v);
  return {
    listProcesses: () => ok({ processes: [], inspectors: [] }),
    listTargets: () => ok(infos),
    attach: () => Promise.reject(new Error('not in this benchmark')),
    detach: () => Promise.reject(new Error('not in this benchmark')),
    removeTarget: () => ok(null),
    setSampleInterval: () => Promise.reject(new Error('not in this benchmark')),
    getHistory: (a) => ok(history[infos.findIndex((t) => t.id === a.targetId)] ?? []),
    startDemo: () => Promise.reject(new Error('not in this benchmark')),
    attachGroup: () => Promise.reject(new Error('not in this benchmark')),
    detachGroup: () => Promise.reject(new Error('not in this benchmark')),
    listThreads: () => Promise.reject(new Error('not in this benchmark')),
    getPools: () => ok([]),
    emergencyCleanup: () => Promise.reject(new Error('not in this benchmark')),
    getCleanupStats: () => ok({ attempted: 0, succeeded: 0, failed: 0, successRate: null }),
    rescanPools: () => Promise.reject(new Error('not in this benchmark')),
    getLimits: () => Promise.reject(new Error('not in this benchmark')),
    setLimits: () => Promise.reject(new Error('not in this benchmark')),
    getAlerts: () => Promise.reject(new Error('not in this benchmark')),
    acknowledgeAlert: () => Promise.reject(new Error('not in this benchmark')),
    getLeakVerdict: () => Promise.reject(new Error('not in this benchmark')),
    investigateLeak: () => Promise.reject(new Error('not in this benchmark')),
    setLeakOptions: () => Promise.reject(new Error('not in this benchmark')),
    getRecommendations: () => Promise.reject(new Error('not in this benchmark')),
    // snapshot analysis
    analyzeSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    snapshotRetainerPath: () => Promise.reject(new Error('not in this benchmark')),
    diffSnapshots: () => Promise.reject(new Error('not in this benchmark')),
    cancelSnapshotAnalysis: () => Promise.reject(new Error('not in this benchmark')),
    openSnapshotExplorer: () => Promise.reject(new Error('not in this benchmark')),
    explorerChildren: () => Promise.reject(new Error('not in this benchmark')),
    explorerRetainers: () => Promise.reject(new Error('not in this benchmark')),
    explorerInstances: () => Promise.reject(new Error('not in this benchmark')),
    explorerNode: () => Promise.reject(new Error('not in this benchmark')),
    explorerPath: () => Promise.reject(new Error('not in this benchmark')),
    explorerClasses: () => Promise.reject(new Error('not in this benchmark')),
    closeSnapshotExplorer: () => Promise.reject(new Error('not in this benchmark')),
    // heap tools
    collectGarbage: () => Promise.reject(new Error('not in this benchmark')),
    listMarkers: () => Promise.reject(new Error('not in this benchmark')),
    estimateHeapSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    takeHeapSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    cancelHeapSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    listSnapshots: () => Promise.reject(new Error('not in this benchmark')),
    deleteSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    importSnapshot: () => Promise.reject(new Error('not in this benchmark')),
    showSnapshotFolder: () => Promise.reject(new Error('not in this benchmark')),
    startAllocationSampling: () => Promise.reject(new Error('not in this benchmark')),
    // recordings, reports, metrics
    openRecording: () => Promise.reject(new Error('not in this benchmark')),
    exportReport: () => Promise.reject(new Error('not in this benchmark')),
    startMetrics: () => Promise.reject(new Error('not in this benchmark')),
    stopMetrics: () => Promise.reject(new Error('not in this benchmark')),
    getMetricsStatus: () => Promise.reject(new Error('not in this benchmark')),
    stopAllocationSampling: () => Promise.reject(new Error('not in this benchmark')),
    uploadSnapshotBegin: () => Promise.reject(new Error('not in this benchmark')),
    uploadSnapshotChunk: () => Promise.reject(new Error('not in this benchmark')),
    uploadSnapshotFinish: () => Promise.reject(new Error('not in this benchmark')),
    uploadSnapshotAbort: () => Promise.reject(new Error('not in this benchmark')),
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: never) => void);
      return () => set.delete(listener as (p: never) => void);
    },
    stop: () => clearInterval(timer),
  } as MonitorApi & { stop(): void };
}

async function measure(label: string, targets: number, historyS: number): Promise<number[]> {
  const monitor = syntheticMonitor(targets, historyS);
  const server = await startServer({
    monitor,
    port: 0,
    rendererDir: path.join(root, 'out/renderer'),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.getByTestId(`target-row-target-${targets}`).locator('button').first().click();
    await page.getByTestId('range-1h').click();
    await sleep(3000); // rehydration and first render
    await page.evaluate(() => performance.clearMeasures('resdash:live-update'));
    await sleep(seconds * 1000);
    const durations = await page.evaluate(() =>
      performance.getEntriesByName('resdash:live-update').map((e) => e.duration),
    );
    const points = await page.getByTestId('memory-chart').getAttribute('data-points');
    console.log(
      `  ${label}: ${durations.length} live updates, ${points} points drawn in the memory chart; ` +
        `median ${median(durations).toFixed(2)} ms, p95 ${quantile(durations, 0.95).toFixed(2)} ms, ` +
        `max ${Math.max(...durations).toFixed(2)} ms`,
    );
    return durations;
  } finally {
    await browser.close();
    await server.close();
    monitor.stop();
  }
}

execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--config',
    'vite.renderer.config.ts',
    '--logLevel',
    'warn',
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(`renderer live-update cost, ${seconds} s of pushes every ${PUSH_MS} ms per target`);
const ref = await measure('reference: 1 target, 1 min history', 1, 60);
const big = await measure('10 targets, 1 h history each', 10, 3600);
const p95 = quantile(big, 0.95);
console.log(
  `\nresult: p95 ${p95.toFixed(2)} ms per live update with 10 targets x 1 h (goal < 16 ms: ${p95 < 16 ? 'met' : 'NOT met'}); ` +
    `${(p95 / quantile(ref, 0.95)).toFixed(2)}x the 1-target reference p95 (${quantile(ref, 0.95).toFixed(2)} ms)`,
);

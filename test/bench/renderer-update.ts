// Benchmark: the renderer with 10 attached targets and one hour of history each, live
// updates on all of them, in Chromium. Measured per live batch of the selected target:
// the time from its arrival in the page to the paint that shows it on every chart
// (the renderer's own 'resdash:live-update' measure, store/live-update.ts), and the
// longest main-thread task of the run (PerformanceObserver 'longtask', which reports
// tasks of 50 ms and more; a short traced phase gives the longest task of any length).
// Reference measured in the same run: the same renderer with 1 target and 1 minute of
// history. Goals: p95 under 16 ms, in no run above 25 ms, no task over 50 ms.
// The core is replaced by a synthetic MonitorApi that serves generated history and
// pushes live batches: the renderer is what is measured here, not the core.
// Run: node --import tsx test/bench/renderer-update.ts [--seconds 60] [--push-ms 1000]
//        [--profile 1]   (CPU profile of the 10-target phase, unminified build; the
//                         top functions by self time are printed, the .cpuprofile saved)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import type { Events, EventName, MonitorApi } from '../../src/shared/contract';
import type { Sample, TargetInfo } from '../../src/shared/model';
import { startServer } from '../../src/server/index';
import { launchChromium } from '../e2e/browser';
import { arg, median, quantile, sleep } from './util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = arg('seconds', 60);
/** Every target pushes one sample per PUSH_MS: 1 Hz, the default sampling interval. */
const PUSH_MS = arg('push-ms', 1000);
const PROFILE = arg('profile', 0) === 1;
const TRACE_S = arg('trace-seconds', 10);

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

interface PhaseResult {
  durations: number[];
  /** Longest 'longtask' entry (>= 50 ms), 0 when there was none. */
  longestLongTaskMs: number;
  longTasks: number;
  /** Longest main-thread task of any length in a short traced phase. */
  longestTracedTaskMs: number | null;
  points: string | null;
  firstContentfulPaintMs: number | null;
}

/** Observes long tasks from the first script on; the page reads them back. */
function installLongTaskObserver(): void {
  const w = globalThis as unknown as { __longTasks: number[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push(e.duration);
  }).observe({ type: 'longtask' as never, buffered: true });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Rendering work of the main thread by kind, for what a CPU profile calls "(program)". */
const RENDER_EVENTS = [
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'HitTest',
  'MinorGC',
  'MajorGC',
];

/**
 * Traces the renderer's main threads for `seconds` (CDP Tracing, categories toplevel
 * and devtools.timeline): the longest task, and time per kind of rendering work.
 */
async function traceMainThread(
  browser: Browser,
  seconds: number,
): Promise<{ longestTaskMs: number | null; renderMs: Map<string, number> }> {
  const cdp = await browser.newBrowserCDPSession();
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) =>
    cdp.once('Tracing.tracingComplete', () => resolve()),
  );
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8'] },
    transferMode: 'ReportEvents',
  });
  await sleep(seconds * 1000);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let longestTaskMs: number | null = null;
  const renderMs = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const ms = (e.dur ?? 0) / 1000;
    if (
      e.name === 'ThreadControllerImpl::RunTask' &&
      (longestTaskMs === null || ms > longestTaskMs)
    )
      longestTaskMs = ms;
    if (RENDER_EVENTS.includes(e.name)) renderMs.set(e.name, (renderMs.get(e.name) ?? 0) + ms);
  }
  return { longestTaskMs, renderMs };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/** Top functions by self time in a CDP profile, with where they come from. */
function topSelfTime(
  profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] },
  n = 25,
): string[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byNode.get(id);
    if (!node) return;
    const f = node.callFrame;
    const file = f.url ? f.url.replace(/^.*\/(assets|node_modules)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const busy = total - (self.get('(idle) ') ?? 0) - (self.get('(program) ') ?? 0);
  return [...self.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, ms]) =>
        `${ms.toFixed(1).padStart(8)} ms ${((ms / Math.max(1, busy)) * 100).toFixed(1).padStart(5)} %  ${k}`,
    );
}

async function startProfile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  return async (label: string): Promise<void> => {
    const { profile } = await cdp.send('Profiler.stop');
    const dir = path.join(root, 'test-results/bench');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `renderer-${label}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(
      `  CPU profile (${label}), top self time of the main thread (saved to ${path.relative(root, file)}):`,
    );
    for (const line of topSelfTime(profile as never)) console.log(`    ${line}`);
  };
}

async function measure(label: string, targets: number, historyS: number): Promise<PhaseResult> {
  const monitor = syntheticMonitor(targets, historyS);
  const server = await startServer({
    monitor,
    port: 0,
    rendererDir: path.join(root, 'out/renderer'),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(installLongTaskObserver);
    await page.goto(server.url);
    await page.getByTestId(`target-row-target-${targets}`).locator('button').first().click();
    await page.getByTestId('range-1h').click();
    // Looking at the charts: the section bar scrolls them into view (off-screen charts
    // do not redraw, so a page left at the top would measure nothing).
    await page.getByTestId('section-link-charts').click();
    await page.getByTestId('memory-chart').locator('path.series-line').first().waitFor();
    await sleep(3000); // rehydration, the charts' chunk and the first renders
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    );
    await page.evaluate(() => {
      performance.clearMeasures('resdash:live-update');
      (globalThis as unknown as { __longTasks: number[] }).__longTasks.length = 0;
    });
    const stopProfile = PROFILE && targets > 1 ? await startProfile(page) : null;
    await sleep(seconds * 1000);
    if (stopProfile) await stopProfile(`${targets}-targets`);
    const { durations, longTasks } = await page.evaluate(() => ({
      durations: performance.getEntriesByName('resdash:live-update').map((e) => e.duration),
      longTasks: [...(globalThis as unknown as { __longTasks: number[] }).__longTasks],
    }));
    let traced: number | null = null;
    if (TRACE_S > 0) {
      const trace = await traceMainThread(browser, TRACE_S);
      traced = trace.longestTaskMs;
      const updates = TRACE_S * (1000 / PUSH_MS);
      console.log(
        `  ${label}, traced ${TRACE_S} s: rendering work per live update: ` +
          [...trace.renderMs.entries()]
            .map(([k, ms]) => `${k} ${(ms / updates).toFixed(2)} ms`)
            .join(', '),
      );
    }
    const points = await page.getByTestId('memory-chart').getAttribute('data-points');
    return {
      durations,
      longestLongTaskMs: longTasks.length > 0 ? Math.max(...longTasks) : 0,
      longTasks: longTasks.length,
      longestTracedTaskMs: traced,
      points,
      firstContentfulPaintMs: fcp,
    };
  } finally {
    await browser.close();
    await server.close();
    monitor.stop();
  }
}

function report(label: string, r: PhaseResult): void {
  const d = r.durations;
  console.log(
    `  ${label}: ${d.length} live updates, ${r.points} points drawn in the memory chart; ` +
      `arrival to paint: median ${median(d).toFixed(2)} ms, p95 ${quantile(d, 0.95).toFixed(2)} ms, ` +
      `max ${Math.max(...d).toFixed(2)} ms; ` +
      `long tasks (>= 50 ms): ${r.longTasks}${r.longTasks ? `, longest ${r.longestLongTaskMs.toFixed(1)} ms` : ''}; ` +
      `longest traced task ${r.longestTracedTaskMs === null ? '–' : `${r.longestTracedTaskMs.toFixed(1)} ms`}; ` +
      `first contentful paint ${r.firstContentfulPaintMs === null ? '–' : `${r.firstContentfulPaintMs.toFixed(0)} ms`}`,
  );
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
    // Readable function names in the profile.
    ...(PROFILE ? ['--minify', 'false'] : []),
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(
  `renderer live-update cost, ${seconds} s of pushes every ${PUSH_MS} ms per target (arrival to paint)`,
);
const ref = await measure('reference: 1 target, 1 min history', 1, 60);
report('reference: 1 target, 1 min history', ref);
const big = await measure('10 targets, 1 h history each', 10, 3600);
report('10 targets, 1 h history each', big);
const p95 = quantile(big.durations, 0.95);
const refP95 = quantile(ref.durations, 0.95);
const med = median(big.durations);
const longest = Math.max(big.longestLongTaskMs, big.longestTracedTaskMs ?? 0);
console.log(
  `\nresult: p95 ${p95.toFixed(2)} ms, median ${med.toFixed(2)} ms per live update with 10 targets x 1 h ` +
    `(goal p95 < 16 ms: ${p95 < 16 ? 'met' : 'NOT met'}; < 25 ms: ${p95 < 25 ? 'met' : 'NOT met'}); ` +
    `${(p95 / refP95).toFixed(2)}x the 1-target reference p95 (${refP95.toFixed(2)} ms), ` +
    `median ${(med / median(ref.durations)).toFixed(2)}x; ` +
    `longest main-thread task ${longest.toFixed(1)} ms (goal <= 50 ms: ${longest <= 50 ? 'met' : 'NOT met'})`,
);

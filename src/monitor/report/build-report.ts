// The data of a report: KPIs, downsampled samples, events grouped by type and
// recommendations, computed from samples of one target in a time range. The same
// object is the `--json` output and the input of the HTML renderer.
import { lttbIndexes } from '../../shared/lttb';
import { GC_KINDS, type Sample, type TargetInfo } from '../../shared/model';
import type {
  RecordedEvent,
  ReportData,
  ReportKpis,
  ReportRecommendation,
} from '../../shared/report-model';
import type { Alert, LeakVerdict, Recommendation } from '../../shared/alert-model';
import type { PoolSample } from '../../shared/pool-model';
import { recommend as recommendFromRules } from '../recommendations/recommend';

/** Points per chart: far more than a printed page resolves. */
export const REPORT_MAX_POINTS = 600;

export interface ReportInput {
  target: TargetInfo;
  samples: readonly Sample[];
  events: readonly RecordedEvent[];
  fromMs?: number;
  toMs?: number;
  source: ReportData['source'];
  now?: () => number;
  maxPoints?: number;
}

function maxOf(values: Array<number | null>): number | null {
  let m: number | null = null;
  for (const v of values) if (v !== null && (m === null || v > m)) m = v;
  return m;
}

function meanOf(values: Array<number | null>): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}

export function computeKpis(samples: readonly Sample[], spanMs: number): ReportKpis {
  // Delays, GC time and CPU while our own snapshot, GC or allocation sampling ran are
  // ours, not the target's: left out of those figures (memory peaks stay: they are real).
  const theirs = samples.filter((s) => !s.ownPause);
  let gcCount = 0;
  let gcTotalMs = 0;
  for (const s of theirs) {
    if (!s.gc) continue;
    for (const kind of GC_KINDS) {
      gcCount += s.gc[kind].count;
      gcTotalMs += s.gc[kind].totalMs;
    }
  }
  const last = samples.length > 0 ? samples[samples.length - 1]! : null;
  return {
    sampleCount: samples.length,
    peakRssBytes: maxOf(samples.map((s) => s.rssBytes)),
    peakHeapUsedBytes: maxOf(samples.map((s) => s.heapUsedBytes)),
    lastHeapUsedBytes: last?.heapUsedBytes ?? null,
    heapLimitBytes: maxOf(samples.map((s) => s.heapLimitBytes)),
    avgCpuPercent: meanOf(theirs.map((s) => s.cpuPercent)),
    peakCpuPercent: maxOf(theirs.map((s) => s.cpuPercent)),
    eventLoopDelayP99MaxMs: maxOf(theirs.map((s) => s.eventLoopDelayP99Ms)),
    gcCount,
    gcTotalMs,
    gcAvgMs: gcCount > 0 ? gcTotalMs / gcCount : null,
    gcTimeRatio: spanMs > 0 && samples.length > 1 ? gcTotalMs / spanMs : null,
    lateSamples: theirs.filter((s) => s.late).length,
    ownPauseSamples: samples.length - theirs.length,
  };
}

const MB = 1024 * 1024;

/**
 * The report's recommendations: first the dashboard's (recommendations/recommend.ts, the
 * same rules and sentences, over the range's samples, pool reads, alerts and leak
 * verdict), then the range summary's own lines for what those rules did not cover.
 */
export function recommend(
  samples: readonly Sample[],
  kpis: ReportKpis,
  events: Record<string, RecordedEvent[]>,
  context: { targetId: string; fromMs: number; toMs: number } = {
    targetId: '',
    fromMs: samples[0]?.timestampMs ?? 0,
    toMs: samples[samples.length - 1]?.timestampMs ?? 0,
  },
): ReportRecommendation[] {
  const dashboard = dashboardRecommendations(samples, events, context);
  const covered = new Set(dashboard.map((r) => r.rule));
  const out: ReportRecommendation[] = dashboard.map((r) => ({
    severity: r.severity,
    text: r.message,
    rule: r.rule,
  }));
  const summary = rangeSummary(samples, kpis, events).filter(
    (r) => !r.rule || !covered.has(r.rule),
  );
  out.push(...summary);
  if (out.length === 0)
    out.push({ severity: 'info', text: 'No resource problem stands out in this range.' });
  return out;
}

/** The dashboard's rules over a recorded or live range (events as the session emitted them). */
function dashboardRecommendations(
  samples: readonly Sample[],
  events: Record<string, RecordedEvent[]>,
  context: { targetId: string; fromMs: number; toMs: number },
): Recommendation[] {
  const pools: PoolSample[] = [];
  for (const e of events.pools ?? []) {
    const list = (e.data as { samples?: unknown } | null)?.samples;
    if (!Array.isArray(list)) continue;
    for (const p of list as PoolSample[]) {
      if (p && typeof p.timestampMs === 'number' && Array.isArray(p.pools)) pools.push(p);
    }
  }
  // The last state of each alert seen in the range.
  const alerts = new Map<string, Alert>();
  for (const e of events.alert ?? []) {
    const a = (e.data as { alert?: Alert } | null)?.alert;
    if (a && typeof a.id === 'string' && typeof a.rule === 'string') alerts.set(a.id, a);
  }
  const leakEvents = events.leak ?? [];
  const lastLeak = leakEvents[leakEvents.length - 1]?.data as LeakVerdict | undefined;
  const leak =
    lastLeak && typeof lastLeak.state === 'string' && typeof lastLeak.sentence === 'string'
      ? lastLeak
      : null;
  try {
    return recommendFromRules({
      targetId: context.targetId,
      nowMs: context.toMs,
      windowMs: Math.max(0, context.toMs - context.fromMs),
      samples,
      pools,
      alerts: [...alerts.values()],
      leak,
      limits: null,
    });
  } catch {
    // A damaged recording's event: the range summary below still stands.
    return [];
  }
}

/** Lines about the range as a whole (peaks, late samples, counts of alerts and suspicions). */
function rangeSummary(
  samples: readonly Sample[],
  kpis: ReportKpis,
  events: Record<string, RecordedEvent[]>,
): ReportRecommendation[] {
  const out: ReportRecommendation[] = [];
  if (kpis.peakHeapUsedBytes !== null && kpis.heapLimitBytes) {
    const ratio = kpis.peakHeapUsedBytes / kpis.heapLimitBytes;
    if (ratio >= 0.9)
      out.push({
        rule: 'heap-near-limit',
        severity: 'critical',
        text: `Heap used peaked at ${(ratio * 100).toFixed(0)} % of the heap limit: the process is close to an out-of-memory crash. Find what holds memory (heap snapshot diff) or raise --max-old-space-size.`,
      });
    else if (ratio >= 0.8)
      out.push({
        rule: 'heap-near-limit',
        severity: 'warning',
        text: `Heap used peaked at ${(ratio * 100).toFixed(0)} % of the heap limit. Watch the trend after GCs.`,
      });
  }
  const heap = samples.map((s) => s.heapUsedBytes).filter((v): v is number => v !== null);
  if (heap.length >= 20) {
    const q = Math.floor(heap.length / 4);
    const first = meanOf(heap.slice(0, q)) ?? 0;
    const lastQ = meanOf(heap.slice(-q)) ?? 0;
    if (first > 0 && lastQ / first >= 1.5 && lastQ - first > 10 * MB)
      out.push({
        severity: 'warning',
        text: `Heap used grew from ${(first / MB).toFixed(1)} MB to ${(lastQ / MB).toFixed(1)} MB over the range. If it does not fall after a forced GC, look for a leak (snapshot diff, constructor growth).`,
      });
  }
  if (kpis.eventLoopDelayP99MaxMs !== null && kpis.eventLoopDelayP99MaxMs >= 100)
    out.push({
      rule: 'event-loop-slow',
      severity: 'warning',
      text: `Event-loop delay p99 reached ${kpis.eventLoopDelayP99MaxMs.toFixed(0)} ms: something blocks the loop (sync I/O, JSON of large bodies, CPU-heavy code). Profile the CPU during the spikes.`,
    });
  if (kpis.avgCpuPercent !== null && kpis.avgCpuPercent >= 80)
    out.push({
      rule: 'cpu-busy',
      severity: 'warning',
      text: `CPU averaged ${kpis.avgCpuPercent.toFixed(0)} % of a core: the process is CPU-bound; consider worker threads or more instances.`,
    });
  if (kpis.gcTimeRatio !== null && kpis.gcTimeRatio >= 0.05)
    out.push({
      rule: 'gc-heavy',
      severity: 'warning',
      text: `Garbage collection took ${(kpis.gcTimeRatio * 100).toFixed(1)} % of the time: reduce allocation churn or pool hot objects.`,
    });
  if (kpis.lateSamples > 0)
    out.push({
      severity: 'info',
      text: `${kpis.lateSamples} sample(s) arrived late: the target was unresponsive at times.`,
    });
  const leaks = (events.leak ?? []).filter((ev) => {
    const state = (ev.data as { state?: unknown } | null)?.state;
    return state === 'suspected' || state === 'leak';
  }).length;
  if (leaks > 0)
    out.push({
      severity: 'warning',
      text: `A leak was suspected ${leaks} time(s) in this range: see "Leak verdicts" for the growth and the suspects.`,
    });
  const alerts = (events.alert ?? []).filter(
    (ev) => (ev.data as { change?: unknown } | null)?.change === 'raised',
  ).length;
  if (alerts > 0)
    out.push({ severity: 'info', text: `${alerts} alert(s) fired in this range: see "Alerts".` });
  return out;
}

export function buildReport(input: ReportInput): ReportData {
  const now = input.now ?? Date.now;
  const all = input.samples;
  const times = [all[0]?.timestampMs, all[all.length - 1]?.timestampMs]
    .concat(input.events.map((e) => e.atMs))
    .filter((t): t is number => t !== undefined && Number.isFinite(t));
  const fromMs = input.fromMs ?? (times.length > 0 ? Math.min(...times) : now());
  const toMs = input.toMs ?? (times.length > 0 ? Math.max(...times) : now());
  const inRange = all.filter((s) => s.timestampMs >= fromMs && s.timestampMs <= toMs);
  const kpis = computeKpis(inRange, toMs - fromMs);
  const maxPoints = input.maxPoints ?? REPORT_MAX_POINTS;
  let samples = inRange;
  if (inRange.length > maxPoints) {
    const idx = lttbIndexes(
      inRange.map((s) => s.timestampMs),
      inRange.map((s) => s.heapUsedBytes),
      maxPoints,
    );
    samples = idx.map((i) => inRange[i]!);
  }
  const events: Record<string, RecordedEvent[]> = {};
  for (const e of input.events) {
    if (e.atMs < fromMs || e.atMs > toMs) continue;
    (events[e.type] ??= []).push(e);
  }
  return {
    reportVersion: 1,
    generatedAtMs: now(),
    source: input.source,
    target: input.target,
    range: { fromMs, toMs },
    kpis,
    samples: [...samples],
    events,
    recommendations: recommend(
      inRange.filter((s) => !s.ownPause),
      kpis,
      events,
      { targetId: input.target.id, fromMs, toMs },
    ),
  };
}

// Recommendations (the seed's optimization recommendations, made concrete): each comes
// from one rule over recent samples, pool reads, alerts and the leak verdict, and names
// its evidence with figures. Pure.
import type { Alert, LeakVerdict, Limits, Recommendation } from '../../shared/alert-model';
import type { Sample } from '../../shared/model';
import type { PoolSample } from '../../shared/pool-model';
import { formatBytes } from '../alerts/format';
import { gcTotalMs } from '../alerts/alert-engine';
import { mannKendall, theilSenSlope } from '../leaks/trend';

export interface RecommendInput {
  targetId: string;
  nowMs: number;
  /** Recent samples, oldest first (the last few minutes are used). */
  samples: readonly Sample[];
  pools: readonly PoolSample[];
  alerts: readonly Alert[];
  leak: LeakVerdict | null;
  limits: Limits | null;
  /** How far back from nowMs samples and pool reads count (default RECENT_MS); a report passes its range. */
  windowMs?: number;
}

export const RECENT_MS = 5 * 60_000;
const MIN_POOL_SPAN_MS = 30_000;

export function recommend(input: RecommendInput): Recommendation[] {
  const out: Recommendation[] = [];
  const add = (r: Omit<Recommendation, 'id' | 'targetId'>, key: string): void => {
    out.push({ id: `${input.targetId}:${r.rule}:${key}`, targetId: input.targetId, ...r });
  };
  const since = input.nowMs - (input.windowMs ?? RECENT_MS);
  // Samples paused by our own snapshot, GC or allocation sampling are not the target's.
  const samples = input.samples.filter((s) => s.timestampMs >= since && !s.ownPause);
  const pools = input.pools.filter((p) => p.timestampMs >= since);

  // Pools: saturated or oversized over the recent reads.
  const byName = new Map<
    string,
    Array<{ t: number; util: number | null; waiting: number; max: number | null; inUse: number }>
  >();
  for (const read of pools) {
    for (const p of read.pools) {
      if (p.error) continue;
      const util = p.max !== null && p.max > 0 ? p.inUse / p.max : null;
      let list = byName.get(p.name);
      if (!list) byName.set(p.name, (list = []));
      list.push({ t: read.timestampMs, util, waiting: p.waiting, max: p.max, inUse: p.inUse });
    }
  }
  for (const [name, reads] of byName) {
    const spanMs = reads[reads.length - 1]!.t - reads[0]!.t;
    if (reads.length < 3 || spanMs < MIN_POOL_SPAN_MS) continue;
    const saturated = reads.filter((r) => (r.util ?? 0) >= 0.9 || r.waiting > 0).length;
    const utils = reads.map((r) => r.util).filter((u): u is number => u !== null);
    const avgUtil = utils.length ? utils.reduce((a, b) => a + b, 0) / utils.length : null;
    const maxWaiting = Math.max(...reads.map((r) => r.waiting));
    const minutes = Math.max(1, Math.round(spanMs / 60_000));
    if (saturated / reads.length >= 0.8) {
      const pct = avgUtil === null ? 'fully' : `${Math.round(avgUtil * 100)} %`;
      add(
        {
          rule: 'pool-saturated',
          severity: 'warning',
          message: `Pool ${name} was ${pct} saturated for the last ${minutes} min with up to ${maxWaiting} waiters: raise its max or find the slow holders.`,
          evidence: {
            pool: name,
            avgUtilizationPercent: Math.round((avgUtil ?? 1) * 100),
            maxWaiting,
            spanMs,
          },
        },
        name,
      );
    } else if (
      avgUtil !== null &&
      avgUtil < 0.1 &&
      maxWaiting === 0 &&
      (reads[0]!.max ?? 0) >= 10
    ) {
      add(
        {
          rule: 'pool-oversized',
          severity: 'info',
          message: `Pool ${name} used on average ${Math.round(avgUtil * 100)} % of its ${reads[0]!.max} slots over ${minutes} min: a lower max would hold fewer idle resources.`,
          evidence: {
            pool: name,
            avgUtilizationPercent: Math.round(avgUtil * 100),
            max: reads[0]!.max ?? 0,
            spanMs,
          },
        },
        name,
      );
    }
  }

  // Leak verdict.
  const leak = input.leak;
  if (leak && (leak.state === 'leak' || leak.state === 'suspected')) {
    add(
      {
        rule: 'memory-leak',
        severity: leak.state === 'leak' ? 'critical' : 'warning',
        message:
          leak.state === 'leak'
            ? `${leak.sentence} Fix the growing collection (evict, bound or use a WeakMap).`
            : `${leak.sentence}`,
        evidence: {
          growthBytesPerMinute: Math.round(leak.growthBytesPerMinute ?? 0),
          confidencePercent: Math.round((leak.confidence ?? 0) * 100),
        },
      },
      'heap',
    );
  }

  const last = samples[samples.length - 1];
  // Heap close to V8's limit.
  if (last?.heapUsedBytes != null && last.heapLimitBytes) {
    const ratio = last.heapUsedBytes / last.heapLimitBytes;
    if (ratio >= 0.7) {
      add(
        {
          rule: 'heap-near-limit',
          severity: ratio >= 0.9 ? 'critical' : 'warning',
          message: `Heap used is ${formatBytes(last.heapUsedBytes)}, ${Math.round(ratio * 100)} % of V8's limit ${formatBytes(last.heapLimitBytes)}: find what holds memory, or raise --max-old-space-size if the working set is legitimate.`,
          evidence: { heapUsedBytes: last.heapUsedBytes, heapLimitBytes: last.heapLimitBytes },
        },
        'heap',
      );
    }
  }

  // Event loop.
  const p99s = samples.map((s) => s.eventLoopDelayP99Ms).filter((v): v is number => v !== null);
  if (p99s.length >= 5) {
    const med = median(p99s);
    if (med >= 50) {
      add(
        {
          rule: 'event-loop-slow',
          severity: med >= 200 ? 'critical' : 'warning',
          message: `The event loop's p99 delay was ${Math.round(med)} ms (median over ${p99s.length} samples): take a CPU profile to find the synchronous work, and move it to a worker or split it.`,
          evidence: { medianP99Ms: Math.round(med), samples: p99s.length },
        },
        'loop',
      );
    }
  }

  // GC share of wall time.
  if (samples.length >= 5) {
    const first = samples[0]!;
    const wallMs = (last?.timestampMs ?? first.timestampMs) - first.timestampMs;
    const gcMs = samples.slice(1).reduce((a, s) => a + gcTotalMs(s), 0);
    if (wallMs > 0 && gcMs / wallMs >= 0.05) {
      add(
        {
          rule: 'gc-heavy',
          severity: gcMs / wallMs >= 0.15 ? 'warning' : 'info',
          message: `GC took ${Math.round((gcMs / wallMs) * 100)} % of the last ${Math.round(wallMs / 1000)} s: reduce allocation churn (reuse buffers, pool objects) or check for a heap near its limit.`,
          evidence: { gcMs: Math.round(gcMs), wallMs },
        },
        'gc',
      );
    }
  }

  // File descriptors against the limit.
  const fdLimit = input.limits?.openFds ?? null;
  if (last?.openFds != null && fdLimit) {
    const ratio = last.openFds / fdLimit;
    if (ratio >= 0.5) {
      add(
        {
          rule: 'fds-high',
          severity: ratio >= 0.8 ? 'critical' : 'warning',
          message: `${last.openFds} of ${fdLimit} file descriptors are open: look for sockets or files that are never closed, or raise ulimit -n.`,
          evidence: { openFds: last.openFds, limit: fdLimit },
        },
        'fds',
      );
    }
  }

  // Handles that keep growing.
  const handles = samples
    .filter((s) => s.activeResources)
    .map((s) => ({
      tMs: s.timestampMs,
      value: Object.values(s.activeResources!).reduce((a, b) => a + b, 0),
    }));
  if (handles.length >= 10) {
    const thinned = thin(handles, 60);
    const mk = mannKendall(thinned.map((h) => h.value));
    const slope = theilSenSlope(thinned) ?? 0;
    const from = handles[0]!.value;
    const to = handles[handles.length - 1]!.value;
    if (mk.increasingConfidence >= 0.99 && slope > 0 && to - from >= 20) {
      add(
        {
          rule: 'handles-growing',
          severity: 'warning',
          message: `Active handles grew from ${from} to ${to} over ${Math.round((handles[handles.length - 1]!.tMs - handles[0]!.tMs) / 1000)} s: timers, sockets or servers are created and never closed.`,
          evidence: { from, to, perMinute: Math.round(slope * 60_000) },
        },
        'handles',
      );
    }
  }

  // CPU.
  const cpus = samples.map((s) => s.cpuPercent).filter((v): v is number => v !== null);
  if (cpus.length >= 5) {
    const avg = cpus.reduce((a, b) => a + b, 0) / cpus.length;
    if (avg >= 80) {
      add(
        {
          rule: 'cpu-busy',
          severity: 'warning',
          message: `CPU averaged ${Math.round(avg)} % over ${cpus.length} samples: one core is nearly saturated; profile the hot path or run more processes (cluster, workers).`,
          evidence: { avgCpuPercent: Math.round(avg) },
        },
        'cpu',
      );
    }
  }

  // Active critical alerts nobody has acknowledged.
  const critical = input.alerts.filter((a) => a.endMs === null && a.severity === 'critical');
  for (const a of critical.slice(0, 3)) {
    if (out.some((r) => r.severity === 'critical' && r.rule.startsWith(a.rule))) continue;
    add(
      {
        rule: `alert-${a.rule}`,
        severity: 'critical',
        message: a.message,
        evidence: { value: a.value, limit: a.limit },
      },
      a.subject ?? a.rule,
    );
  }
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** At most `n` evenly spaced points (keeps the O(n^2) statistics cheap). */
function thin<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
  return out;
}

// Limits, alerts, leak verdicts and recommendations: plain data shared by the core, the
// shells and the renderer. Every string that names something in the target (class
// names, pool names, retainer paths) is hostile: render as text only.
import type { TargetId } from './model';

// ---- limits ---------------------------------------------------------------------------

/**
 * Per-target limits. A null limit means "use what the target reports" for heap
 * (heap_size_limit) and file descriptors (RLIMIT_NOFILE soft limit), and "off" for the
 * others. Warning at 80 %, critical at 90 % of a limit (the seed's thresholds).
 */
export interface Limits {
  rssBytes: number | null;
  /** null: the target's V8 heap limit. */
  heapUsedBytes: number | null;
  /** null: the target's RLIMIT_NOFILE soft limit from /proc/PID/limits. */
  openFds: number | null;
  threads: number | null;
  /** Active handles and requests (process.getActiveResourcesInfo()). */
  activeHandles: number | null;
  cpuPercent: number | null;
  eventLoopDelayP99Ms: number | null;
  /** GC pause time per second of wall time. */
  gcPauseMsPerSecond: number | null;
  /** Pool utilization (in use / max, or waiters present) in percent. */
  poolUtilizationPercent: number | null;
}

export type LimitKey = keyof Limits;

export const LIMIT_KEYS: readonly LimitKey[] = [
  'rssBytes',
  'heapUsedBytes',
  'openFds',
  'threads',
  'activeHandles',
  'cpuPercent',
  'eventLoopDelayP99Ms',
  'gcPauseMsPerSecond',
  'poolUtilizationPercent',
];

export const DEFAULT_LIMITS: Readonly<Limits> = {
  rssBytes: 1024 * 1024 * 1024,
  heapUsedBytes: null,
  openFds: null,
  threads: 256,
  activeHandles: 10_000,
  cpuPercent: 100,
  eventLoopDelayP99Ms: 200,
  gcPauseMsPerSecond: 100,
  poolUtilizationPercent: 100,
};

export const WARNING_RATIO = 0.8;
export const CRITICAL_RATIO = 0.9;
/** An alert clears only after the value stayed below this share of its limit for a while. */
export const CLEAR_RATIO = 0.75;

export interface LimitsState {
  targetId: TargetId;
  limits: Limits;
  /** What the null limits resolve to for this target right now (null when unknown). */
  effective: Limits;
}

// ---- alerts ---------------------------------------------------------------------------

export type AlertRule =
  | 'rss'
  | 'heap'
  | 'fds'
  | 'threads'
  | 'handles'
  | 'cpu'
  | 'event-loop-p99'
  | 'gc-pause'
  | 'pool-saturation'
  | 'event-loop-blocked'
  | 'gc-blocking';

export type AlertSeverity = 'warning' | 'critical';

export type AlertUnit = 'bytes' | 'count' | 'percent' | 'ms' | 'ms/s';

export interface Alert {
  /** Unique within the monitor, e.g. "target-1:rss:3". */
  id: string;
  targetId: TargetId;
  rule: AlertRule;
  severity: AlertSeverity;
  startMs: number;
  /** null while active. */
  endMs: number | null;
  /** Latest value of the measured quantity. */
  value: number;
  /** Highest value seen while active. */
  peakValue: number;
  /** The limit (or rule threshold) the value is compared with. */
  limit: number;
  unit: AlertUnit;
  /** For pool alerts: the pool name (hostile). */
  subject?: string;
  /** What it means and what to do, in one or two sentences. */
  message: string;
  acknowledged: boolean;
}

export interface AlertEvent {
  targetId: TargetId;
  /** raised: new; updated: severity changed; cleared: ended; acknowledged. */
  change: 'raised' | 'updated' | 'cleared' | 'acknowledged';
  alert: Alert;
}

/** Bounded log per target (the seed keeps 1000). */
export const ALERT_LOG_CAP = 1000;

// ---- leaks ----------------------------------------------------------------------------

export type LeakState = 'not-enough-data' | 'stable' | 'suspected' | 'leak';

export interface LeakSuspect {
  /** Constructor name from the heap snapshots. Hostile text. */
  className: string;
  /** Instances added per minute across the snapshot series. */
  countPerMinute: number;
  sizeBytesPerMinute: number;
  /** Instance counts at each snapshot of the series. */
  counts: number[];
  /** "(GC roots) -> ... -> Map.table -> LeakyWidget", when the analysis found one. */
  retainerPath: string | null;
  /** What holds the instances, e.g. "Map in cache.js", when known. */
  retainedBy: string | null;
}

export interface LeakInvestigation {
  atMs: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  baselineBytes: number;
  /** heapBefore - baseline. */
  growthBytes: number;
  freedBytes: number;
  /** The seed's rule: a GC that frees less than half the growth means a leak is suspected. */
  leakSuspected: boolean;
  sentence: string;
}

export interface LeakSnapshotSeries {
  state: 'idle' | 'capturing' | 'analysing' | 'done' | 'failed' | 'unavailable';
  step: number;
  total: number;
  message?: string;
  /** Why a failed series failed (src/shared/errors.ts), e.g. MONITOR_ERR_CONFIRM_REQUIRED. */
  code?: string;
}

export interface LeakOptions {
  /** Take a series of heap snapshots when a leak is suspected (pauses the target). */
  allowSnapshots: boolean;
  /** Force a GC now and then to get post-GC points on quiet processes. */
  allowForcedGc: boolean;
  /** How often a forced GC may run, ms. */
  forcedGcIntervalMs: number;
  /** Spacing of the snapshot series, ms. */
  snapshotSpacingMs: number;
  /**
   * The user confirmed snapshots whose pre-flight says memory or disk may not be enough
   * (F14). Without it such a series stops with CONFIRM_REQUIRED before capturing.
   */
  confirmSnapshots: boolean;
}

export const DEFAULT_LEAK_OPTIONS: Readonly<LeakOptions> = {
  allowSnapshots: false,
  allowForcedGc: false,
  forcedGcIntervalMs: 30_000,
  snapshotSpacingMs: 30_000,
  confirmSnapshots: false,
};

export interface LeakVerdict {
  targetId: TargetId;
  state: LeakState;
  /** 0..1: the Mann-Kendall confidence that post-GC heap grows; null without data. */
  confidence: number | null;
  /** Theil-Sen slope of the post-GC heap; null without data. */
  growthBytesPerMinute: number | null;
  /** First post-GC heap in the window. */
  baselineBytes: number | null;
  /** Post-GC points used / needed. */
  points: number;
  pointsNeeded: number;
  windowMs: number;
  /** One sentence, e.g. "ResdashLeakyWidget +12,000 objects/min, retained by Map in cache.js". */
  sentence: string;
  suspects: LeakSuspect[];
  investigation: LeakInvestigation | null;
  snapshots: LeakSnapshotSeries;
  options: LeakOptions;
  updatedMs: number;
}

// ---- recommendations ----------------------------------------------------------------

export interface Recommendation {
  id: string;
  targetId: TargetId;
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  /** What was seen, with figures, and what to do. */
  message: string;
  evidence: Record<string, number | string>;
}

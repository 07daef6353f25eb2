// Limits and alerts for one target (the seed's ProductionResourceManager, done right):
// warning at 80 %, critical at 90 % of a limit; an alert clears only after its value
// stayed below 75 % for `clearAfterMs` (hysteresis); one active alert per rule and
// subject (de-duplication: later samples update it, they never add a new one); the log
// is bounded. Two rules in the spirit of Clinic Doctor look at a window instead of a
// limit: a blocked event loop (median delay >= 10 ms or max >= 100 ms) and GC blocking
// the loop for >= 100 ms within one second.
// Pure: fed samples, returns what changed. Time comes from the samples.
import {
  ALERT_LOG_CAP,
  CLEAR_RATIO,
  CRITICAL_RATIO,
  DEFAULT_LIMITS,
  WARNING_RATIO,
  type Alert,
  type AlertEvent,
  type AlertRule,
  type AlertSeverity,
  type AlertUnit,
  type Limits,
} from '../../shared/alert-model';
import { GC_KINDS, type Sample } from '../../shared/model';
import { POOL_WAITING_SATURATION_MS, type PoolSample } from '../../shared/pool-model';
import { formatValue } from './format';

export const CLEAR_AFTER_MS_DEFAULT = 10_000;
/** Clinic Doctor's event-loop thresholds over the window. */
export const LOOP_MEDIAN_DELAY_MS = 10;
export const LOOP_MAX_DELAY_MS = 100;
export const LOOP_WINDOW_MS = 10_000;
export const GC_BLOCKING_MS_PER_SECOND = 100;

export interface AlertEngineOptions {
  clearAfterMs?: number;
  /** Soft RLIMIT_NOFILE of the target, when known. */
  fdLimit?: number | null;
  limits?: Partial<Limits>;
  /** Makes alert ids unique across targets. */
  idPrefix?: string;
  /** Names the member in every message, e.g. "worker 3 (pid 4242)" for a worker thread. */
  member?: string;
}

/** Pool figures the engine needs, from the pools feature. */
export interface PoolView {
  sample: PoolSample | null;
  waitingForMs(poolName: string): number;
}

interface Reading {
  rule: AlertRule;
  subject?: string;
  value: number;
  limit: number;
  unit: AlertUnit;
  /** Limit rules: severity from value/limit. Window rules: triggered or not. */
  kind: 'limit' | 'window';
  triggered?: boolean;
}

interface RuleState {
  alert: Alert;
  belowSinceMs: number | null;
}

const LIMIT_RULES: ReadonlyArray<{
  rule: AlertRule;
  key: keyof Limits;
  unit: AlertUnit;
}> = [
  { rule: 'rss', key: 'rssBytes', unit: 'bytes' },
  { rule: 'heap', key: 'heapUsedBytes', unit: 'bytes' },
  { rule: 'fds', key: 'openFds', unit: 'count' },
  { rule: 'threads', key: 'threads', unit: 'count' },
  { rule: 'handles', key: 'activeHandles', unit: 'count' },
  { rule: 'cpu', key: 'cpuPercent', unit: 'percent' },
  { rule: 'event-loop-p99', key: 'eventLoopDelayP99Ms', unit: 'ms' },
  { rule: 'gc-pause', key: 'gcPauseMsPerSecond', unit: 'ms/s' },
];

export class AlertEngine {
  readonly #targetId: string;
  readonly #clearAfterMs: number;
  readonly #idPrefix: string;
  readonly #member: string | undefined;
  #limits: Limits;
  #fdLimit: number | null;
  #heapLimitBytes: number | null = null;
  readonly #active = new Map<string, RuleState>();
  #log: Alert[] = [];
  #seq = 0;
  #window: Sample[] = [];
  #prevTimestampMs: number | null = null;

  constructor(targetId: string, options: AlertEngineOptions = {}) {
    this.#targetId = targetId;
    this.#clearAfterMs = options.clearAfterMs ?? CLEAR_AFTER_MS_DEFAULT;
    this.#idPrefix = options.idPrefix ?? targetId;
    this.#member = options.member;
    this.#fdLimit = options.fdLimit ?? null;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  get limits(): Limits {
    return { ...this.#limits };
  }

  /** The limits with the target-reported values filled in. */
  effectiveLimits(): Limits {
    return {
      ...this.#limits,
      heapUsedBytes: this.#limits.heapUsedBytes ?? this.#heapLimitBytes,
      openFds: this.#limits.openFds ?? this.#fdLimit,
    };
  }

  setFdLimit(fdLimit: number | null): void {
    this.#fdLimit = fdLimit;
  }

  /** Replaces the given limits. Alerts of a rule whose limit is now off end at once. */
  setLimits(patch: Partial<Limits>, nowMs: number): AlertEvent[] {
    this.#limits = { ...this.#limits, ...patch };
    const eff = this.effectiveLimits();
    const events: AlertEvent[] = [];
    for (const [k, st] of this.#active) {
      const spec = LIMIT_RULES.find((r) => r.rule === st.alert.rule);
      const off = spec
        ? eff[spec.key] === null
        : st.alert.rule === 'pool-saturation' && eff.poolUtilizationPercent === null;
      if (off) events.push(this.#end(k, st, nowMs));
    }
    return events;
  }

  /** Evaluates every rule on one sample (and the latest pool read). */
  onSample(sample: Sample, pools?: PoolView | null): AlertEvent[] {
    const nowMs = sample.timestampMs;
    if (sample.heapLimitBytes !== null) this.#heapLimitBytes = sample.heapLimitBytes;
    this.#window.push(sample);
    while (this.#window.length > 0 && this.#window[0]!.timestampMs < nowMs - LOOP_WINDOW_MS) {
      this.#window.shift();
    }
    const readings = this.#readings(sample, pools ?? null);
    this.#prevTimestampMs = nowMs;
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const r of readings) {
      const key = r.subject === undefined ? r.rule : `${r.rule}:${r.subject}`;
      seen.add(key);
      const ev = this.#apply(key, r, nowMs);
      if (ev) events.push(ev);
    }
    // A pool that disappeared cannot stay saturated.
    for (const [key, st] of this.#active) {
      if (st.alert.rule === 'pool-saturation' && !seen.has(key) && pools?.sample) {
        events.push(this.#end(key, st, nowMs));
      }
    }
    return events;
  }

  acknowledge(alertId: string): Alert | null {
    const alert = this.#log.find((a) => a.id === alertId);
    if (!alert) return null;
    alert.acknowledged = true;
    return { ...alert };
  }

  /** Newest first. */
  list(opts: { activeOnly?: boolean } = {}): Alert[] {
    const out = opts.activeOnly ? this.#log.filter((a) => a.endMs === null) : this.#log;
    return out
      .slice()
      .reverse()
      .map((a) => ({ ...a }));
  }

  active(): Alert[] {
    return this.list({ activeOnly: true });
  }

  #readings(s: Sample, pools: PoolView | null): Reading[] {
    const out: Reading[] = [];
    const eff = this.effectiveLimits();
    const values: Record<AlertRule, number | null> = {
      rss: s.rssBytes,
      heap: s.heapUsedBytes,
      fds: s.openFds,
      threads: s.threads,
      handles: s.activeResources
        ? Object.values(s.activeResources).reduce((a, b) => a + b, 0)
        : null,
      cpu: s.cpuPercent,
      'event-loop-p99': s.eventLoopDelayP99Ms,
      'gc-pause': this.#gcMsPerSecond(s),
      'pool-saturation': null,
      'event-loop-blocked': null,
      'gc-blocking': null,
    };
    for (const { rule, key, unit } of LIMIT_RULES) {
      const limit = eff[key];
      const value = values[rule];
      if (limit === null || limit <= 0 || value === null) continue;
      out.push({ rule, value, limit, unit, kind: 'limit' });
    }
    const poolLimit = eff.poolUtilizationPercent;
    if (pools?.sample && poolLimit !== null && poolLimit > 0) {
      for (const p of pools.sample.pools) {
        if (p.error) continue;
        let pct = p.max !== null && p.max > 0 ? (p.inUse / p.max) * 100 : 0;
        // Callers queueing for a while means the pool is full whatever its max says.
        if (p.waiting > 0 && pools.waitingForMs(p.name) >= POOL_WAITING_SATURATION_MS) {
          pct = Math.max(pct, 100);
        }
        out.push({
          rule: 'pool-saturation',
          subject: p.name,
          value: pct,
          limit: poolLimit,
          unit: 'percent',
          kind: 'limit',
        });
      }
    }
    // Clinic Doctor style window rules.
    const p50s = this.#window
      .map((w) => w.eventLoopDelayP50Ms)
      .filter((v): v is number => v !== null);
    const maxes = this.#window
      .map((w) => w.eventLoopDelayMaxMs)
      .filter((v): v is number => v !== null);
    if (p50s.length > 0 && maxes.length > 0) {
      const med = median(p50s);
      const max = Math.max(...maxes);
      const byMax = max >= LOOP_MAX_DELAY_MS;
      out.push({
        rule: 'event-loop-blocked',
        value: byMax ? max : med,
        limit: byMax ? LOOP_MAX_DELAY_MS : LOOP_MEDIAN_DELAY_MS,
        unit: 'ms',
        kind: 'window',
        triggered: byMax || med >= LOOP_MEDIAN_DELAY_MS,
      });
    }
    const gcInSecond = this.#gcMsInLastSecond(s);
    if (gcInSecond !== null) {
      out.push({
        rule: 'gc-blocking',
        value: gcInSecond,
        limit: GC_BLOCKING_MS_PER_SECOND,
        unit: 'ms',
        kind: 'window',
        triggered: gcInSecond >= GC_BLOCKING_MS_PER_SECOND,
      });
    }
    return out;
  }

  #gcMsPerSecond(s: Sample): number | null {
    if (!s.gc || this.#prevTimestampMs === null) return null;
    const dtMs = s.timestampMs - this.#prevTimestampMs;
    if (dtMs <= 0) return null;
    return (gcTotalMs(s) / dtMs) * 1000;
  }

  /** GC pause within the trailing second; for intervals above 1 s, the longest pause. */
  #gcMsInLastSecond(s: Sample): number | null {
    if (!s.gc) return null;
    const dtMs = this.#prevTimestampMs === null ? null : s.timestampMs - this.#prevTimestampMs;
    if (dtMs !== null && dtMs > 1000) {
      return Math.max(...GC_KINDS.map((k) => s.gc![k].maxMs));
    }
    let total = 0;
    for (const w of this.#window) {
      if (w.timestampMs > s.timestampMs - 1000 && w.gc) total += gcTotalMs(w);
    }
    return total;
  }

  #apply(key: string, r: Reading, nowMs: number): AlertEvent | null {
    const st = this.#active.get(key);
    const ratio = r.value / r.limit;
    const severity: AlertSeverity | null =
      r.kind === 'window'
        ? r.triggered
          ? 'warning'
          : null
        : ratio >= CRITICAL_RATIO
          ? 'critical'
          : ratio >= WARNING_RATIO
            ? 'warning'
            : null;
    const below = r.kind === 'window' ? !r.triggered : ratio < CLEAR_RATIO;
    if (!st) {
      if (!severity) return null;
      const alert: Alert = {
        id: `${this.#idPrefix}:${r.rule}:${++this.#seq}`,
        targetId: this.#targetId,
        rule: r.rule,
        severity,
        startMs: nowMs,
        endMs: null,
        value: r.value,
        peakValue: r.value,
        limit: r.limit,
        unit: r.unit,
        message: '',
        acknowledged: false,
      };
      if (r.subject !== undefined) alert.subject = r.subject;
      alert.message = this.#describe(alert);
      this.#active.set(key, { alert, belowSinceMs: null });
      this.#pushLog(alert);
      return { targetId: this.#targetId, change: 'raised', alert: { ...alert } };
    }
    const a = st.alert;
    a.value = r.value;
    a.peakValue = Math.max(a.peakValue, r.value);
    if (below) {
      st.belowSinceMs ??= nowMs;
      if (nowMs - st.belowSinceMs >= this.#clearAfterMs) return this.#end(key, st, nowMs);
      return null;
    }
    st.belowSinceMs = null;
    if (severity === 'critical' && a.severity === 'warning') {
      a.severity = 'critical';
      a.limit = r.limit;
      a.message = this.#describe(a);
      return { targetId: this.#targetId, change: 'updated', alert: { ...a } };
    }
    return null;
  }

  #describe(alert: Alert): string {
    const text = describeAlert(alert);
    return this.#member ? `${this.#member}: ${text}` : text;
  }

  #end(key: string, st: RuleState, nowMs: number): AlertEvent {
    this.#active.delete(key);
    st.alert.endMs = nowMs;
    return { targetId: this.#targetId, change: 'cleared', alert: { ...st.alert } };
  }

  #pushLog(alert: Alert): void {
    this.#log.push(alert);
    if (this.#log.length <= ALERT_LOG_CAP) return;
    const endedIdx = this.#log.findIndex((a) => a.endMs !== null);
    this.#log.splice(endedIdx >= 0 ? endedIdx : 0, 1);
  }
}

export function gcTotalMs(s: Sample): number {
  if (!s.gc) return 0;
  let t = 0;
  for (const k of GC_KINDS) t += s.gc[k].totalMs;
  return t;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ADVICE: Record<AlertRule, string> = {
  rss: 'The process is close to its memory budget: look at the heap chart for a leak, or raise the limit if this is expected load.',
  heap: 'V8 will run ever longer GCs and then abort with "heap out of memory": look for a leak (Leak panel) or raise --max-old-space-size.',
  fds: 'New sockets and files will fail with EMFILE: look for sockets or files that are opened and never closed, or raise ulimit -n.',
  threads:
    'Many threads usually means a growing worker or native thread pool: check Worker creation and UV_THREADPOOL_SIZE.',
  handles:
    'Handles that keep growing are timers, sockets or servers never closed: compare the handle types on the Handles chart.',
  cpu: 'The process is busy most of the time and latency will suffer: profile the hot path or spread the work.',
  'event-loop-p99':
    'Requests wait that long behind synchronous work: find the blocking code with a CPU profile.',
  'gc-pause':
    'Much time goes to garbage collection: reduce allocation churn or check for a heap near its limit.',
  'pool-saturation':
    'Callers will queue for a resource: raise the pool max or find the slow holders that keep resources busy.',
  'event-loop-blocked':
    'Synchronous work blocks the event loop (Clinic Doctor rule: median delay >= 10 ms or max >= 100 ms): profile it and move heavy work off the loop.',
  'gc-blocking':
    'GC blocked the event loop for 100 ms or more within one second: the heap is large or churning; reduce allocations or look for a leak.',
};

const LABEL: Record<AlertRule, string> = {
  rss: 'RSS',
  heap: 'Heap used',
  fds: 'Open file descriptors',
  threads: 'Threads',
  handles: 'Active handles',
  cpu: 'CPU',
  'event-loop-p99': 'Event-loop delay p99',
  'gc-pause': 'GC pause time',
  'pool-saturation': 'Pool',
  'event-loop-blocked': 'Event-loop delay',
  'gc-blocking': 'GC pause within one second',
};

export function describeAlert(
  a: Pick<Alert, 'rule' | 'value' | 'limit' | 'unit' | 'subject'>,
): string {
  const v = formatValue(a.value, a.unit);
  const l = formatValue(a.limit, a.unit);
  const what =
    a.rule === 'pool-saturation'
      ? `Pool ${a.subject ?? '?'} is ${v} utilized (limit ${l})`
      : a.rule === 'event-loop-blocked' || a.rule === 'gc-blocking'
        ? `${LABEL[a.rule]} reached ${v} (threshold ${l})`
        : `${LABEL[a.rule]} is ${v}, ${Math.round((a.value / a.limit) * 100)} % of its limit ${l}`;
  return `${what}. ${ADVICE[a.rule]}`;
}

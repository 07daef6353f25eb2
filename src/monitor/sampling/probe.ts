// The in-target probe: JS source installed once per attach with Runtime.evaluate and
// kept under a well-known Symbol.for key, so a re-attach after a crashed dashboard
// finds and replaces the old one (idempotent) and detach removes every trace (F13).
//
// Why read() answers through a promise resolved in a setTimeout(0): the inspector runs
// Runtime.evaluate from a V8 interrupt, so a plain evaluate answers even while the
// target's event loop is blocked by a busy loop (measured here). Resolving on the next
// loop turn makes the reply arrive only when the loop turns, so a blocked loop shows as
// a late sample (F10) and the reading taken right after the block covers it (a timer,
// not setImmediate, so the histogram has already recorded the blocked delay).
import type { CdpClient } from '../inspector/cdp-client';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { GC_KINDS, type GcKind, type GcKindStats } from '../../shared/model';

export const PROBE_KEY = 'resdash.probe.v1';
/** monitorEventLoopDelay resolution; Node 20 values include it, so it is subtracted. */
export const ELD_RESOLUTION_MS = 10;

/**
 * The histogram wakes the target's loop once per resolution, whatever the sampling
 * interval: at 10 ms that was about half of what a 1 Hz watch cost an idle target.
 * At 1 s and slower, 20 ms still gives 50 delay readings per sample.
 */
export function eldResolutionFor(intervalMs: number): number {
  return intervalMs >= 1_000 ? 20 : ELD_RESOLUTION_MS;
}

/** Install expression; evaluates to { nodeVersion, replaced }. No require: getBuiltinModule. */
export const probeInstallSource = (eldResolutionMs = ELD_RESOLUTION_MS): string => `(() => {
  const KEY = Symbol.for(${JSON.stringify(PROBE_KEY)});
  const g = globalThis;
  let replaced = false;
  if (g[KEY]) {
    replaced = true;
    try { g[KEY].uninstall(); } catch {}
  }
  const ph = process.getBuiltinModule('node:perf_hooks');
  const v8 = process.getBuiltinModule('node:v8');
  const RES_MS = ${Math.max(1, Math.round(eldResolutionMs))};
  const hist = ph.monitorEventLoopDelay({ resolution: RES_MS });
  hist.enable();
  let elu = ph.performance.eventLoopUtilization();
  const c = ph.constants;
  const kindNames = new Map([
    [c.NODE_PERFORMANCE_GC_MINOR, 'minor'],
    [c.NODE_PERFORMANCE_GC_MAJOR, 'major'],
    [c.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
    [c.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
  ]);
  const freshGc = () => ({
    minor: { count: 0, totalMs: 0, maxMs: 0 },
    major: { count: 0, totalMs: 0, maxMs: 0 },
    incremental: { count: 0, totalMs: 0, maxMs: 0 },
    weakcb: { count: 0, totalMs: 0, maxMs: 0 },
  });
  let gc = freshGc();
  const obs = new ph.PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kindNames.get(e.detail ? e.detail.kind : e.kind);
      if (!kind) continue;
      const s = gc[kind];
      s.count++;
      s.totalMs += e.duration;
      if (e.duration > s.maxMs) s.maxMs = e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const ms = (ns) => Math.max(0, ns / 1e6 - RES_MS);
  let installed = true;
  // requestedAt: when the read arrived (by interrupt, possibly mid-block); how late its
  // timer fires is itself one loop-delay sample, used when the histogram has none yet
  // (Node's histogram drops the first interval after a reset).
  const snapshot = (requestedAt) => {
    const ownDelayMs = Math.max(0, ph.performance.now() - requestedAt - 1);
    const hs = v8.getHeapStatistics();
    const mu = process.memoryUsage();
    const now = ph.performance.eventLoopUtilization();
    const delta = ph.performance.eventLoopUtilization(now, elu);
    elu = now;
    const n = hist.count;
    const out = {
      timestampMs: Date.now(),
      heapUsedBytes: hs.used_heap_size,
      heapTotalBytes: hs.total_heap_size,
      heapLimitBytes: hs.heap_size_limit,
      externalBytes: mu.external,
      arrayBuffersBytes: mu.arrayBuffers,
      eventLoopDelayP50Ms: n > 0 ? ms(hist.percentile(50)) : ownDelayMs,
      eventLoopDelayP99Ms: n > 0 ? ms(hist.percentile(99)) : ownDelayMs,
      eventLoopDelayMaxMs: n > 0 ? Math.max(ms(hist.max), ownDelayMs) : ownDelayMs,
      eventLoopUtilization: delta.utilization,
      gc,
      activeResources: {},
    };
    hist.reset();
    gc = freshGc();
    for (const type of process.getActiveResourcesInfo()) {
      out.activeResources[type] = (out.activeResources[type] || 0) + 1;
    }
    // Our own read timer is running right now: do not count it.
    if (out.activeResources.Timeout > 1) out.activeResources.Timeout--;
    else delete out.activeResources.Timeout;
    return out;
  };
  const probe = {
    version: 1,
    read: () => {
      const requestedAt = ph.performance.now();
      return new Promise((resolve) => setTimeout(() => resolve(installed ? snapshot(requestedAt) : null), 0));
    },
    uninstall: () => {
      if (!installed) return false;
      installed = false;
      obs.disconnect();
      hist.disable();
      if (g[KEY] === probe) delete g[KEY];
      return true;
    },
  };
  Object.defineProperty(g, KEY, { value: probe, configurable: true, enumerable: false, writable: true });
  return { nodeVersion: process.version, replaced };
})()`;

export const PROBE_INSTALL_SOURCE = probeInstallSource();

export const PROBE_READ_SOURCE = `(() => {
  const p = globalThis[Symbol.for(${JSON.stringify(PROBE_KEY)})];
  return p ? p.read() : null;
})()`;

/**
 * Another feature's read of the target that rides on the probe's one Runtime.evaluate
 * per tick (the pools read, the leak detector's post-GC drain) instead of sending its
 * own: each evaluate wakes the target, so one per tick is what sampling costs it.
 */
export interface ProbeRider {
  /** Names its value in the reading; unique per probe. */
  readonly key: string;
  /** A JS expression to evaluate in the target on this read, or null to sit this one out. */
  expression(): string | null;
  /** What the expression evaluated to (not yet validated: target data is hostile, F9). */
  onValue(value: unknown): void;
  /** The expression threw in the target; only this rider's figures degrade. */
  onError?(message: string): void;
}

/**
 * The read expression with riders: each one evaluated in its own try/catch (one that
 * throws never costs the sample), their results sent back beside the probe's reading.
 */
export function probeReadSource(riders: readonly { key: string; expression: string }[]): string {
  if (riders.length === 0) return PROBE_READ_SOURCE;
  const parts = riders.map(
    ({ key, expression }) =>
      `  try { out[${JSON.stringify(key)}] = { value: (${expression}) }; } catch (e) { out[${JSON.stringify(key)}] = { error: String(e && e.message || e).slice(0, 500) }; }`,
  );
  return `(() => {
  const p = globalThis[Symbol.for(${JSON.stringify(PROBE_KEY)})];
  if (!p) return null;
  const out = {};
${parts.join('\n')}
  return p.read().then((r) => (r === null ? null : Object.assign(r, { riders: out })));
})()`;
}

export const PROBE_UNINSTALL_SOURCE = `(() => {
  const p = globalThis[Symbol.for(${JSON.stringify(PROBE_KEY)})];
  return p ? p.uninstall() : false;
})()`;

/** Evaluates to true while a probe is installed (used by tests and diagnostics). */
export const PROBE_PRESENT_SOURCE = `Symbol.for(${JSON.stringify(PROBE_KEY)}) in globalThis`;

export interface ProbeReading {
  timestampMs: number;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  heapLimitBytes: number | null;
  externalBytes: number | null;
  arrayBuffersBytes: number | null;
  eventLoopDelayP50Ms: number | null;
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  eventLoopUtilization: number | null;
  gc: Record<GcKind, GcKindStats> | null;
  activeResources: Record<string, number> | null;
}

/** The part of CdpClient the probe needs; tests pass a fake. */
export type ProbeClient = Pick<CdpClient, 'send'>;

const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;

/** Validates what the target sent (F9): anything malformed degrades to null, never throws. */
export function parseProbeReading(value: unknown): ProbeReading | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  let gc: Record<GcKind, GcKindStats> | null = null;
  if (typeof v.gc === 'object' && v.gc !== null) {
    const src = v.gc as Record<string, unknown>;
    const out = {} as Record<GcKind, GcKindStats>;
    let ok = true;
    for (const kind of GC_KINDS) {
      const k = src[kind] as Record<string, unknown> | undefined;
      const count = num(k?.count);
      const totalMs = num(k?.totalMs);
      const maxMs = num(k?.maxMs);
      if (count === null || totalMs === null || maxMs === null) {
        ok = false;
        break;
      }
      out[kind] = { count, totalMs, maxMs };
    }
    gc = ok ? out : null;
  }
  let activeResources: Record<string, number> | null = null;
  if (typeof v.activeResources === 'object' && v.activeResources !== null) {
    activeResources = {};
    for (const [type, count] of Object.entries(v.activeResources as Record<string, unknown>)) {
      const n = num(count);
      if (n !== null && type.length <= 200) activeResources[type] = n;
    }
  }
  const elu = num(v.eventLoopUtilization);
  return {
    timestampMs: num(v.timestampMs) ?? Date.now(),
    heapUsedBytes: num(v.heapUsedBytes),
    heapTotalBytes: num(v.heapTotalBytes),
    heapLimitBytes: num(v.heapLimitBytes),
    externalBytes: num(v.externalBytes),
    arrayBuffersBytes: num(v.arrayBuffersBytes),
    eventLoopDelayP50Ms: num(v.eventLoopDelayP50Ms),
    eventLoopDelayP99Ms: num(v.eventLoopDelayP99Ms),
    eventLoopDelayMaxMs: num(v.eventLoopDelayMaxMs),
    eventLoopUtilization: elu === null ? null : Math.min(1, elu),
    gc,
    activeResources,
  };
}

/** The dashboard-side handle of one installed probe. */
export class Probe {
  #installed = false;
  readonly #riders = new Map<string, ProbeRider>();
  constructor(
    private readonly client: ProbeClient,
    private readonly options: { eldResolutionMs?: number } = {},
  ) {}

  get installed(): boolean {
    return this.#installed;
  }

  /** Installs (or replaces) the probe; returns the target's Node version. */
  async install(timeoutMs = 5_000): Promise<{ nodeVersion: string | null; replaced: boolean }> {
    const res = await this.client.send(
      'Runtime.evaluate',
      {
        expression: probeInstallSource(this.options.eldResolutionMs),
        returnByValue: true,
        silent: true,
      },
      { timeoutMs },
    );
    if (res.exceptionDetails) {
      throw new MonitorError(
        ErrorCodes.PROTOCOL,
        `Installing the sampling probe failed in the target: ${describeException(res.exceptionDetails)}.`,
      );
    }
    this.#installed = true;
    const value = res.result.value as { nodeVersion?: unknown; replaced?: unknown } | undefined;
    return {
      nodeVersion: typeof value?.nodeVersion === 'string' ? value.nodeVersion : null,
      replaced: value?.replaced === true,
    };
  }

  /**
   * One reading; resolves when the target's event loop next turns. `timeoutMs` is a
   * hard cap against pending calls piling up; the sampler races it with its own,
   * shorter, per-tick deadline. Resolves null when the probe is gone from the target.
   */
  async read(timeoutMs: number): Promise<ProbeReading | null> {
    const riding: { rider: ProbeRider; key: string; expression: string }[] = [];
    for (const [key, rider] of this.#riders) {
      const expression = rider.expression();
      if (expression !== null) riding.push({ rider, key, expression });
    }
    let res;
    try {
      res = await this.client.send(
        'Runtime.evaluate',
        {
          expression: probeReadSource(riding),
          returnByValue: true,
          awaitPromise: true,
          silent: true,
        },
        { timeoutMs },
      );
    } catch (err) {
      for (const r of riding) r.rider.onError?.((err as Error).message);
      throw err;
    }
    if (res.exceptionDetails) {
      const message = `The sampling probe failed in the target: ${describeException(res.exceptionDetails)}.`;
      for (const r of riding) r.rider.onError?.(message);
      throw new MonitorError(ErrorCodes.PROTOCOL, message);
    }
    const value = res.result.value as { riders?: unknown } | null | undefined;
    const results =
      typeof value?.riders === 'object' && value.riders !== null
        ? (value.riders as Record<string, unknown>)
        : {};
    for (const { rider, key } of riding) {
      const r = Object.hasOwn(results, key) ? (results[key] as Record<string, unknown>) : null;
      if (r && typeof r === 'object' && 'value' in r) rider.onValue(r.value);
      else
        rider.onError?.(
          r && typeof r.error === 'string' ? r.error : 'The probe is not installed in the target.',
        );
    }
    const reading = parseProbeReading(value);
    // An install that timed out may still have landed: then detach must remove it (F13).
    if (reading !== null) this.#installed = true;
    return reading;
  }

  /** Lets another feature's read ride on this probe's reads; returns the unsubscribe. */
  ride(rider: ProbeRider): () => void {
    this.#riders.set(rider.key, rider);
    return () => {
      if (this.#riders.get(rider.key) === rider) this.#riders.delete(rider.key);
    };
  }

  /** Removes observer, histogram and global from the target. */
  async uninstall(timeoutMs = 2_000): Promise<boolean> {
    if (!this.#installed) return false;
    this.#installed = false;
    const res = await this.client.send(
      'Runtime.evaluate',
      { expression: PROBE_UNINSTALL_SOURCE, returnByValue: true, silent: true },
      { timeoutMs },
    );
    return res.result.value === true;
  }
}

function describeException(d: { text: string; exception?: { description?: string } }): string {
  return (d.exception?.description ?? d.text).split('\n')[0] ?? 'unknown error';
}

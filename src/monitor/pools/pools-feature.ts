// The 'pools' session feature: reads the target's pools at most once a second, riding
// on the probe's one Runtime.evaluate per tick (its own evaluate only where there is no
// probe: a paused target), keeps a bounded in-memory history, pushes each read as a
// `pools` event, and runs the emergency cleanup. At attach (and on rescan) it runs the
// pool discovery (./discovery.ts), whose finds the same per-tick read includes.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type {
  PoolDiscoveryResult,
  PoolReleaseResult,
  PoolSample,
  PoolStats,
} from '../../shared/pool-model';
import type { Sample } from '../../shared/model';
import type { SessionContext } from '../features/session-feature';
import type { SessionFeature } from '../features/session-feature';
import { PoolDiscovery, type OwnPauseNotes } from './discovery';
import { parsePoolRead, parseReleaseResults } from './parse-pools';
import { POOLS_READ_SOURCE, POOLS_RELEASE_SOURCE } from './pool-read-source';
import { POOLS_FEATURE_NAME, type PoolsFeature } from './pools-feature-api';

/** Pools are read at most this often, whatever the sampling interval. */
export const POOL_READ_MIN_INTERVAL_MS = 1_000;
/** One hour at one read a second. */
export const POOL_HISTORY_CAP = 3_600;
const READ_TIMEOUT_MS = 2_000;
const RELEASE_TIMEOUT_MS = 15_000;
/** The heap tools feature's name (heap-tools-feature.ts), which keeps our own pauses. */
const HEAP_TOOLS = 'heap-tools';
/** Global pools seen once stay listed (at zero) so their charts do not vanish. */
const STICKY_GLOBALS_CAP = 8;

export interface PoolsFeatureOptions {
  readMinIntervalMs?: number;
  historyCap?: number;
  /**
   * Discovery of pools made without the agent, at attach (where a probe is installed)
   * and on rescan; false turns it off. heapSearchMaxBytes: see ./discovery.ts.
   */
  discovery?: false | { heapSearchMaxBytes?: number };
}

export class PoolsFeatureImpl implements PoolsFeature {
  readonly name = POOLS_FEATURE_NAME;
  readonly #ctx: SessionContext;
  readonly #minIntervalMs: number;
  readonly #cap: number;
  readonly #history: PoolSample[] = [];
  readonly #waitingSince = new Map<string, number>();
  readonly #stickyGlobals = new Map<string, PoolStats>();
  #lastReadAtMs = -Infinity;
  #reading = false;
  #disposed = false;
  readonly #stopRiding: (() => void) | null;
  readonly #discovery: PoolDiscovery | null;

  constructor(ctx: SessionContext, options: PoolsFeatureOptions = {}) {
    this.#ctx = ctx;
    this.#discovery =
      options.discovery === false
        ? null
        : new PoolDiscovery(ctx.client, ctx.targetId, {
            now: ctx.now,
            // The heap search is a pause of ours, like a forced GC (heap tools mark them).
            pauses: () =>
              ctx.feature<SessionFeature & { pauses?: OwnPauseNotes }>(HEAP_TOOLS)?.pauses,
            ...(options.discovery?.heapSearchMaxBytes !== undefined
              ? { heapSearchMaxBytes: options.discovery.heapSearchMaxBytes }
              : {}),
          });
    this.#minIntervalMs = options.readMinIntervalMs ?? POOL_READ_MIN_INTERVAL_MS;
    this.#cap = Math.max(1, options.historyCap ?? POOL_HISTORY_CAP);
    this.#stopRiding =
      ctx.probe?.ride({
        key: 'pools',
        expression: () => {
          if (this.#disposed || !this.#due(ctx.now())) return null;
          this.#lastReadAtMs = ctx.now();
          return POOLS_READ_SOURCE;
        },
        onValue: (value) => this.#store(value),
      }) ?? null;
    // Only where the probe runs: a target paused in --inspect-brk is left alone.
    if (ctx.probe && this.#discovery) void this.#discovery.run('auto').catch(() => undefined);
  }

  /** A little slack so a 1 s sampler is not skipped every other tick by jitter. */
  #due(nowMs: number): boolean {
    return nowMs - this.#lastReadAtMs >= this.#minIntervalMs * 0.9;
  }

  onSample(sample: Sample): void {
    if (this.#stopRiding) return; // read with the probe's own read
    if (this.#reading || this.#disposed || sample.late) return;
    if (this.#ctx.info.status !== 'attached' || this.#ctx.client.closed) return;
    if (!this.#due(sample.timestampMs)) return;
    this.#lastReadAtMs = sample.timestampMs;
    this.#reading = true;
    void this.readNow()
      .catch(() => null)
      .finally(() => {
        this.#reading = false;
      });
  }

  /** One read now; resolves to the stored sample, or null when nothing usable came back. */
  async readNow(): Promise<PoolSample | null> {
    const res = await this.#ctx.client.send(
      'Runtime.evaluate',
      { expression: POOLS_READ_SOURCE, returnByValue: true, silent: true },
      { timeoutMs: READ_TIMEOUT_MS },
    );
    if (res.exceptionDetails) return null;
    return this.#store(res.result.value);
  }

  #store(value: unknown): PoolSample | null {
    if (this.#disposed) return null;
    const sample = parsePoolRead(value, this.#ctx.now());
    if (!sample) return null;
    this.#annotate(sample);
    this.#history.push(sample);
    if (this.#history.length > this.#cap) this.#history.splice(0, this.#history.length - this.#cap);
    this.#ctx.emit('pools', { targetId: this.#ctx.targetId, samples: [sample] });
    return sample;
  }

  #annotate(sample: PoolSample): void {
    const present = new Set(sample.pools.map((p) => p.name));
    for (const p of sample.pools) {
      if (p.source === 'global' && this.#stickyGlobals.size < STICKY_GLOBALS_CAP) {
        this.#stickyGlobals.set(p.name, p);
      }
    }
    for (const [name, last] of this.#stickyGlobals) {
      if (present.has(name)) continue;
      const { perOrigin: _drop, ...rest } = last;
      sample.pools.push({ ...rest, size: 0, inUse: 0, idle: 0, waiting: 0 });
    }
    for (const p of sample.pools) {
      if (p.waiting > 0) {
        const since = this.#waitingSince.get(p.name) ?? sample.timestampMs;
        this.#waitingSince.set(p.name, since);
        p.waitingForMs = sample.timestampMs - since;
      } else {
        this.#waitingSince.delete(p.name);
        p.waitingForMs = 0;
      }
    }
  }

  latest(): PoolSample | null {
    return this.#history.at(-1) ?? null;
  }

  history(fromMs?: number): PoolSample[] {
    if (fromMs === undefined) return [...this.#history];
    return this.#history.filter((s) => s.timestampMs >= fromMs);
  }

  waitingForMs(poolName: string): number {
    return this.latest()?.pools.find((p) => p.name === poolName)?.waitingForMs ?? 0;
  }

  async releaseIdle(): Promise<PoolReleaseResult[]> {
    const res = await this.#ctx.client.send(
      'Runtime.evaluate',
      {
        expression: POOLS_RELEASE_SOURCE,
        returnByValue: true,
        awaitPromise: true,
        silent: true,
      },
      { timeoutMs: RELEASE_TIMEOUT_MS },
    );
    if (res.exceptionDetails) {
      const d = res.exceptionDetails;
      throw new Error((d.exception?.description ?? d.text).split('\n')[0] ?? 'release failed');
    }
    return parseReleaseResults(res.result.value);
  }

  async rescan(): Promise<PoolDiscoveryResult> {
    if (!this.#discovery) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Pool discovery is turned off.');
    }
    if (this.#ctx.info.status === 'paused') {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'The target is paused (waiting in --inspect-brk): its pools cannot be searched yet.',
      );
    }
    return this.#discovery.run('always');
  }

  lastDiscovery(): PoolDiscoveryResult | null {
    return this.#discovery?.last ?? null;
  }

  async dispose(): Promise<void> {
    // Reads are stateless evaluates; the discovery undoes its hooks and global (F13).
    this.#disposed = true;
    this.#stopRiding?.();
    await this.#discovery?.dispose();
  }
}

export function createPoolsFeature(
  options: PoolsFeatureOptions = {},
): (ctx: SessionContext) => PoolsFeature {
  return (ctx) => new PoolsFeatureImpl(ctx, options);
}

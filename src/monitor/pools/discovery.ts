// One discovery pass over the inspector: install (or refresh) the discovery state and
// its hooks in the target, then, unless the heap is too big to search at attach,
// search it once for existing pools. Runs at attach and on a rescanPools request, never
// per tick (the per-tick read rides on the probe, see pool-read-source.ts).
//
//   Runtime.getHeapUsage                      runs no JS: is the heap small enough?
//   Runtime.evaluate(install)  -> EventEmitter.prototype (object group G)
//   Runtime.queryObjects(proto, G)            the heap search: pauses the target
//   Runtime.callFunctionOn(collect, array)    classify, keep WeakRefs, hook prototypes
//   Runtime.releaseObjectGroup(G)             the array no longer holds every emitter
//
// Runtime.queryObjects collects all garbage and walks the heap twice, and V8 drops the
// functions' type feedback in the process: a search costs several forced GCs (see
// test/bench/pool-discovery.ts), so above DEFAULT_HEAP_SEARCH_MAX_BYTES the pass at
// attach installs the hooks only (pools then appear when first used) and only an
// explicit rescan searches.
import { randomUUID } from 'node:crypto';
import type { CdpClient } from '../inspector/cdp-client';
import type { PoolDiscoveryResult } from '../../shared/pool-model';
import {
  DISCOVERY_COLLECT_FUNCTION,
  discoveryInstallSource,
  discoveryUninstallSource,
} from './discovery-source';

/**
 * The attach-time pass searches the heap only up to this used size. Measured here
 * (npm run bench:pool-discovery, medians on a busy 2-core machine) a search pauses the
 * target 7-8 times as long as one forced GC: 0.45-0.6 s at 25-50 MB, 1.1 s at 100 MB,
 * 2.3-3.4 s at 200 MB (a forced GC there: 0.29-0.51 s).
 */
export const DEFAULT_HEAP_SEARCH_MAX_BYTES = 128 * 1024 * 1024;
const INSTALL_TIMEOUT_MS = 5_000;
/** queryObjects of a multi-GB heap takes tens of seconds; it must not be cut short. */
const SEARCH_TIMEOUT_MS = 180_000;
const UNINSTALL_TIMEOUT_MS = 2_000;
const MAX_TEXT = 200;

export type DiscoveryClient = Pick<CdpClient, 'send' | 'closed'>;

/** Where the search is noted as the dashboard's own pause (the heap tools' OwnPauses). */
export interface OwnPauseNotes {
  during<T>(kind: 'gc', fn: () => Promise<T>): Promise<T>;
}

export interface PoolDiscoveryOptions {
  /** Heap used above which the attach-time pass does not search (a rescan always does). */
  heapSearchMaxBytes?: number;
  now?: () => number;
  /**
   * The search collects all garbage and stops the loop: samples overlapping it must
   * not count against the target (no alert, no leak trend), like a forced GC's.
   */
  pauses?: () => OwnPauseNotes | null | undefined;
}

interface Summary {
  discovered: number;
  hooked: string[];
}

const MB = 1024 * 1024;
const text = (v: unknown): string => String(v).slice(0, MAX_TEXT);

function parseSummary(v: unknown): Summary {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const discovered =
    typeof o.discovered === 'number' && Number.isFinite(o.discovered) && o.discovered >= 0
      ? o.discovered
      : 0;
  const hooked = Array.isArray(o.hooked)
    ? o.hooked.filter((x): x is string => typeof x === 'string').slice(0, 16)
    : [];
  return { discovered, hooked: hooked.map((h) => h.slice(0, 40)) };
}

function describe(d: { text: string; exception?: { description?: string } }): string {
  return text((d.exception?.description ?? d.text).split('\n')[0] ?? 'unknown error');
}

export class PoolDiscovery {
  readonly #client: DiscoveryClient;
  readonly #targetId: string;
  readonly #token = randomUUID();
  readonly #heapSearchMaxBytes: number;
  readonly #now: () => number;
  readonly #pauses: () => OwnPauseNotes | null | undefined;
  #installSent = false;
  #disposed = false;
  #running: Promise<PoolDiscoveryResult> | null = null;
  #runningSearches = false;
  #groups = 0;
  #last: PoolDiscoveryResult | null = null;

  constructor(client: DiscoveryClient, targetId: string, options: PoolDiscoveryOptions = {}) {
    this.#client = client;
    this.#targetId = targetId;
    this.#heapSearchMaxBytes = options.heapSearchMaxBytes ?? DEFAULT_HEAP_SEARCH_MAX_BYTES;
    this.#now = options.now ?? Date.now;
    this.#pauses = options.pauses ?? (() => null);
  }

  /** The last finished pass, if any. */
  get last(): PoolDiscoveryResult | null {
    return this.#last;
  }

  /**
   * One pass. 'auto' (attach) searches the heap only when it is small enough; 'always'
   * (a rescan the user asked for) searches it whatever its size. A pass asked for while
   * one runs waits for it, and runs again only if that one did not search but this must.
   */
  async run(search: 'auto' | 'always'): Promise<PoolDiscoveryResult> {
    while (this.#running) {
      const running = this.#running;
      const searched = this.#runningSearches;
      const result = await running.catch(() => null);
      if (result && (search === 'auto' || searched || result.heapSearched)) return result;
    }
    const p = this.#pass(search);
    this.#running = p;
    this.#runningSearches = search === 'always';
    try {
      const result = await p;
      this.#last = result;
      return result;
    } finally {
      if (this.#running === p) this.#running = null;
    }
  }

  async #pass(search: 'auto' | 'always'): Promise<PoolDiscoveryResult> {
    const started = this.#now();
    const result: PoolDiscoveryResult = {
      targetId: this.#targetId,
      discovered: 0,
      hooked: [],
      heapSearched: false,
      heapSearchMs: null,
      heapUsedBytes: null,
      durationMs: 0,
    };
    const done = (warning?: string): PoolDiscoveryResult => {
      result.durationMs = Math.max(0, this.#now() - started);
      if (warning) result.warning = text(warning);
      return result;
    };
    try {
      this.#assertLive();
      try {
        const usage = await this.#client.send('Runtime.getHeapUsage', undefined, {
          timeoutMs: INSTALL_TIMEOUT_MS,
        });
        result.heapUsedBytes = usage.usedSize;
      } catch {
        // unknown size: an attach-time pass then does not search
      }
      const used = result.heapUsedBytes;
      const searchHeap = search === 'always' || (used !== null && used <= this.#heapSearchMaxBytes);
      if (!searchHeap) {
        const summary = await this.#install(false);
        Object.assign(result, parseSummary(summary));
        return done(
          used === null
            ? 'The heap size could not be read, so it was not searched for pools made before attach; they appear when next used, or rescan.'
            : `The heap (${Math.round(used / MB)} MB) is above ${Math.round(this.#heapSearchMaxBytes / MB)} MB, so it was not searched at attach (a search pauses the process for several forced GCs); pools appear when next used, or rescan.`,
        );
      }
      const pauses = this.#pauses();
      const searchNow = (): Promise<void> => this.#search(result);
      await (pauses ? pauses.during('gc', searchNow) : searchNow());
      return done();
    } catch (err) {
      return done(`Pool discovery failed: ${(err as Error).message}`);
    }
  }

  /** Install, the heap search, classify; the object group is released whatever happens. */
  async #search(result: PoolDiscoveryResult): Promise<void> {
    this.#assertLive();
    const group = `resdash-pools-${++this.#groups}`;
    try {
      const proto = await this.#install(true, group);
      this.#assertLive();
      const t0 = this.#now();
      const found = await this.#client.send(
        'Runtime.queryObjects',
        { prototypeObjectId: proto, objectGroup: group },
        { timeoutMs: SEARCH_TIMEOUT_MS },
      );
      result.heapSearchMs = Math.max(0, this.#now() - t0);
      result.heapSearched = true;
      this.#assertLive();
      const objectId = found.objects.objectId;
      if (!objectId) throw new Error('Runtime.queryObjects returned no array');
      const collected = await this.#client.send(
        'Runtime.callFunctionOn',
        {
          objectId,
          functionDeclaration: DISCOVERY_COLLECT_FUNCTION,
          arguments: [{ value: this.#token }],
          returnByValue: true,
          silent: true,
        },
        { timeoutMs: INSTALL_TIMEOUT_MS },
      );
      if (collected.exceptionDetails) throw new Error(describe(collected.exceptionDetails));
      Object.assign(result, parseSummary(collected.result.value));
    } finally {
      if (!this.#client.closed) {
        await this.#client
          .send('Runtime.releaseObjectGroup', { objectGroup: group })
          .catch(() => undefined);
      }
    }
  }

  /** Installs the state; resolves to the walk prototype's object id, or the summary. */
  async #install(walk: true, group: string): Promise<string>;
  async #install(walk: false): Promise<unknown>;
  async #install(walk: boolean, group?: string): Promise<unknown> {
    this.#assertLive();
    this.#installSent = true;
    const res = await this.#client.send(
      'Runtime.evaluate',
      {
        expression: discoveryInstallSource(this.#token, walk),
        returnByValue: !walk,
        silent: true,
        ...(group ? { objectGroup: group } : {}),
      },
      { timeoutMs: INSTALL_TIMEOUT_MS },
    );
    if (res.exceptionDetails) throw new Error(describe(res.exceptionDetails));
    if (!walk) return res.result.value;
    if (!res.result.objectId) throw new Error('EventEmitter.prototype was not found');
    return res.result.objectId;
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('the session ended');
    if (this.#client.closed) throw new Error('the inspector connection is closed');
  }

  /**
   * Detach: restores the wrapped methods and deletes the global key. Steps of a pass
   * still in flight are ordered before this in the target, and none is sent after it.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#installSent || this.#client.closed) return;
    try {
      await this.#client.send(
        'Runtime.evaluate',
        { expression: discoveryUninstallSource(this.#token), returnByValue: true, silent: true },
        { timeoutMs: UNINSTALL_TIMEOUT_MS },
      );
    } catch (err) {
      // Nothing to undo over a closed socket: a re-attach replaces the leftover.
      if (!this.#client.closed) throw err;
    }
  }
}

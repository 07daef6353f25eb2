// The registry on globalThis under a Symbol.for key, so every copy of the agent in a
// process (two versions in node_modules, ESM and CJS) shares one, and the dashboard
// reads it with one Runtime.evaluate: no port, no network.
import { canReleaseIdle, detectKind, readPool, releaseIdle } from './adapters.js';
import type {
  AgentPoolKind,
  AgentPoolStats,
  AgentReleaseResult,
  ReadOptions,
  ReadResult,
} from './types.js';

export const REGISTRY_KEY = Symbol.for('resdash.pools.v1');
const UNDICI_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
const DEFAULT_MAX_POOLS = 32;
const DEFAULT_MAX_ORIGINS = 16;
const MAX_NAME_CHARS = 200;

export interface TrackOptions {
  /** Override the detected kind (e.g. for a pool that duck-types ambiguously). */
  kind?: AgentPoolKind;
  /** The limit, when the pool does not expose it (undici Pool hides `connections`). */
  max?: number | null;
}

interface Entry {
  name: string;
  pool: object;
  kind: AgentPoolKind;
  max: number | null;
}

export interface PoolRegistry {
  readonly version: 1;
  readonly entries: Map<string, Entry>;
  read(options?: ReadOptions): ReadResult;
  releaseIdle(): Promise<AgentReleaseResult[]>;
}

interface GlobalPool {
  name: string;
  pool: object;
  kind: AgentPoolKind;
}

/** http/https.globalAgent and undici's global dispatcher, when present. */
export function globalPools(): GlobalPool[] {
  const out: GlobalPool[] = [];
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  // Only modules the service loaded itself: never load https just to read it.
  const list = (process as { moduleLoadList?: unknown }).moduleLoadList;
  const loaded = (id: string): boolean =>
    !Array.isArray(list) || list.includes(`NativeModule ${id}`);
  for (const mod of ['http', 'https']) {
    if (!loaded(mod)) continue;
    const m = typeof get === 'function' ? (get(`node:${mod}`) as { globalAgent?: object }) : null;
    if (m?.globalAgent)
      out.push({ name: `${mod}.globalAgent`, pool: m.globalAgent, kind: 'http-agent' });
  }
  const dispatcher = (globalThis as Record<symbol, unknown>)[UNDICI_GLOBAL_DISPATCHER];
  if (typeof dispatcher === 'object' && dispatcher !== null) {
    const kind = detectKind(dispatcher);
    if (kind !== 'unknown') out.push({ name: 'undici.globalDispatcher', pool: dispatcher, kind });
  }
  return out;
}

const isEmpty = (s: AgentPoolStats): boolean => s.size + s.waiting === 0 && !s.error;

function createRegistry(): PoolRegistry {
  const entries = new Map<string, Entry>();
  const read = (options: ReadOptions = {}): ReadResult => {
    const maxPools = options.maxPools ?? DEFAULT_MAX_POOLS;
    const maxOrigins = options.maxOrigins ?? DEFAULT_MAX_ORIGINS;
    const pools: AgentPoolStats[] = [];
    let truncated = false;
    for (const e of entries.values()) {
      if (pools.length >= maxPools) {
        truncated = true;
        break;
      }
      pools.push(readPool(e.name, e.pool, e.kind, { maxOrigins, max: e.max }));
    }
    if (options.includeGlobals !== false) {
      const tracked = new Set([...entries.values()].map((e) => e.pool));
      for (const g of globalPools()) {
        if (tracked.has(g.pool)) continue;
        // An unused global agent is noise: show it once it has sockets or waiters.
        const stats = readPool(g.name, g.pool, g.kind, { maxOrigins, source: 'global' });
        if (isEmpty(stats)) continue;
        if (pools.length >= maxPools) {
          truncated = true;
          break;
        }
        pools.push(stats);
      }
    }
    return { pools, truncated };
  };
  const release = async (): Promise<AgentReleaseResult[]> => {
    // Run on a fresh turn of the loop, never from inside the inspector's interrupt.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const targets: GlobalPool[] = [...entries.values()];
    const tracked = new Set(targets.map((t) => t.pool));
    for (const g of globalPools()) if (!tracked.has(g.pool)) targets.push(g);
    const results: AgentReleaseResult[] = [];
    for (const t of targets) {
      try {
        const r = await releaseIdle(t.kind, t.pool);
        results.push({
          name: t.name,
          kind: t.kind,
          released: r.released,
          supported: r.released !== null,
          ...(r.message ? { message: r.message } : {}),
        });
      } catch (err) {
        results.push({
          name: t.name,
          kind: t.kind,
          released: null,
          supported: canReleaseIdle(t.kind, t.pool),
          message: String(err instanceof Error ? err.message : err).slice(0, 200),
        });
      }
    }
    return results;
  };
  return { version: 1, entries, read, releaseIdle: release };
}

/** The process's registry, created on first use. */
export function getRegistry(): PoolRegistry {
  const g = globalThis as Record<symbol, unknown>;
  const existing = g[REGISTRY_KEY] as PoolRegistry | undefined;
  if (existing && existing.version === 1) return existing;
  const registry = createRegistry();
  Object.defineProperty(g, REGISTRY_KEY, {
    value: registry,
    configurable: true,
    enumerable: false,
    writable: true,
  });
  return registry;
}

/**
 * Publishes `pool` under `name` for the dashboard. Tracking the same name again
 * replaces the earlier pool. Returns a function that untracks it.
 */
export function trackPool(name: string, pool: object, options: TrackOptions = {}): () => void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('trackPool: name must be a non-empty string');
  }
  if ((typeof pool !== 'object' && typeof pool !== 'function') || pool === null) {
    throw new TypeError('trackPool: pool must be an object');
  }
  const kind = options.kind ?? detectKind(pool);
  if (kind === 'unknown') {
    throw new TypeError(
      `trackPool: "${name.slice(0, 50)}" is not a pool the agent can read (undici Pool/Agent, http.Agent, generic-pool, tarn, pg Pool, or an object implementing POOL_STATS)`,
    );
  }
  const key = name.slice(0, MAX_NAME_CHARS);
  const entry: Entry = { name: key, pool, kind, max: options.max ?? null };
  const { entries } = getRegistry();
  entries.set(key, entry);
  return () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
}

export function untrackPool(name: string): boolean {
  return getRegistry().entries.delete(name.slice(0, MAX_NAME_CHARS));
}

/** What the dashboard would read now (handy in a service's own /health). */
export function readPools(options?: ReadOptions): ReadResult {
  return getRegistry().read(options);
}

export function releaseIdlePools(): Promise<AgentReleaseResult[]> {
  return getRegistry().releaseIdle();
}

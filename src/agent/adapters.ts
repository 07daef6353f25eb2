// Adapters: read the public counters of the pools people use, detected by duck typing
// (no imports of the libraries themselves), and release idle resources where the
// library offers a safe way to.
import {
  POOL_RELEASE_IDLE,
  POOL_STATS,
  type AgentOriginStats,
  type AgentPoolKind,
  type AgentPoolStats,
  type CustomPool,
  type CustomPoolStats,
} from './types.js';

type Obj = Record<PropertyKey, unknown>;

const isObj = (v: unknown): v is Obj =>
  (typeof v === 'object' || typeof v === 'function') && v !== null;
const isFn = (v: unknown): v is (...args: unknown[]) => unknown => typeof v === 'function';
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
const limit = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
const len = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** Which adapter reads `pool`; 'unknown' when none fits. */
export function detectKind(pool: unknown): AgentPoolKind {
  if (!isObj(pool)) return 'unknown';
  if (isFn(pool[POOL_STATS])) return 'object-pool';
  if (isFn(pool.numUsed) && isFn(pool.numFree) && isFn(pool.numPendingAcquires)) return 'tarn';
  if (
    typeof pool.totalCount === 'number' &&
    typeof pool.idleCount === 'number' &&
    typeof pool.waitingCount === 'number'
  ) {
    return 'pg';
  }
  if (
    typeof pool.available === 'number' &&
    typeof pool.borrowed === 'number' &&
    typeof pool.pending === 'number' &&
    isFn(pool.acquire)
  ) {
    return 'generic-pool';
  }
  if (isObj(pool.sockets) && isObj(pool.freeSockets) && isObj(pool.requests)) return 'http-agent';
  if (isFn(pool.dispatch) && 'stats' in pool) {
    const stats = pool.stats;
    // PoolStats (Pool, BalancedPool) or ClientStats (a Client: a pool of one connection);
    // an Agent's stats are keyed by origin instead.
    if (isObj(stats) && typeof stats.size === 'number' && typeof stats.running === 'number') {
      return 'undici-pool';
    }
    if (isObj(stats)) return 'undici-agent';
  }
  return 'unknown';
}

/** A private-symbol property found by its description (undici keeps its options there). */
function symbolProp(obj: Obj, description: string): unknown {
  for (const s of Object.getOwnPropertySymbols(obj)) {
    if (s.description === description) return obj[s];
  }
  return undefined;
}

type Counters = Omit<AgentPoolStats, 'name' | 'kind' | 'source' | 'canReleaseIdle' | 'error'>;

function sortAndCap(origins: AgentOriginStats[], maxOrigins: number): AgentOriginStats[] {
  origins.sort((a, b) => b.size + b.waiting - (a.size + a.waiting));
  return origins.slice(0, Math.max(0, maxOrigins));
}

function sumOrigins(
  origins: AgentOriginStats[],
): Pick<Counters, 'size' | 'inUse' | 'idle' | 'waiting'> {
  const out = { size: 0, inUse: 0, idle: 0, waiting: 0 };
  for (const o of origins) {
    out.size += o.size;
    out.inUse += o.inUse;
    out.idle += o.idle;
    out.waiting += o.waiting;
  }
  return out;
}

function readHttpAgent(agent: Obj, maxOrigins: number): Counters {
  const sockets = agent.sockets as Obj;
  const free = agent.freeSockets as Obj;
  const requests = agent.requests as Obj;
  const perOriginMax = limit(agent.maxSockets);
  const names = new Set<string>([
    ...Object.keys(sockets),
    ...Object.keys(free),
    ...Object.keys(requests),
  ]);
  const origins: AgentOriginStats[] = [];
  for (const origin of names) {
    const inUse = len(sockets[origin]);
    const idle = len(free[origin]);
    const waiting = len(requests[origin]);
    if (inUse + idle + waiting === 0) continue;
    origins.push({ origin, size: inUse + idle, inUse, idle, waiting, max: perOriginMax });
  }
  const totals = sumOrigins(origins);
  const totalMax = limit(agent.maxTotalSockets);
  const max =
    totalMax ?? (perOriginMax === null ? null : perOriginMax * Math.max(1, origins.length));
  return { ...totals, max, perOrigin: sortAndCap(origins, maxOrigins) };
}

function fromUndiciStats(stats: Obj): {
  size: number;
  inUse: number;
  idle: number;
  waiting: number;
} {
  // ClientStats.connected is a boolean (its one connection), PoolStats' a count.
  const connected = stats.connected === true ? 1 : count(stats.connected);
  if (typeof stats.free === 'number') {
    // PoolStats: free clients are connected and idle; queued requests wait for a client.
    const idle = Math.min(connected, count(stats.free));
    return { size: connected, inUse: connected - idle, idle, waiting: count(stats.queued) };
  }
  // ClientStats (an Agent with connections: 1): one socket, busy while it runs requests.
  const inUse = count(stats.running) > 0 ? connected : 0;
  return { size: connected, inUse, idle: connected - inUse, waiting: count(stats.pending) };
}

function readUndiciPool(pool: Obj, max: number | null): Counters {
  const stats = pool.stats as Obj;
  // A Client on its own is one connection.
  const own = limit(symbolProp(pool, 'connections')) ?? (typeof stats.free === 'number' ? null : 1);
  return { ...fromUndiciStats(stats), max: max ?? own };
}

function readUndiciAgent(agent: Obj, maxOrigins: number): Counters {
  const stats = agent.stats as Obj;
  const options = symbolProp(agent, 'options');
  const perOriginMax = isObj(options) ? limit(options.connections) : null;
  const origins: AgentOriginStats[] = [];
  for (const origin of Object.keys(stats)) {
    const s = stats[origin];
    if (!isObj(s)) continue;
    origins.push({ origin, ...fromUndiciStats(s), max: perOriginMax });
  }
  const max = perOriginMax === null ? null : perOriginMax * Math.max(1, origins.length);
  return { ...sumOrigins(origins), max, perOrigin: sortAndCap(origins, maxOrigins) };
}

function readGenericPool(pool: Obj): Counters {
  const idle = count(pool.available);
  const inUse = count(pool.borrowed);
  return {
    size: count(pool.size),
    max: limit(pool.max),
    min: count(pool.min),
    inUse,
    idle,
    waiting: count(pool.pending),
  };
}

function readTarn(pool: Obj): Counters {
  const call = (name: string): number => {
    const fn = pool[name];
    return isFn(fn) ? count(fn.call(pool)) : 0;
  };
  const inUse = call('numUsed');
  const idle = call('numFree');
  return {
    size: inUse + idle,
    max: limit(pool.max),
    min: count(pool.min),
    inUse,
    idle,
    waiting: call('numPendingAcquires'),
  };
}

function readPg(pool: Obj): Counters {
  const size = count(pool.totalCount);
  const idle = Math.min(size, count(pool.idleCount));
  const options = pool.options;
  return {
    size,
    max: isObj(options) ? limit(options.max) : null,
    inUse: size - idle,
    idle,
    waiting: count(pool.waitingCount),
  };
}

function readCustom(pool: CustomPool): Counters & { kind?: AgentPoolKind } {
  const s: CustomPoolStats = pool[POOL_STATS]();
  const borrowed = s.borrowed === undefined ? undefined : count(s.borrowed);
  const returned = s.returned === undefined ? undefined : count(s.returned);
  const out: Counters & { kind?: AgentPoolKind } = {
    size: count(s.size),
    max: limit(s.max),
    inUse: count(s.inUse),
    idle: count(s.idle),
    waiting: count(s.waiting),
  };
  if (s.kind) out.kind = s.kind;
  if (s.min !== undefined) out.min = s.min === null ? null : count(s.min);
  if (s.created !== undefined) out.created = count(s.created);
  if (s.destroyed !== undefined) out.destroyed = count(s.destroyed);
  if (borrowed !== undefined) out.borrowed = borrowed;
  if (returned !== undefined) out.returned = returned;
  if (borrowed !== undefined && returned !== undefined) {
    out.efficiency = borrowed === 0 ? null : Math.min(1, returned / borrowed);
  }
  if (s.oldestWaitMs !== undefined) out.oldestWaitMs = s.oldestWaitMs;
  return out;
}

export interface ReadPoolOptions {
  maxOrigins: number;
  /** A limit the caller knows better than the pool (trackPool's `max` option). */
  max?: number | null;
  source?: 'agent' | 'global';
}

/** Reads one pool; never throws (a failing read is reported in `error`). */
export function readPool(
  name: string,
  pool: unknown,
  kind: AgentPoolKind,
  options: ReadPoolOptions,
): AgentPoolStats {
  const base = {
    name,
    kind,
    source: options.source ?? 'agent',
    canReleaseIdle: canReleaseIdle(kind, pool),
  };
  try {
    if (!isObj(pool)) throw new Error('not an object');
    let counters: Counters & { kind?: AgentPoolKind };
    switch (kind) {
      case 'http-agent':
        counters = readHttpAgent(pool, options.maxOrigins);
        break;
      case 'undici-pool':
        counters = readUndiciPool(pool, options.max ?? null);
        break;
      case 'undici-agent':
        counters = readUndiciAgent(pool, options.maxOrigins);
        break;
      case 'generic-pool':
        counters = readGenericPool(pool);
        break;
      case 'tarn':
        counters = readTarn(pool);
        break;
      case 'pg':
        counters = readPg(pool);
        break;
      case 'object-pool':
        counters = readCustom(pool as unknown as CustomPool);
        break;
      default:
        throw new Error('no adapter for this kind of pool');
    }
    const { kind: reportedKind, ...rest } = counters;
    if (options.max != null) rest.max = options.max;
    return { ...base, ...rest, kind: reportedKind ?? kind };
  } catch (err) {
    return {
      ...base,
      size: 0,
      max: null,
      inUse: 0,
      idle: 0,
      waiting: 0,
      error: String(err instanceof Error ? err.message : err).slice(0, 200),
    };
  }
}

export function canReleaseIdle(kind: AgentPoolKind, pool: unknown): boolean {
  switch (kind) {
    case 'http-agent':
      return true;
    case 'generic-pool':
      return isObj(pool) && isFn(pool.acquire) && isFn(pool.destroy);
    case 'tarn':
      return isObj(pool) && isFn(pool.check) && typeof pool.idleTimeoutMillis === 'number';
    case 'object-pool':
      return isObj(pool) && isFn(pool[POOL_RELEASE_IDLE]);
    default:
      return false;
  }
}

const NOT_SUPPORTED: Partial<Record<AgentPoolKind, string>> = {
  'undici-pool': 'not supported: undici has no safe way to close only idle connections',
  'undici-agent': 'not supported: undici has no safe way to close only idle connections',
  pg: 'not supported: pg closes idle clients itself after idleTimeoutMillis',
  unknown: 'not supported for this kind of pool',
};

/** Destroys idle resources where the library allows it; resolves to how many. */
export async function releaseIdle(
  kind: AgentPoolKind,
  pool: unknown,
): Promise<{ released: number | null; message?: string }> {
  if (!canReleaseIdle(kind, pool) || !isObj(pool)) {
    return { released: null, message: NOT_SUPPORTED[kind] ?? 'not supported for this pool' };
  }
  switch (kind) {
    case 'http-agent': {
      let released = 0;
      const free = pool.freeSockets as Obj;
      for (const origin of Object.keys(free)) {
        const list = free[origin];
        if (!Array.isArray(list)) continue;
        for (const socket of [...list]) {
          if (isObj(socket) && isFn(socket.destroy)) {
            socket.destroy();
            released++;
          }
        }
      }
      return { released };
    }
    case 'generic-pool':
      return { released: await releaseGenericPoolIdle(pool) };
    case 'tarn': {
      // check() reaps free resources idle longer than idleTimeoutMillis (keeping min):
      // with the timeout at 0 for one call it reaps every idle one.
      const before = count((pool.numFree as () => number).call(pool));
      const saved = pool.idleTimeoutMillis;
      pool.idleTimeoutMillis = 0;
      try {
        (pool.check as () => void).call(pool);
      } finally {
        pool.idleTimeoutMillis = saved;
      }
      const after = count((pool.numFree as () => number).call(pool));
      return { released: Math.max(0, before - after) };
    }
    case 'object-pool': {
      const released = await (pool as unknown as Required<CustomPool>)[POOL_RELEASE_IDLE]();
      return { released: count(released) };
    }
    default:
      return { released: null, message: 'not supported for this pool' };
  }
}

/**
 * generic-pool has no public "evict idle now", and its clear() leaves destroyed items
 * in the available list when the pool is not draining. So: borrow each idle item
 * (available ones are handed out without creating new ones) and destroy it; the pool
 * refills to its min by itself. Resolves to how many were destroyed.
 */
export async function releaseGenericPoolIdle(pool: Obj): Promise<number> {
  const acquire = pool.acquire as () => Promise<unknown>;
  const destroy = pool.destroy as (item: unknown) => Promise<unknown>;
  let released = 0;
  for (let n = count(pool.available); n > 0 && count(pool.available) > 0; n--) {
    const item = await acquire.call(pool);
    await destroy.call(pool, item);
    released++;
  }
  return released;
}

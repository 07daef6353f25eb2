// The agent's own view of pool figures. It mirrors src/shared/pool-model.ts (PoolStats)
// without importing it: the agent is dependency-free and may be copied into a service.
// A type test in src/monitor/pools checks the two stay assignable.

export type AgentPoolKind =
  | 'undici-pool'
  | 'undici-agent'
  | 'http-agent'
  | 'generic-pool'
  | 'tarn'
  | 'pg'
  | 'object-pool'
  | 'unknown';

export interface AgentOriginStats {
  origin: string;
  size: number;
  inUse: number;
  idle: number;
  waiting: number;
  max?: number | null;
}

export interface AgentPoolStats {
  name: string;
  kind: AgentPoolKind;
  source: 'agent' | 'global';
  size: number;
  max: number | null;
  min?: number | null;
  inUse: number;
  idle: number;
  waiting: number;
  created?: number;
  destroyed?: number;
  borrowed?: number;
  returned?: number;
  efficiency?: number | null;
  oldestWaitMs?: number | null;
  perOrigin?: AgentOriginStats[];
  canReleaseIdle: boolean;
  error?: string;
}

export interface AgentReleaseResult {
  name: string;
  kind: AgentPoolKind;
  released: number | null;
  supported: boolean;
  message?: string;
}

export interface ReadOptions {
  /** At most this many pools in one read (the dashboard passes its cap). */
  maxPools?: number;
  /** At most this many origins per multi-origin pool. */
  maxOrigins?: number;
  /** Also read http/https.globalAgent and undici's global dispatcher (default true). */
  includeGlobals?: boolean;
}

export interface ReadResult {
  pools: AgentPoolStats[];
  truncated: boolean;
}

/** Counters a custom pool reports through the POOL_STATS protocol method. */
export interface CustomPoolStats {
  kind?: AgentPoolKind;
  size: number;
  max: number | null;
  min?: number | null;
  inUse: number;
  idle: number;
  waiting: number;
  created?: number;
  destroyed?: number;
  borrowed?: number;
  returned?: number;
  oldestWaitMs?: number | null;
}

/**
 * A pool of your own can publish itself by implementing these two methods under the
 * Symbol.for keys below (the object pool in src/agent-pools does).
 */
export const POOL_STATS = Symbol.for('resdash.pool.stats.v1');
export const POOL_RELEASE_IDLE = Symbol.for('resdash.pool.releaseIdle.v1');
/**
 * A tracked pool built on another library's pool (the object pool on generic-pool) may
 * return that inner pool from a method under this key: the dashboard, which also finds
 * pools by itself, then shows the tracked one only.
 */
export const POOL_INNER = Symbol.for('resdash.pool.inner.v1');

export interface CustomPool {
  [POOL_STATS](): CustomPoolStats;
  /** Releases idle resources; resolves to how many. */
  [POOL_RELEASE_IDLE]?(): number | Promise<number>;
  /** The pools this one is built on, to be shown as this one only. */
  [POOL_INNER]?(): readonly object[];
}

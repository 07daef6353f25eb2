// Pool utilization read from a target: what src/agent publishes (trackPool) plus the
// well-known pools read without it (http/https.globalAgent, undici's global dispatcher).
// Plain data only. Counter names follow the libraries' own public stats where they exist.

import type { TargetId } from './model';

export type PoolKind =
  | 'undici-pool'
  | 'undici-agent'
  | 'http-agent'
  | 'generic-pool'
  | 'tarn'
  | 'pg'
  | 'object-pool'
  | 'unknown';

export const POOL_KINDS: readonly PoolKind[] = [
  'undici-pool',
  'undici-agent',
  'http-agent',
  'generic-pool',
  'tarn',
  'pg',
  'object-pool',
  'unknown',
];

/**
 * Where a pool's figures came from: tracked with the agent's trackPool, one of the
 * well-known global pools, or found in the target by the dashboard (no code change).
 */
export type PoolSource = 'agent' | 'global' | 'discovered';

/** Per-origin figures of a multi-origin pool (http.Agent, undici Agent). */
export interface PoolOriginStats {
  /** e.g. "localhost:8080:" for http.Agent, "http://127.0.0.1:8080" for undici. Hostile text. */
  origin: string;
  size: number;
  inUse: number;
  idle: number;
  waiting: number;
  /** Per-origin limit (http.Agent maxSockets, undici connections), when known. */
  max?: number | null;
}

export interface PoolStats {
  /** Name given to trackPool, or e.g. "http.globalAgent". Hostile text. */
  name: string;
  kind: PoolKind;
  source: PoolSource;
  /** Resources that exist now (in use + idle). */
  size: number;
  /** The configured limit; null when unlimited or unknown. */
  max: number | null;
  min?: number | null;
  inUse: number;
  idle: number;
  /** Callers waiting for a resource (queued requests, pending acquires). */
  waiting: number;
  /** Lifetime counters, when the pool keeps them (the object pool does). */
  created?: number;
  destroyed?: number;
  borrowed?: number;
  returned?: number;
  /** returned / borrowed over the pool's lifetime, 0..1; null when nothing was borrowed. */
  efficiency?: number | null;
  /** Age of the oldest waiter in ms, when the pool knows it. */
  oldestWaitMs?: number | null;
  /**
   * How long the dashboard has seen waiters on this pool without a break, in ms (0 when
   * none now). Filled by the dashboard from consecutive reads, not by the target.
   */
  waitingForMs?: number;
  /** Multi-origin pools: top origins (capped, see POOL_ORIGINS_CAP). */
  perOrigin?: PoolOriginStats[];
  /** True when the pool supports "release idle" (emergency cleanup). */
  canReleaseIdle: boolean;
  /** Set when reading this pool threw; the counters are then 0. Hostile text. */
  error?: string;
}

/** One read of all pools of one target. */
export interface PoolSample {
  timestampMs: number;
  pools: PoolStats[];
  /** True when more pools were tracked than POOLS_CAP and some were left out. */
  truncated?: boolean;
}

/** Bounds on one read, so a target with thousands of pools stays cheap (in-target too). */
export const POOLS_CAP = 32;
export const POOL_ORIGINS_CAP = 16;

/** Saturation as the pool panel shows it (the alerts engineer raises the alert). */
export const POOL_SATURATION_RATIO = 0.9;
/** Waiters present for at least this long count as saturation. */
export const POOL_WAITING_SATURATION_MS = 5_000;

export type PoolSaturation = 'ok' | 'busy' | 'saturated';

/** The agent's registry key on globalThis (Symbol.for, shared across module copies). */
export const POOL_REGISTRY_KEY = 'resdash.pools.v1';

/**
 * Where the dashboard keeps what it found in a target without the agent (discovered
 * pools as WeakRefs, the hooks it installed), under Symbol.for; removed on detach.
 */
export const POOL_DISCOVERY_KEY = 'resdash.discovered.v1';

/** What one discovery pass (at attach, or a rescanPools request) did. */
export interface PoolDiscoveryResult {
  targetId: TargetId;
  /** Discovered pools alive in the target now (before tracked and global ones are set apart). */
  discovered: number;
  /** Libraries whose acquire path is hooked, so pools made later register on first use. */
  hooked: string[];
  /** True when this pass searched the heap for existing pools (Runtime.queryObjects). */
  heapSearched: boolean;
  /** How long the heap search took as seen from the dashboard (the target is paused meanwhile). */
  heapSearchMs: number | null;
  /** The target's used heap when the pass started (Runtime.getHeapUsage), when known. */
  heapUsedBytes: number | null;
  /** Whole pass, ms. */
  durationMs: number;
  /** Why the heap was not searched, or what failed. Plain text. */
  warning?: string;
}

/** What one pool's "release idle" did (emergency cleanup). */
export interface PoolReleaseResult {
  name: string;
  kind: PoolKind;
  /** Idle resources released; null when not supported. */
  released: number | null;
  supported: boolean;
  /** Why nothing was released (e.g. "not supported for undici"). Hostile text. */
  message?: string;
}

export interface EmergencyCleanupResult {
  targetId: TargetId;
  heapUsedBeforeBytes: number | null;
  heapUsedAfterBytes: number | null;
  /** heapUsedBefore - heapUsedAfter, clamped at 0; null when either read failed. */
  freedBytes: number | null;
  gcOk: boolean;
  pools: PoolReleaseResult[];
  durationMs: number;
}

/** The dashboard's own cleanup record (detaches and probe removals). */
export interface CleanupStats {
  attempted: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempted, 0..1; null when nothing was attempted yet. */
  successRate: number | null;
}

/** inUse / max, 0..1; null when the pool has no known limit. */
export function poolUtilization(p: Pick<PoolStats, 'inUse' | 'max'>): number | null {
  return p.max !== null && p.max > 0 ? Math.min(1, p.inUse / p.max) : null;
}

/**
 * Saturated: in use at 90 % of max or more, or waiters for POOL_WAITING_SATURATION_MS
 * or longer. Busy: any waiter, or in use at 70 % or more.
 */
export function poolSaturation(
  p: Pick<PoolStats, 'inUse' | 'max' | 'waiting' | 'waitingForMs' | 'oldestWaitMs'>,
): PoolSaturation {
  const u = poolUtilization(p);
  const waitedMs = Math.max(p.waitingForMs ?? 0, p.oldestWaitMs ?? 0);
  if (
    (u !== null && u >= POOL_SATURATION_RATIO) ||
    (p.waiting > 0 && waitedMs >= POOL_WAITING_SATURATION_MS)
  ) {
    return 'saturated';
  }
  if (p.waiting > 0 || (u !== null && u >= 0.7)) return 'busy';
  return 'ok';
}

/**
 * The process's pool efficiency (returned / borrowed) over the pools that count
 * borrows; null when none does or nothing was borrowed yet.
 */
export function poolsEfficiency(pools: readonly PoolStats[]): number | null {
  let borrowed = 0;
  let returned = 0;
  for (const p of pools) {
    if (typeof p.borrowed === 'number' && typeof p.returned === 'number') {
      borrowed += p.borrowed;
      returned += p.returned;
    }
  }
  return borrowed > 0 ? Math.min(1, returned / borrowed) : null;
}

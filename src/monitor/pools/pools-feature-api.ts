// What other features (alerts, recommendations) may read from a session's pool
// feature: `ctx.feature<PoolsFeature>(POOLS_FEATURE_NAME)`. The implementation lives in
// ./pools-feature.ts; this file holds only the interface so importers stay light.
import type { PoolDiscoveryResult, PoolReleaseResult, PoolSample } from '../../shared/pool-model';
import type { SessionFeature } from '../features/session-feature';

export const POOLS_FEATURE_NAME = 'pools';

export interface PoolsFeature extends SessionFeature {
  readonly name: typeof POOLS_FEATURE_NAME;
  /** The most recent read, or null before the first one (or when the target has no pools). */
  latest(): PoolSample | null;
  /** Reads kept in memory (bounded ring), oldest first, optionally from a time on. */
  history(fromMs?: number): PoolSample[];
  /**
   * How long each pool (by name) has had waiters without a break, in ms, as of the
   * latest read; 0 when it has none now.
   */
  waitingForMs(poolName: string): number;
  /** Asks every agent-tracked pool to release its idle resources (emergency cleanup). */
  releaseIdle(): Promise<PoolReleaseResult[]>;
  /**
   * Looks for pools made without the agent again, searching the heap whatever its size
   * (the attach-time pass skips the search on a big heap). The target pauses meanwhile.
   */
  rescan(): Promise<PoolDiscoveryResult>;
  /** The last discovery pass (at attach or a rescan), null before the first one ends. */
  lastDiscovery(): PoolDiscoveryResult | null;
}

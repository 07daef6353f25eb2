// Per-target pool reads (bounded), the last emergency cleanup per target and the
// dashboard's own cleanup success figures. Pure data and update functions only; the
// writers are in features/pools/pools-client.ts.
import type { TargetId } from '../../shared/model';
import type { CleanupStats, EmergencyCleanupResult, PoolSample } from '../../shared/pool-model';

/** 30 minutes at one read a second. */
export const POOL_SAMPLE_CAP_PER_TARGET = 1_800;

export interface PoolsSlice {
  poolsByTarget: Record<TargetId, PoolSample[]>;
  cleanupByTarget: Record<TargetId, EmergencyCleanupResult>;
  cleanupStats: CleanupStats | null;
  /** Targets with an emergency cleanup in flight. */
  cleanupBusy: Record<TargetId, true>;
}

export const initialPoolsSlice: PoolsSlice = {
  poolsByTarget: {},
  cleanupByTarget: {},
  cleanupStats: null,
  cleanupBusy: {},
};

const EMPTY: PoolSample[] = [];

/** Appends reads newer than the last one held (a batch overlapping a fetch is deduped). */
export function appendPoolSamples(
  state: Pick<PoolsSlice, 'poolsByTarget'>,
  targetId: TargetId,
  samples: readonly PoolSample[],
  cap = POOL_SAMPLE_CAP_PER_TARGET,
): Pick<PoolsSlice, 'poolsByTarget'> {
  const current = state.poolsByTarget[targetId] ?? EMPTY;
  const lastMs = current.at(-1)?.timestampMs ?? -Infinity;
  const fresh = samples
    .filter((s) => s.timestampMs > lastMs)
    .sort((a, b) => a.timestampMs - b.timestampMs);
  if (fresh.length === 0) return state;
  const next = current.concat(fresh);
  return {
    poolsByTarget: {
      ...state.poolsByTarget,
      [targetId]: next.length > cap ? next.slice(next.length - cap) : next,
    },
  };
}

export const poolsSelectors = {
  samples:
    (id: TargetId) =>
    (s: PoolsSlice): PoolSample[] =>
      s.poolsByTarget[id] ?? EMPTY,
  latest:
    (id: TargetId) =>
    (s: PoolsSlice): PoolSample | null =>
      s.poolsByTarget[id]?.at(-1) ?? null,
  cleanup:
    (id: TargetId) =>
    (s: PoolsSlice): EmergencyCleanupResult | null =>
      s.cleanupByTarget[id] ?? null,
  cleanupBusy:
    (id: TargetId) =>
    (s: PoolsSlice): boolean =>
      s.cleanupBusy[id] === true,
  cleanupStats: (s: PoolsSlice): CleanupStats | null => s.cleanupStats,
};

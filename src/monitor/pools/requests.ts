// Request handlers for pools, emergency cleanup and the cleanup success rate. The
// resource manager delegates to these with the session's context and pools feature.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type {
  CleanupStats,
  EmergencyCleanupResult,
  PoolDiscoveryResult,
  PoolSample,
} from '../../shared/pool-model';
import type { SessionContext } from '../features/session-feature';
import type { DisposalStats } from '../lifecycle/disposable';
import { emergencyCleanup } from './emergency-cleanup';
import type { PoolsFeature } from './pools-feature-api';

export function poolHistory(feature: PoolsFeature, args: unknown): PoolSample[] {
  const fromMs = (args as { fromMs?: unknown } | null | undefined)?.fromMs;
  if (fromMs !== undefined && (typeof fromMs !== 'number' || !Number.isFinite(fromMs))) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'fromMs must be a finite number of ms.');
  }
  return feature.history(fromMs);
}

/** rescanPools: one discovery pass that searches the heap whatever its size. */
export function rescanPools(feature: PoolsFeature): Promise<PoolDiscoveryResult> {
  return feature.rescan();
}

export function runEmergencyCleanup(
  context: SessionContext,
  feature: PoolsFeature,
): Promise<EmergencyCleanupResult> {
  return emergencyCleanup(context, feature);
}

export function toCleanupStats(s: DisposalStats): CleanupStats {
  const attempted = s.succeeded + s.failed;
  return {
    attempted,
    succeeded: s.succeeded,
    failed: s.failed,
    successRate: attempted === 0 ? null : s.succeeded / attempted,
  };
}

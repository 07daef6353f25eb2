// The pools' part of the client layer: pushed pool reads and answers become store
// writes; the emergency-cleanup button becomes a request. commands.ts hands it the
// connection; components call these functions and never see the transport.
import type { MonitorApi } from '../../../shared/contract';
import type { TargetId } from '../../../shared/model';
import type {
  CleanupStats,
  EmergencyCleanupResult,
  PoolDiscoveryResult,
  PoolSample,
} from '../../../shared/pool-model';
import { actions } from '../../store/actions';
import { appendPoolSamples } from '../../store/pools-slice';
import { dashboardStore, type DashboardStore } from '../../store/store';

export function bindPoolsActions(store: DashboardStore) {
  const { setState } = store;
  return {
    poolsReceived(targetId: TargetId, samples: readonly PoolSample[]): void {
      setState((s) => appendPoolSamples(s, targetId, samples));
    },
    cleanupDone(r: EmergencyCleanupResult): void {
      setState((s) => ({ cleanupByTarget: { ...s.cleanupByTarget, [r.targetId]: r } }));
    },
    cleanupStatsReceived(cleanupStats: CleanupStats): void {
      setState({ cleanupStats });
    },
    setCleanupBusy(targetId: TargetId, busy: boolean): void {
      setState((s) => {
        if (busy === (s.cleanupBusy[targetId] === true)) return {};
        const cleanupBusy = { ...s.cleanupBusy };
        if (busy) cleanupBusy[targetId] = true;
        else delete cleanupBusy[targetId];
        return { cleanupBusy };
      });
    },
  };
}

export const poolsActions = bindPoolsActions(dashboardStore);

let monitor: MonitorApi | null = null;

async function refreshCleanupStats(): Promise<void> {
  const stats = await monitor?.getCleanupStats({}).catch(() => null);
  if (stats) poolsActions.cleanupStatsReceived(stats);
}

/** Called by startClient: subscribes pool reads; returns the unsubscribe. */
export function connectPools(api: MonitorApi): () => void {
  monitor = api;
  const offPools = api.on('pools', (b) => poolsActions.poolsReceived(b.targetId, b.samples));
  // Detaches are what the cleanup success rate counts: refresh when targets change.
  const offTargets = api.on('targets', () => void refreshCleanupStats());
  return () => {
    offPools();
    offTargets();
    monitor = null;
  };
}

/** After a (re)connect: pool reads of the live targets and the cleanup figures (F26). */
export async function rehydratePools(api: MonitorApi, targetIds: TargetId[]): Promise<void> {
  await Promise.all(
    targetIds.map(async (id) => {
      const samples = await api.getPools({ targetId: id }).catch(() => null);
      if (samples) poolsActions.poolsReceived(id, samples);
    }),
  );
  const stats = await api.getCleanupStats({}).catch(() => null);
  if (stats) poolsActions.cleanupStatsReceived(stats);
}

/** The Rescan button: finds the target's pools again (a heap search: a short pause). */
export async function rescanPools(targetId: TargetId): Promise<PoolDiscoveryResult | null> {
  if (!monitor) return null;
  actions.clearError();
  try {
    return await monitor.rescanPools({ targetId });
  } catch (err) {
    actions.showError(err);
    return null;
  }
}

/** The emergency-cleanup button: idle pool resources released, then a forced GC. */
export async function emergencyCleanup(targetId: TargetId): Promise<void> {
  if (!monitor) return;
  actions.clearError();
  poolsActions.setCleanupBusy(targetId, true);
  try {
    poolsActions.cleanupDone(await monitor.emergencyCleanup({ targetId }));
  } catch (err) {
    actions.showError(err);
  } finally {
    poolsActions.setCleanupBusy(targetId, false);
  }
  await refreshCleanupStats();
}

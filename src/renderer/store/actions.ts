// Module-level actions: the only writers of the store. The client layer calls them
// with what the core sent; components call them for view state. No I/O in here.
import { serializeError } from '../../shared/errors';
import type { ProcessList, Sample, SampleBatch, TargetId, TargetInfo } from '../../shared/model';
import { applyProcessList } from './processes-slice';
import { appendBatch, dropSamples, replaceHistory, type SamplesSlice } from './samples-slice';
import { dashboardStore, type DashboardStore } from './store';
import type { ArrivedBatch } from './batch-queue';
import { cancelLiveUpdate, startLiveUpdate } from './live-update';
import { applySelect, applyTarget, applyTargetList, applyTargetRemoved } from './targets-slice';
import {
  applyPaused,
  type ConnectionState,
  type PendingConfirm,
  type TimeRange,
  type Zoom,
} from './ui-slice';

export { LIVE_UPDATE_MEASURE, LIVE_UPDATE_START_MARK } from './live-update';

export function bindActions(store: DashboardStore) {
  const { getState, setState } = store;
  /**
   * Live batches, possibly of several targets, in one store write. When the selected
   * target's view gets new samples, a live-update measure starts at the earliest of
   * its batches' arrival (none while paused or zoomed: the charts do not move then).
   */
  const samplesArrived = (batches: readonly ArrivedBatch[]): void => {
    const s = getState();
    let next: SamplesSlice = s;
    let selectedArrivedAtMs = Infinity;
    for (const { batch, arrivedAtMs } of batches) {
      if (batch.samples.length === 0) continue;
      const after = appendBatch(next, batch.targetId, batch.samples);
      if (after === next) continue; // Nothing new: no render will follow, so no mark either.
      next = after;
      if (batch.targetId === s.selectedTargetId)
        selectedArrivedAtMs = Math.min(selectedArrivedAtMs, arrivedAtMs);
    }
    if (next === s) return;
    if (selectedArrivedAtMs !== Infinity && !s.paused && s.zoom === null) {
      const view = next.samplesByTarget[s.selectedTargetId!] ?? [];
      startLiveUpdate(selectedArrivedAtMs, view[view.length - 1]?.timestampMs ?? -Infinity);
    }
    setState(next);
  };
  return {
    processListReceived(list: ProcessList, nowMs = Date.now()): void {
      setState(applyProcessList(list, nowMs));
    },
    targetsReceived(list: TargetInfo[]): void {
      setState((s) => applyTargetList(s, list));
    },
    targetUpdated(info: TargetInfo): void {
      setState((s) => applyTarget(s, info));
    },
    targetRemoved(id: TargetId): void {
      setState((s) => ({ ...applyTargetRemoved(s, id), ...dropSamples(s, id) }));
    },
    samplesArrived,
    samplesReceived(batch: SampleBatch): void {
      samplesArrived([{ batch, arrivedAtMs: performance.now() }]);
    },
    historyReceived(targetId: TargetId, history: Sample[]): void {
      setState((s) => replaceHistory(s, targetId, history));
    },
    selectTarget(id: TargetId | null): void {
      const selected = applySelect(getState(), id);
      if (
        !('selectedTargetId' in selected) ||
        selected.selectedTargetId === getState().selectedTargetId
      )
        return;
      cancelLiveUpdate();
      setState({ ...selected, zoom: null });
    },
    setTimeRange(timeRange: TimeRange): void {
      setState({ timeRange, zoom: null });
    },
    setPaused(paused: boolean): void {
      cancelLiveUpdate();
      setState((s) => applyPaused(s, paused));
    },
    /** The time range every chart of the dashboard shows; null follows the live data. */
    setZoom(zoom: Zoom | null): void {
      cancelLiveUpdate();
      setState({ zoom });
    },
    showError(err: unknown): void {
      setState({ lastError: serializeError(err) });
    },
    clearError(): void {
      setState({ lastError: null });
    },
    askConfirm(pendingConfirm: PendingConfirm): void {
      setState({ pendingConfirm });
    },
    clearConfirm(): void {
      setState({ pendingConfirm: null });
    },
    connectionChanged(connection: ConnectionState): void {
      setState({ connection });
    },
    setBusy(busy: boolean): void {
      setState({ busy });
    },
  };
}

export type DashboardActions = ReturnType<typeof bindActions>;

export const actions: DashboardActions = bindActions(dashboardStore);

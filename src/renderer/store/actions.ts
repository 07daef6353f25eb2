// Module-level actions: the only writers of the store. The client layer calls them
// with what the core sent; components call them for view state. No I/O in here.
import { serializeError } from '../../shared/errors';
import type { ProcessList, Sample, SampleBatch, TargetId, TargetInfo } from '../../shared/model';
import { applyProcessList } from './processes-slice';
import { appendBatch, dropSamples, replaceHistory } from './samples-slice';
import { dashboardStore, type DashboardStore } from './store';
import { applySelect, applyTarget, applyTargetList, applyTargetRemoved } from './targets-slice';
import { applyPaused, type ConnectionState, type PendingConfirm, type TimeRange } from './ui-slice';

/** Marked before a live batch reaches the store; the charts measure to their commit. */
export const LIVE_UPDATE_START_MARK = 'resdash:update-start';
export const LIVE_UPDATE_MEASURE = 'resdash:live-update';

export function bindActions(store: DashboardStore) {
  const { getState, setState } = store;
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
    samplesReceived(batch: SampleBatch): void {
      if (batch.samples.length === 0) return;
      const s = getState();
      const next = appendBatch(s, batch.targetId, batch.samples);
      if (next === s) return; // Nothing new: no render will follow, so no mark either.
      if (batch.targetId === s.selectedTargetId && !s.paused) {
        performance.clearMarks(LIVE_UPDATE_START_MARK);
        performance.mark(LIVE_UPDATE_START_MARK);
      }
      setState(next);
    },
    historyReceived(targetId: TargetId, history: Sample[]): void {
      setState((s) => replaceHistory(s, targetId, history));
    },
    selectTarget(id: TargetId | null): void {
      setState((s) => applySelect(s, id));
    },
    setTimeRange(timeRange: TimeRange): void {
      setState({ timeRange });
    },
    setPaused(paused: boolean): void {
      setState((s) => applyPaused(s, paused));
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

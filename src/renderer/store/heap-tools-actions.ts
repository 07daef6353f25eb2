// The only writers of the heap tools slice. No I/O in here.
import type {
  GcResult,
  SnapshotLibrary,
  SnapshotProgress,
  TimelineMarker,
} from '../../shared/heap-tools-model';
import type { TargetId } from '../../shared/model';
import type { SnapshotAnalysis, SnapshotDiff } from '../../shared/snapshot-model';
import { MARKER_CAP, addMarker, type AllocationView } from './heap-tools-slice';
import { dashboardStore, type DashboardStore } from './store';

export function bindHeapToolsActions(store: DashboardStore) {
  const { setState } = store;
  return {
    markerReceived(m: TimelineMarker): void {
      setState((s) => addMarker(s, m));
    },
    markersReceived(targetId: TargetId, markers: TimelineMarker[]): void {
      setState((s) => ({
        markersByTarget: { ...s.markersByTarget, [targetId]: markers.slice(-MARKER_CAP) },
      }));
    },
    gcDone(r: GcResult): void {
      setState((s) => ({ gcByTarget: { ...s.gcByTarget, [r.targetId]: r } }));
    },
    snapshotProgress(p: SnapshotProgress): void {
      setState((s) => ({ snapshotByTarget: { ...s.snapshotByTarget, [p.targetId]: p } }));
    },
    askSnapshotConfirm(targetId: TargetId, message: string): void {
      setState({ snapshotConfirm: { targetId, message } });
    },
    clearSnapshotConfirm(): void {
      setState({ snapshotConfirm: null });
    },
    libraryReceived(snapshotLibrary: SnapshotLibrary): void {
      setState({ snapshotLibrary });
    },
    allocations(targetId: TargetId, view: AllocationView): void {
      setState((s) => ({ allocationsByTarget: { ...s.allocationsByTarget, [targetId]: view } }));
    },
    analysisReceived(snapshotId: string, analysis: SnapshotAnalysis): void {
      setState({ snapshotAnalysis: { snapshotId, analysis } });
    },
    diffReceived(beforeId: string, afterId: string, diff: SnapshotDiff): void {
      setState({ snapshotDiff: { beforeId, afterId, diff } });
    },
    snapshotDeleted(snapshotId: string): void {
      setState((s) => ({
        snapshotAnalysis: s.snapshotAnalysis?.snapshotId === snapshotId ? null : s.snapshotAnalysis,
        snapshotDiff:
          s.snapshotDiff?.beforeId === snapshotId || s.snapshotDiff?.afterId === snapshotId
            ? null
            : s.snapshotDiff,
      }));
    },
    setHeapBusy(key: string, busy: boolean): void {
      setState((s) => {
        if (busy === key in s.heapBusy) return {};
        const heapBusy = { ...s.heapBusy };
        if (busy) heapBusy[key] = true;
        else delete heapBusy[key];
        return { heapBusy };
      });
    },
  };
}

export const heapToolsActions = bindHeapToolsActions(dashboardStore);

// Heap tools view state: GC results and timeline markers per target, the running
// snapshot's progress, the snapshot library, allocation sampling. Pure data here;
// heapToolsActions (heap-tools-actions.ts) are the only writers.
import type {
  AllocationProfile,
  GcResult,
  SnapshotLibrary,
  SnapshotProgress,
  TimelineMarker,
} from '../../shared/heap-tools-model';
import type { TargetId } from '../../shared/model';
import type { SnapshotAnalysis, SnapshotDiff } from '../../shared/snapshot-model';
import type { DashboardState } from './store';

/** Markers kept per target (the core keeps 200 too). */
export const MARKER_CAP = 200;

export interface AllocationView {
  running: boolean;
  startedAtMs: number | null;
  profile: AllocationProfile | null;
}

export interface HeapToolsSlice {
  markersByTarget: Record<TargetId, TimelineMarker[]>;
  gcByTarget: Record<TargetId, GcResult>;
  /** The latest progress of the current or last capture per target. */
  snapshotByTarget: Record<TargetId, SnapshotProgress>;
  /** The pre-flight said it may not fit: what to ask the user. */
  snapshotConfirm: { targetId: TargetId; message: string } | null;
  snapshotLibrary: SnapshotLibrary | null;
  allocationsByTarget: Record<TargetId, AllocationView>;
  /** The last analysis the user asked for, and the last diff. */
  snapshotAnalysis: { snapshotId: string; analysis: SnapshotAnalysis } | null;
  snapshotDiff: { beforeId: string; afterId: string; diff: SnapshotDiff } | null;
  /** Requests in flight, by key (e.g. `gc:target-1`), so buttons can disable. */
  heapBusy: Record<string, true>;
}

export const initialHeapToolsSlice: HeapToolsSlice = {
  markersByTarget: {},
  gcByTarget: {},
  snapshotByTarget: {},
  snapshotConfirm: null,
  snapshotLibrary: null,
  allocationsByTarget: {},
  snapshotAnalysis: null,
  snapshotDiff: null,
  heapBusy: {},
};

export function addMarker(s: HeapToolsSlice, m: TimelineMarker): Partial<HeapToolsSlice> {
  const current = s.markersByTarget[m.targetId] ?? [];
  if (current.some((x) => x.atMs === m.atMs && x.kind === m.kind)) return {};
  const next = [...current, m].sort((a, b) => a.atMs - b.atMs).slice(-MARKER_CAP);
  return { markersByTarget: { ...s.markersByTarget, [m.targetId]: next } };
}

const NO_MARKERS: TimelineMarker[] = [];

export const heapToolsSelectors = {
  markers:
    (id: TargetId | null) =>
    (s: DashboardState): TimelineMarker[] =>
      id === null ? NO_MARKERS : (s.markersByTarget[id] ?? NO_MARKERS),
  gc:
    (id: TargetId) =>
    (s: DashboardState): GcResult | null =>
      s.gcByTarget[id] ?? null,
  snapshot:
    (id: TargetId) =>
    (s: DashboardState): SnapshotProgress | null =>
      s.snapshotByTarget[id] ?? null,
  snapshotConfirm: (s: DashboardState) => s.snapshotConfirm,
  library: (s: DashboardState): SnapshotLibrary | null => s.snapshotLibrary,
  allocations:
    (id: TargetId) =>
    (s: DashboardState): AllocationView | null =>
      s.allocationsByTarget[id] ?? null,
  analysis: (s: DashboardState) => s.snapshotAnalysis,
  diff: (s: DashboardState) => s.snapshotDiff,
  busy:
    (key: string) =>
    (s: DashboardState): boolean =>
      key in s.heapBusy,
};

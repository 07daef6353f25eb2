// Model types for forced GC, heap snapshot capture, the snapshot library and
// allocation sampling. Plain data only; shared by the core, the shells and the UI.
import type { TargetId } from './model';

export interface GcResult {
  targetId: TargetId;
  /** When the GC was requested (dashboard clock). */
  atMs: number;
  heapUsedBeforeBytes: number;
  heapUsedAfterBytes: number;
  /** before - after, never below 0. */
  freedBytes: number;
  durationMs: number;
}

/** A moment drawn on the charts' timeline (a forced GC, a snapshot). */
export interface TimelineMarker {
  targetId: TargetId;
  atMs: number;
  kind: 'gc' | 'snapshot' | 'alert';
  /** Short text for the chart label. */
  label: string;
}

/** Pre-flight for a heap snapshot (F14). Bytes are estimates unless named otherwise. */
export interface SnapshotEstimate {
  targetId: TargetId;
  heapUsedBytes: number;
  /** Extra memory the target needs while V8 builds the snapshot (a multiple of heapUsed). */
  extraMemoryBytes: number;
  /** MemAvailable, or the room left under the target's cgroup limit when that is smaller. */
  availableMemoryBytes: number | null;
  /** The cgroup limit of the target (memory.max) when there is one. */
  cgroupLimitBytes: number | null;
  fileBytes: number;
  /** Free space where the snapshot will be written. */
  diskFreeBytes: number | null;
  /** How long the target's event loop will be stopped. */
  pauseSeconds: number;
  /** False when memory or disk may not be enough: the capture then needs confirm: true. */
  fits: boolean;
  /** Why it may not fit, one sentence each. */
  warnings: string[];
}

export type SnapshotPhase = 'preparing' | 'writing' | 'done' | 'failed' | 'cancelled';

/** Pushed as `snapshotProgress` while a capture runs (at most a few per second). */
export interface SnapshotProgress {
  targetId: TargetId;
  captureId: string;
  /** preparing: V8 walks the heap (no output yet); writing: its chunks arrive. */
  phase: SnapshotPhase;
  /** 0..1 of the whole capture (see `exact`). */
  fraction: number;
  /**
   * True when the walk's share of `fraction` is V8's own object counter (the capture
   * asked for exact progress); false when it is estimated from the time so far.
   */
  exact: boolean;
  /**
   * How the bytes come: 'pipe', the target's own writeHeapSnapshot() into a FIFO the
   * dashboard reads (local Linux targets), or 'inspector', the DevTools protocol.
   */
  via: 'pipe' | 'inspector';
  /** V8's own counters, objects processed of total; 0 and 0 unless exact. */
  done: number;
  total: number;
  bytesWritten: number;
  /** The expected file size (pre-flight ratio, or this target's previous capture). */
  expectedBytes: number;
  startedAtMs: number;
  /** Estimated time left; null when the estimate is already exceeded. */
  remainingMs: number | null;
  /** Set when phase is failed. */
  error?: { code: string; message: string };
}

/** One entry of the snapshot library. */
export interface SnapshotRecord {
  id: string;
  /** File name inside the library folder. Hostile when imported: text only. */
  fileName: string;
  path: string;
  source: 'captured' | 'imported';
  createdAtMs: number;
  sizeBytes: number;
  /** Heap used at capture, when known. */
  heapUsedBytes: number | null;
  pid: number | null;
  /** A worker thread's snapshot: its threadId and name (the heap is that thread's isolate). */
  threadId?: number;
  threadName?: string;
  /** The target's title when captured; the original file name when imported. */
  title: string;
  durationMs: number | null;
}

export interface SnapshotLibrary {
  dir: string;
  snapshots: SnapshotRecord[];
}

export interface CallFrameInfo {
  functionName: string;
  url: string;
  /** 1-based, as editors show them. */
  lineNumber: number;
  columnNumber: number;
}

/** One allocation site (a unique stack) and what it allocated while sampling. */
export interface AllocationSite {
  /** Top frame first. */
  stack: CallFrameInfo[];
  selfSizeBytes: number;
  /** Share of all sampled bytes, 0..1. */
  share: number;
}

export interface AllocationProfile {
  targetId: TargetId;
  startedAtMs: number;
  stoppedAtMs: number;
  samplingIntervalBytes: number;
  totalBytes: number;
  sites: AllocationSite[];
}

export interface AllocationSamplingState {
  targetId: TargetId;
  running: boolean;
  startedAtMs: number | null;
}

// The one contract between the core and every client (Electron IPC, the WebSocket
// bridge, the renderer). Main, preload, server and renderer derive their types from
// these two maps, so they cannot drift.
import type { SerializedError } from './errors';
import type {
  CleanupStats,
  EmergencyCleanupResult,
  PoolDiscoveryResult,
  PoolSample,
} from './pool-model';
import type {
  GroupAttachResult,
  ProcessList,
  Sample,
  SampleBatch,
  TargetId,
  TargetInfo,
  WorkerThreadInfo,
} from './model';
import type {
  Alert,
  AlertEvent,
  LeakOptions,
  LeakVerdict,
  LimitsState,
  Recommendation,
} from './alert-model';
import type { ExportReportArgs, ExportReportResult, MetricsStatus } from './report-model';
import type {
  AllocationProfile,
  AllocationSamplingState,
  GcResult,
  SnapshotEstimate,
  SnapshotLibrary,
  SnapshotProgress,
  SnapshotRecord,
  TimelineMarker,
} from './heap-tools-model';
import type {
  AnalysisProgressEvent,
  ConstructorStat,
  ExplorerInstances,
  ExplorerNode,
  ExplorerNodeDetails,
  ExplorerPage,
  ExplorerPath,
  ExplorerRetainer,
  ExplorerSessionInfo,
  RetainerPath,
  SnapshotAnalysis,
  SnapshotDiff,
  SnapshotRef,
} from './snapshot-model';

export interface AttachArgs {
  pid?: number;
  port?: number;
  /** ws://127.0.0.1:PORT/UUID. The host is only honoured if it is loopback or allowRemote. */
  url?: string;
  /** The user confirmed sending SIGUSR1 to open a closed inspector (F5). */
  enableInspector?: boolean;
  /** The user explicitly allows a non-loopback inspector host (F3). */
  allowRemote?: boolean;
  intervalMs?: number;
}

export interface HistoryArgs {
  targetId: TargetId;
  fromMs?: number;
  toMs?: number;
  /** Downsample to at most this many points (LTTB on heapUsed). */
  maxPoints?: number;
}

export interface Requests {
  listProcesses: { args: { ports?: number[] }; result: ProcessList };
  listTargets: { args: Record<string, never>; result: TargetInfo[] };
  attach: { args: AttachArgs; result: TargetInfo };
  detach: { args: { targetId: TargetId }; result: TargetInfo };
  /** Forget a detached target and its history. */
  removeTarget: { args: { targetId: TargetId }; result: null };
  setSampleInterval: { args: { targetId: TargetId; intervalMs: number }; result: TargetInfo };
  getHistory: { args: HistoryArgs; result: Sample[] };
  /** Start the demo service in resources/ and attach to it. */
  startDemo: { args: Record<string, never>; result: TargetInfo };
  // ---- process groups (src/monitor/groups) ----
  /**
   * Attaches every Node process of a process group (ProcessList.groups), one at a time;
   * enableInspector confirms SIGUSR1 for the members whose inspector is closed. A member
   * that fails has its error in the result; the others stay attached.
   */
  attachGroup: {
    args: { groupId: string; enableInspector?: boolean; intervalMs?: number };
    result: GroupAttachResult;
  };
  /** Detaches every live target of a group (its processes and their worker threads). */
  detachGroup: { args: { groupId: string }; result: TargetInfo[] };
  /**
   * The worker threads running in an attached process, each with its target once its
   * session has started (src/monitor/workers); NODE_TOO_OLD when the target has no
   * NodeWorker domain.
   */
  listThreads: { args: { targetId: TargetId }; result: WorkerThreadInfo[] };
  // ---- recordings, reports, Prometheus export (src/monitor/recording, report, metrics) ----
  /** Opens a recording file as a detached, read-only target whose history is the recording. */
  openRecording: { args: { path: string }; result: TargetInfo };
  /** A self-contained HTML (or JSON) report of a target over a time range. */
  exportReport: { args: ExportReportArgs; result: ExportReportResult };
  /** Serves Prometheus text on http://HOST:PORT/metrics; loopback hosts only. */
  startMetrics: { args: { port: number; host?: string }; result: MetricsStatus };
  stopMetrics: { args: Record<string, never>; result: MetricsStatus };
  getMetricsStatus: { args: Record<string, never>; result: MetricsStatus };
  // ---- limits, alerts, leak detection, recommendations (src/monitor/alerts, leaks) ----
  /** The target's limits and what null limits resolve to (heap limit, RLIMIT_NOFILE). */
  getLimits: { args: { targetId: TargetId }; result: LimitsState };
  /** Keys: rssBytes or rss, heap, fds, threads, handles, cpu, eld, gc, pool; null = off/auto. */
  setLimits: {
    args: { targetId: TargetId; limits: Record<string, number | string | null> };
    result: LimitsState;
  };
  /** Newest first; bounded log of 1000 per target. */
  getAlerts: { args: { targetId: TargetId; activeOnly?: boolean }; result: Alert[] };
  acknowledgeAlert: { args: { targetId: TargetId; alertId: string }; result: Alert };
  getLeakVerdict: { args: { targetId: TargetId }; result: LeakVerdict };
  /** Forces a GC and applies the seed's rule (freed < half the growth = leak suspected). */
  investigateLeak: { args: { targetId: TargetId }; result: LeakVerdict };
  /** Allow snapshots (series of 3 when suspected) and forced GCs for post-GC points. */
  setLeakOptions: {
    args: { targetId: TargetId; options: Partial<LeakOptions> };
    result: LeakVerdict;
  };
  getRecommendations: { args: { targetId: TargetId }; result: Recommendation[] };
  // ---- forced GC, heap snapshots, snapshot library, allocation sampling ----
  /** HeapProfiler.collectGarbage with heap used before and after; adds a timeline marker. */
  collectGarbage: { args: { targetId: TargetId }; result: GcResult };
  /** GC and snapshot moments to draw on the charts (also pushed as `marker`). */
  listMarkers: { args: { targetId: TargetId }; result: TimelineMarker[] };
  /** Pre-flight: memory, disk and pause estimate for a heap snapshot (F14). */
  estimateHeapSnapshot: { args: { targetId: TargetId }; result: SnapshotEstimate };
  /**
   * Captures into the library; fails with CONFIRM_REQUIRED unless it fits or confirm.
   * exactProgress asks V8 for its object counter, which makes the target's pause longer.
   */
  takeHeapSnapshot: {
    args: { targetId: TargetId; confirm?: boolean; exactProgress?: boolean };
    result: SnapshotRecord;
  };
  /** Stops writing the running capture and deletes its partial file. */
  cancelHeapSnapshot: { args: { targetId: TargetId }; result: { cancelled: boolean } };
  listSnapshots: { args: Record<string, never>; result: SnapshotLibrary };
  deleteSnapshot: { args: { snapshotId: string }; result: null };
  /** Copies a .heapsnapshot at a path on the dashboard's machine into the library. */
  importSnapshot: { args: { path: string }; result: SnapshotRecord };
  /** Opens the library folder in the file manager, or shows one snapshot in it. */
  showSnapshotFolder: { args: { snapshotId?: string }; result: { path: string } };
  startAllocationSampling: {
    args: { targetId: TargetId; samplingIntervalBytes?: number };
    result: AllocationSamplingState;
  };
  /** Stops sampling and returns the top sites by self size (default 10). */
  stopAllocationSampling: { args: { targetId: TargetId; top?: number }; result: AllocationProfile };
  /**
   * Import by upload (drag and drop): begin, pieces in order (base64, <= 512 KB), finish.
   * At most two at a time. An upload that gets no piece for 30 s is ended (its partial
   * file deleted; a later piece fails with TIMEOUT), and the browser shell aborts a
   * WebSocket's uploads when that socket closes.
   */
  uploadSnapshotBegin: {
    args: { fileName: string; sizeBytes: number };
    result: { uploadId: string };
  };
  uploadSnapshotChunk: {
    args: { uploadId: string; offset: number; dataBase64: string };
    result: { receivedBytes: number };
  };
  uploadSnapshotFinish: { args: { uploadId: string }; result: SnapshotRecord };
  uploadSnapshotAbort: { args: { uploadId: string }; result: null };
  // ---- heap snapshot analysis, in a child process (src/monitor/snapshots/analysis) ----
  /** Summary by class (top rows, default 50) and, with className, its retainer path. */
  analyzeSnapshot: {
    args: SnapshotRef & { top?: number; className?: string };
    result: SnapshotAnalysis;
  };
  /** Shortest path from the GC roots to an instance of className (weak edges skipped). */
  snapshotRetainerPath: { args: SnapshotRef & { className: string }; result: RetainerPath };
  /** Per-class changes from before to after; refuses different processes unless force (F22). */
  diffSnapshots: {
    args: {
      before: SnapshotRef;
      after: SnapshotRef;
      top?: number;
      maxIdsPerClass?: number;
      force?: boolean;
    };
    result: SnapshotDiff;
  };
  /** Kills running analyses; their requests fail with ANALYSIS_CANCELLED. */
  cancelSnapshotAnalysis: { args: Record<string, never>; result: { cancelled: number } };
  // ---- heap explorer: a snapshot kept open in its analysis process ----
  /**
   * Parses and indexes a snapshot once and keeps it open (at most 2 per dashboard; the
   * least recently used is closed first). Every query below is one page (<= 200 rows).
   */
  openSnapshotExplorer: { args: SnapshotRef; result: ExplorerSessionInfo };
  /** Children of an object in the dominator tree (the root when nodeId is left out), biggest first. */
  explorerChildren: {
    args: { sessionId: string; nodeId?: number; offset?: number; limit?: number };
    result: ExplorerPage<ExplorerNode>;
  };
  /** Edges into an object (weak ones marked), nearest to the root first. */
  explorerRetainers: {
    args: { sessionId: string; nodeId: number; offset?: number; limit?: number };
    result: ExplorerPage<ExplorerRetainer>;
  };
  /** Instances of a class, biggest retained first; newerThanNodeId keeps a diff's new ones. */
  explorerInstances: {
    args: {
      sessionId: string;
      className: string;
      offset?: number;
      limit?: number;
      newerThanNodeId?: number;
    };
    result: ExplorerInstances;
  };
  explorerNode: { args: { sessionId: string; nodeId: number }; result: ExplorerNodeDetails };
  /** Shortest path from the root to an object, or to the instance of a class a retainer path names. */
  explorerPath: {
    args: { sessionId: string; nodeId?: number; className?: string };
    result: ExplorerPath;
  };
  /** Classes whose name contains query (case-insensitive), biggest retained first. */
  explorerClasses: {
    args: { sessionId: string; query?: string; offset?: number; limit?: number };
    result: ExplorerPage<ConstructorStat>;
  };
  closeSnapshotExplorer: { args: { sessionId: string }; result: { closed: boolean } };
  // ---- pools, emergency cleanup, cleanup success (src/monitor/pools) ----
  /** Pool reads kept for a live target (at most one a second), oldest first. */
  getPools: { args: { targetId: TargetId; fromMs?: number }; result: PoolSample[] };
  /** Pools release idle resources, then a forced GC; reports what was freed. */
  emergencyCleanup: { args: { targetId: TargetId }; result: EmergencyCleanupResult };
  /** The dashboard's own detaches and probe removals that succeeded. */
  getCleanupStats: { args: Record<string, never>; result: CleanupStats };
  /** Looks for pools made without the agent again (searches the heap: the target pauses). */
  rescanPools: { args: { targetId: TargetId }; result: PoolDiscoveryResult };
}

export type RequestName = keyof Requests;
export type RequestArgs<K extends RequestName> = Requests[K]['args'];
export type RequestResult<K extends RequestName> = Requests[K]['result'];

export interface Events {
  /** Batched, at most a few per second per target (F27). */
  samples: SampleBatch;
  /** The whole target list whenever any target's state changes. */
  targets: TargetInfo[];
  /** Heap snapshot capture progress, a few per second, plus the final phase. */
  snapshotProgress: SnapshotProgress;
  /** A forced GC or a snapshot happened: draw it on the timeline. */
  marker: TimelineMarker;
  /** An alert was raised, escalated, cleared or acknowledged. */
  alert: AlertEvent;
  /** The leak verdict of a target changed (at most every few seconds otherwise). */
  leak: LeakVerdict;
  /** Pool reads of one target, at most one a second (src/monitor/pools). */
  pools: { targetId: TargetId; samples: PoolSample[] };
  /** Progress of a snapshot analysis running in its child process. */
  analysisProgress: AnalysisProgressEvent;
}

export type EventName = keyof Events;

export const REQUEST_NAMES = [
  'listProcesses',
  'listTargets',
  'attach',
  'detach',
  'removeTarget',
  'setSampleInterval',
  'getHistory',
  'startDemo',
  'attachGroup',
  'detachGroup',
  'listThreads',
  'openRecording',
  'exportReport',
  'startMetrics',
  'stopMetrics',
  'getMetricsStatus',
  'getLimits',
  'setLimits',
  'getAlerts',
  'acknowledgeAlert',
  'getLeakVerdict',
  'investigateLeak',
  'setLeakOptions',
  'getRecommendations',
  'collectGarbage',
  'listMarkers',
  'estimateHeapSnapshot',
  'takeHeapSnapshot',
  'cancelHeapSnapshot',
  'listSnapshots',
  'deleteSnapshot',
  'importSnapshot',
  'showSnapshotFolder',
  'startAllocationSampling',
  'stopAllocationSampling',
  'uploadSnapshotBegin',
  'uploadSnapshotChunk',
  'uploadSnapshotFinish',
  'uploadSnapshotAbort',
  'getPools',
  'emergencyCleanup',
  'getCleanupStats',
  'rescanPools',
  'analyzeSnapshot',
  'snapshotRetainerPath',
  'diffSnapshots',
  'cancelSnapshotAnalysis',
  'openSnapshotExplorer',
  'explorerChildren',
  'explorerRetainers',
  'explorerInstances',
  'explorerNode',
  'explorerPath',
  'explorerClasses',
  'closeSnapshotExplorer',
] as const satisfies readonly RequestName[];

export const EVENT_NAMES = [
  'samples',
  'targets',
  'snapshotProgress',
  'alert',
  'leak',
  'marker',
  'pools',
  'analysisProgress',
] as const satisfies readonly EventName[];

/** What the core offers every shell. Implemented in src/monitor by MonitorService. */
export type MonitorApi = {
  [K in RequestName]: (args: RequestArgs<K>) => Promise<RequestResult<K>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

// WebSocket bridge frames (browser shell). JSON text frames.
export type ClientFrame = { kind: 'request'; id: number; method: RequestName; args: unknown };
export type ServerFrame =
  | { kind: 'response'; id: number; outcome: Outcome<unknown> }
  | { kind: 'event'; event: EventName; payload: unknown };

export function isRequestName(v: unknown): v is RequestName {
  return typeof v === 'string' && (REQUEST_NAMES as readonly string[]).includes(v);
}

/** IPC channel names used by main/ipc.ts and the preload. */
export const ipcRequestChannel = (name: RequestName): string => `resdash:req:${name}`;
export const ipcEventChannel = (name: EventName): string => `resdash:evt:${name}`;
export const IPC_RENDERER_READY = 'resdash:renderer-ready';

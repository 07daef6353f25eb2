// Model types shared by the core, the shells and the renderer. Plain data only.

export type TargetId = string;

/** Where a process's inspector is, as read from /proc without signalling anything. */
export type InspectorState =
  | { state: 'closed' }
  | {
      state: 'open';
      port: number;
      /** The address the inspector is bound to, e.g. 127.0.0.1 or 0.0.0.0. */
      bindAddress: string;
      /** True when bound to a non-loopback address (F4): anyone on the network can attach. */
      exposed: boolean;
    };

export interface DiscoveredProcess {
  pid: number;
  /**
   * Short name: its package.json name, or its script (with the folder for generic names
   * such as index.js). Hostile: render as text only. Absent from older cores.
   */
  title?: string;
  /** Command line as the target reports it. Hostile: render as text only. */
  command: string;
  startTimeMs: number;
  inspector: InspectorState;
  /** Set when the dashboard is attached to this process. */
  attachedTargetId?: TargetId;
  /**
   * True for the dashboard's own processes: the process the core runs in, its ancestors
   * (npm start, npm exec resdash …) and the children it started for itself. Hidden by
   * default in UIs; attach refuses them (MONITOR_ERR_SELF).
   */
  self?: boolean;
  /** Parent pid, from /proc/PID/stat. */
  ppid?: number;
  /** The process tree this process belongs to (ProcessList.groups); absent for our own. */
  groupId?: string;
  /** Resident memory, from /proc. */
  rssBytes?: number | null;
  /** CPU since the previous listing, 100 = one core; null on the first listing. */
  cpuPercent?: number | null;
}

/**
 * Node processes that belong together, by parent pid: a cluster primary and its
 * workers, a supervisor and its children, or the Node children of one shell.
 */
export interface ProcessGroup {
  /** Stable while the root process lives. */
  id: string;
  rootPid: number;
  /** The root's command line (a shell or launcher when rootIsNode is false). Hostile. */
  rootCommand: string;
  rootIsNode: boolean;
  /** The group's Node processes, the root first when it is one. */
  memberPids: number[];
  /** Sums over the members; null when none could be read. */
  rssBytes: number | null;
  cpuPercent: number | null;
}

/** An inspector found on a port the user named (no pid known beforehand). */
export interface DiscoveredInspector {
  port: number;
  id: string;
  title: string;
  url: string;
}

export interface ProcessList {
  processes: DiscoveredProcess[];
  inspectors: DiscoveredInspector[];
  /** Process trees of the listed processes (every listed Node process is in one). */
  groups?: ProcessGroup[];
}

export type TargetStatus = 'attaching' | 'attached' | 'paused' | 'unresponsive' | 'detached';

export interface TargetInfo {
  id: TargetId;
  pid: number | null;
  /** Short name, as DiscoveredProcess.title. Hostile: render as text only. */
  title: string;
  command: string;
  port: number;
  status: TargetStatus;
  attachedAtMs: number;
  detachedAtMs?: number;
  /** Why the target is detached (exited, closed by the user, socket lost). */
  detachReason?: string;
  intervalMs: number;
  /** Prominent warnings such as an inspector exposed on 0.0.0.0 (F4). */
  warnings: string[];
  nodeVersion?: string;
  /**
   * 'worker': a worker thread inside the process parentTargetId names, sampled over that
   * process's inspector connection; it has no OS figures of its own (they are the
   * process's). Absent or 'process': a process.
   */
  kind?: 'process' | 'worker';
  /** The process group (ProcessGroup.id) the target belongs to, when known. */
  groupId?: string;
  /** Worker threads: the target of the process the thread runs in. */
  parentTargetId?: TargetId;
  /** Worker threads: worker_threads.threadId (NodeWorker's workerId). */
  threadId?: number;
  /** Worker threads: the name given to new Worker(…, {name}), if any. Hostile. */
  threadName?: string;
}

/** One member of an attachGroup answer: its target, or why it could not be attached. */
export interface GroupMemberResult {
  pid: number;
  /** Hostile: render as text only. */
  command: string;
  targetId?: TargetId;
  /** The port its inspector is on after the attach. */
  port?: number;
  error?: { code: string; message: string };
}

export interface GroupAttachResult {
  groupId: string;
  members: GroupMemberResult[];
}

/** A worker thread running in an attached process. */
export interface WorkerThreadInfo {
  threadId: number;
  /** Hostile: render as text only. */
  threadName: string | null;
  /** Its target; null when its session could not start (it ended while attaching). */
  targetId: TargetId | null;
}

export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';
export const GC_KINDS: readonly GcKind[] = ['minor', 'major', 'incremental', 'weakcb'];

export interface GcKindStats {
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * One sample of one target. A field is null when it could not be read this time
 * (target unresponsive, domain missing): charts draw a gap, never a zero (F12).
 */
/** What the dashboard itself ran in a target that pauses or burdens it. */
export const OWN_PAUSE_KINDS = ['gc', 'snapshot', 'allocation-sampling'] as const;
export type OwnPauseKind = (typeof OWN_PAUSE_KINDS)[number];

export interface Sample {
  timestampMs: number;
  /** True when the in-target figures did not arrive in time (F10). */
  late: boolean;
  /**
   * Set when this sample's interval overlaps a heap snapshot, forced GC or allocation
   * sampling that the dashboard ran: its delays and pauses are ours, so it raises no
   * alert or recommendation and is left out of percentiles and leak trends.
   */
  ownPause?: OwnPauseKind;
  cpuPercent: number | null;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  heapLimitBytes: number | null;
  externalBytes: number | null;
  arrayBuffersBytes: number | null;
  eventLoopDelayP50Ms: number | null;
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  /** 0..1 over the interval. */
  eventLoopUtilization: number | null;
  /** GC activity during the interval that ends at timestampMs, by kind. */
  gc: Record<GcKind, GcKindStats> | null;
  /** process.getActiveResourcesInfo() counted by type. */
  activeResources: Record<string, number> | null;
  openFds: number | null;
  threads: number | null;
}

export interface SampleBatch {
  targetId: TargetId;
  samples: Sample[];
}

export const INTERVAL_MIN_MS = 100;
export const INTERVAL_MAX_MS = 60_000;
export const INTERVAL_DEFAULT_MS = 1_000;

// Stable error codes. Every failure that reaches a user carries one of these, across
// IPC and the WebSocket bridge as {code, message}. Add codes; never rename them.
export const ErrorCodes = {
  BAD_ARGUMENT: 'MONITOR_ERR_BAD_ARGUMENT',
  CONNECT_REFUSED: 'MONITOR_ERR_CONNECT_REFUSED',
  TIMEOUT: 'MONITOR_ERR_TIMEOUT',
  NOT_INSPECTOR: 'MONITOR_ERR_NOT_INSPECTOR',
  REMOTE_REFUSED: 'MONITOR_ERR_REMOTE_REFUSED',
  TARGET_CLOSED: 'MONITOR_ERR_TARGET_CLOSED',
  PROTOCOL: 'MONITOR_ERR_PROTOCOL',
  NO_SUCH_PROCESS: 'MONITOR_ERR_NO_SUCH_PROCESS',
  NOT_NODE: 'MONITOR_ERR_NOT_NODE',
  INSPECTOR_CLOSED: 'MONITOR_ERR_INSPECTOR_CLOSED',
  PORT_TAKEN: 'MONITOR_ERR_PORT_TAKEN',
  SIGNAL_FAILED: 'MONITOR_ERR_SIGNAL_FAILED',
  NOT_ATTACHED: 'MONITOR_ERR_NOT_ATTACHED',
  ALREADY_ATTACHED: 'MONITOR_ERR_ALREADY_ATTACHED',
  /** The process is the dashboard itself (or its parent, or one of its helpers). */
  SELF: 'MONITOR_ERR_SELF',
  UNAUTHORIZED: 'MONITOR_ERR_UNAUTHORIZED',
  INTERNAL: 'MONITOR_ERR_INTERNAL',
  /** The renderer lost its link to the core (bridge socket closed) before an answer. */
  DISCONNECTED: 'MONITOR_ERR_DISCONNECTED',
  RENDERER_MISSING: 'MONITOR_ERR_RENDERER_MISSING',
  // Heap snapshot analysis (src/monitor/snapshots/analysis).
  /** A .heapsnapshot is corrupt, truncated, hostile or not a heap snapshot (F19). */
  SNAPSHOT_INVALID: 'MONITOR_ERR_SNAPSHOT_INVALID',
  /** Two snapshots to diff come from different processes (F22). */
  SNAPSHOT_MISMATCH: 'MONITOR_ERR_SNAPSHOT_MISMATCH',
  /** The analysis was cancelled, or its child process died. */
  ANALYSIS_CANCELLED: 'MONITOR_ERR_ANALYSIS_CANCELLED',
  ANALYSIS_FAILED: 'MONITOR_ERR_ANALYSIS_FAILED',
  /** --class / className names no class present in the snapshot. */
  CLASS_NOT_FOUND: 'MONITOR_ERR_CLASS_NOT_FOUND',
  // Heap explorer (a snapshot kept open in its analysis process).
  /** No object with that node id in the snapshot. */
  EXPLORER_NODE_NOT_FOUND: 'MONITOR_ERR_EXPLORER_NODE_NOT_FOUND',
  /** The explorer session was closed (by the user, or to make room for another): reopen. */
  EXPLORER_CLOSED: 'MONITOR_ERR_EXPLORER_CLOSED',
  /** The snapshot was deleted from the library while its explorer was open. */
  EXPLORER_SNAPSHOT_DELETED: 'MONITOR_ERR_EXPLORER_SNAPSHOT_DELETED',
  /** The analysis process holding the snapshot ended (crash, out of memory, killed): reopen. */
  EXPLORER_PROCESS_DIED: 'MONITOR_ERR_EXPLORER_PROCESS_DIED',
  // Forced GC, heap snapshot capture, snapshot library, allocation sampling.
  /** A snapshot may not fit in memory or on disk (F14): ask the user, then send confirm: true. */
  CONFIRM_REQUIRED: 'MONITOR_ERR_CONFIRM_REQUIRED',
  /** One capture per target at a time (F21). */
  SNAPSHOT_IN_PROGRESS: 'MONITOR_ERR_SNAPSHOT_IN_PROGRESS',
  SNAPSHOT_CANCELLED: 'MONITOR_ERR_SNAPSHOT_CANCELLED',
  /** Disk full, a write error, or a disk that cannot keep up (F18). */
  SNAPSHOT_WRITE_FAILED: 'MONITOR_ERR_SNAPSHOT_WRITE_FAILED',
  SNAPSHOT_NOT_FOUND: 'MONITOR_ERR_SNAPSHOT_NOT_FOUND',
  /** No file manager could be started to show a folder (the message names the folder). */
  OPEN_FAILED: 'MONITOR_ERR_OPEN_FAILED',
  ALLOCATION_SAMPLING_STATE: 'MONITOR_ERR_ALLOCATION_SAMPLING_STATE',
  // Recordings, reports, Prometheus export.
  /** A file that is not a resdash recording, or one too damaged to read. */
  RECORDING_INVALID: 'MONITOR_ERR_RECORDING_INVALID',
  /** A report or recording could not be written (disk full, permissions). */
  FILE_WRITE_FAILED: 'MONITOR_ERR_FILE_WRITE_FAILED',
  // Process groups and worker threads.
  /** The process group is gone (its root exited) or was never listed. */
  GROUP_NOT_FOUND: 'MONITOR_ERR_GROUP_NOT_FOUND',
  /** No live worker thread with that id in the process (it exited, or never ran). */
  THREAD_NOT_FOUND: 'MONITOR_ERR_THREAD_NOT_FOUND',
  /** The target's Node.js is too old for this step (the message names the version needed). */
  NODE_TOO_OLD: 'MONITOR_ERR_NODE_TOO_OLD',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** What crosses a process boundary: plain data, never an Error instance. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
}

export class MonitorError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
  toJSON(): SerializedError {
    return { code: this.code, message: this.message };
  }
}

const knownCodes = new Set<string>(Object.values(ErrorCodes));

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && knownCodes.has(v.code) && typeof v.message === 'string';
}

/** Turns anything thrown into the wire shape; unknown errors become INTERNAL. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof MonitorError) return err.toJSON();
  if (isSerializedError(err)) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: ErrorCodes.INTERNAL, message };
}

export function deserializeError(e: SerializedError): MonitorError {
  return new MonitorError(e.code, e.message);
}

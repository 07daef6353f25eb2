// How sessions are recorded to disk (README "Recordings"). A leaf module: the monitor's
// options and the session context name it without importing the recording feature.
import type { TargetInfo } from '../../shared/model';

export interface RecordingOptions {
  /** Default: the monitor's dataDir, else $RESDASH_DATA_DIR, else ~/.resdash; + /recordings. */
  dataDir?: string;
  /** Default 2 s: a crash loses at most this much. */
  flushIntervalMs?: number;
  /** Rotation size of one file (default 64 MB; NAME.prev.ndjson keeps the previous part). */
  maxFileBytes?: number;
  /** Oldest recordings in dataDir are deleted beyond this total (default 1 GB). */
  maxTotalBytes?: number;
  /** A fixed file for a target instead of one in dataDir (resdash record -o FILE). */
  pathFor?: (info: TargetInfo) => string;
}

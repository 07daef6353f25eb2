// Messages between run-analysis.ts / explorer-sessions.ts (parent) and child-entry.ts
// (analysis child).
import type { SerializedError } from '../../../shared/errors';
import type {
  AnalysisProgress,
  AnalyzeOptions,
  DiffOptions,
  ExplorerSessionInfo,
  SnapshotAnalysis,
  SnapshotDiff,
} from '../../../shared/snapshot-model';
import type { ExplorerQuery } from './explorer';

export type Job =
  | { kind: 'analyze'; file: string; options: AnalyzeOptions }
  | { kind: 'diff'; before: string; after: string; options: DiffOptions }
  /** Parse, index and stay: answer queries until 'close' (or the parent goes). */
  | { kind: 'explore'; file: string; options: { pid?: number; title?: string } };

/** After an 'explore' job has opened. */
export type ExplorerRequest =
  { kind: 'query'; id: number; query: ExplorerQuery } | { kind: 'close' };

export type OpenedInfo = Omit<ExplorerSessionInfo, 'sessionId' | 'snapshotId' | 'pid'>;

export type ChildMessage =
  | { kind: 'progress'; progress: AnalysisProgress }
  | { kind: 'result'; value: SnapshotAnalysis | SnapshotDiff }
  | { kind: 'error'; error: SerializedError }
  | { kind: 'opened'; info: OpenedInfo }
  | { kind: 'answer'; id: number; value?: unknown; error?: SerializedError };

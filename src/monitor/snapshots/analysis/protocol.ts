// Messages between run-analysis.ts (parent) and child-entry.ts (analysis child).
import type { SerializedError } from '../../../shared/errors';
import type {
  AnalysisProgress,
  AnalyzeOptions,
  DiffOptions,
  SnapshotAnalysis,
  SnapshotDiff,
} from '../../../shared/snapshot-model';

export type Job =
  | { kind: 'analyze'; file: string; options: AnalyzeOptions }
  | { kind: 'diff'; before: string; after: string; options: DiffOptions };

export type ChildMessage =
  | { kind: 'progress'; progress: AnalysisProgress }
  | { kind: 'result'; value: SnapshotAnalysis | SnapshotDiff }
  | { kind: 'error'; error: SerializedError };

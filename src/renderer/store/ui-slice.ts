// View state: time range, pause, the pending confirmation, the last error, the link.
import type { SerializedError } from '../../shared/errors';
import type { Sample, TargetId } from '../../shared/model';
import type { DashboardState } from './store';

export type TimeRange = '1m' | '5m' | '15m' | '1h';

export const TIME_RANGES: readonly { range: TimeRange; label: string; spanMs: number }[] = [
  { range: '1m', label: '1 min', spanMs: 60_000 },
  { range: '5m', label: '5 min', spanMs: 5 * 60_000 },
  { range: '15m', label: '15 min', spanMs: 15 * 60_000 },
  { range: '1h', label: '1 h', spanMs: 60 * 60_000 },
];

export function rangeSpanMs(range: TimeRange): number {
  return TIME_RANGES.find((r) => r.range === range)?.spanMs ?? 60_000;
}

/** Something the user must confirm before the client may do it. */
export type PendingConfirm = {
  kind: 'enable-inspector';
  pid: number;
  message: string;
};

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** A time range picked on a chart (drag to zoom); every chart of the dashboard shows it. */
export interface Zoom {
  fromMs: number;
  toMs: number;
}

export interface UiSlice {
  timeRange: TimeRange;
  /** While paused the charts show `frozenSamples`; live data keeps arriving underneath. */
  paused: boolean;
  frozenSamples: Record<TargetId, Sample[]> | null;
  /** Null: the charts follow the newest samples over `timeRange`. */
  zoom: Zoom | null;
  pendingConfirm: PendingConfirm | null;
  lastError: SerializedError | null;
  connection: ConnectionState;
  /** A request the user started is running (attach, start demo). */
  busy: boolean;
}

export const initialUiSlice: UiSlice = {
  timeRange: '5m',
  paused: false,
  frozenSamples: null,
  zoom: null,
  pendingConfirm: null,
  lastError: null,
  connection: 'connecting',
  busy: false,
};

/** Freezing keeps references only: sample arrays are immutable. */
export function applyPaused(state: DashboardState, paused: boolean): Partial<UiSlice> {
  return paused
    ? { paused: true, frozenSamples: state.samplesByTarget }
    : { paused: false, frozenSamples: null };
}

const EMPTY: Sample[] = [];

export const uiSelectors = {
  timeRange: (s: DashboardState): TimeRange => s.timeRange,
  paused: (s: DashboardState): boolean => s.paused,
  zoom: (s: DashboardState): Zoom | null => s.zoom,
  pendingConfirm: (s: DashboardState): PendingConfirm | null => s.pendingConfirm,
  lastError: (s: DashboardState): SerializedError | null => s.lastError,
  connection: (s: DashboardState): ConnectionState => s.connection,
  busy: (s: DashboardState): boolean => s.busy,
  /** What the charts draw: the frozen view while paused, else the live history. */
  viewSamples:
    (id: TargetId | null) =>
    (s: DashboardState): Sample[] => {
      if (id === null) return EMPTY;
      const source = s.paused && s.frozenSamples ? s.frozenSamples : s.samplesByTarget;
      return source[id] ?? EMPTY;
    },
};

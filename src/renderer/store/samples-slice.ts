// Per-target sample history, bounded (F27): the oldest samples are dropped first.
import type { Sample, TargetId } from '../../shared/model';
import type { DashboardState } from './store';

/** One hour at 1 s plus headroom. */
export const SAMPLE_CAP_PER_TARGET = Math.round(3600 * 1.2);

export interface SamplesSlice {
  /** Arrays are replaced, never mutated, so a changed reference means new data. */
  samplesByTarget: Record<TargetId, Sample[]>;
}

export const initialSamplesSlice: SamplesSlice = { samplesByTarget: {} };

const EMPTY: Sample[] = [];

function capped(samples: Sample[], cap: number): Sample[] {
  return samples.length > cap ? samples.slice(samples.length - cap) : samples;
}

/**
 * Appends a live batch. Samples not newer than the last one held are dropped, so a
 * batch that overlaps a history fetch does not duplicate points.
 */
export function appendBatch(
  state: SamplesSlice,
  targetId: TargetId,
  batch: readonly Sample[],
  cap = SAMPLE_CAP_PER_TARGET,
): SamplesSlice {
  const current = state.samplesByTarget[targetId] ?? EMPTY;
  const lastMs =
    current.length > 0 ? (current[current.length - 1] as Sample).timestampMs : -Infinity;
  const fresh = batch.filter((s) => s.timestampMs > lastMs);
  if (fresh.length === 0) return state;
  // Within a batch the core sends ascending timestamps; sort defensively if not.
  for (let i = 1; i < fresh.length; i++) {
    if ((fresh[i] as Sample).timestampMs < (fresh[i - 1] as Sample).timestampMs) {
      fresh.sort((a, b) => a.timestampMs - b.timestampMs);
      break;
    }
  }
  return {
    samplesByTarget: {
      ...state.samplesByTarget,
      [targetId]: capped(current.concat(fresh), cap),
    },
  };
}

/**
 * Installs history fetched after a (re)connect (F26). The history is authoritative;
 * live samples newer than its end that arrived meanwhile are kept after it.
 */
export function replaceHistory(
  state: SamplesSlice,
  targetId: TargetId,
  history: readonly Sample[],
  cap = SAMPLE_CAP_PER_TARGET,
): SamplesSlice {
  const sorted = [...history].sort((a, b) => a.timestampMs - b.timestampMs);
  const endMs = sorted.length > 0 ? (sorted[sorted.length - 1] as Sample).timestampMs : -Infinity;
  const newer = (state.samplesByTarget[targetId] ?? EMPTY).filter((s) => s.timestampMs > endMs);
  return {
    samplesByTarget: {
      ...state.samplesByTarget,
      [targetId]: capped(sorted.concat(newer), cap),
    },
  };
}

export function dropSamples(state: SamplesSlice, targetId: TargetId): SamplesSlice {
  if (!(targetId in state.samplesByTarget)) return state;
  const samplesByTarget = { ...state.samplesByTarget };
  delete samplesByTarget[targetId];
  return { samplesByTarget };
}

export const sampleSelectors = {
  /** Stable reference while the target gets no new data. */
  forTarget:
    (id: TargetId | null) =>
    (s: DashboardState): Sample[] =>
      id === null ? EMPTY : (s.samplesByTarget[id] ?? EMPTY),
  latest:
    (id: TargetId | null) =>
    (s: DashboardState): Sample | null => {
      const arr = id === null ? EMPTY : (s.samplesByTarget[id] ?? EMPTY);
      return arr[arr.length - 1] ?? null;
    },
};

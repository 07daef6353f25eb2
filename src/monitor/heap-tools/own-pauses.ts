// What the dashboard itself ran in a target and when: forced GCs, heap snapshots (the
// target's loop stops for the whole capture) and allocation sampling. A sample whose
// interval overlaps one of these is marked (Sample.ownPause), so the delay and GC time
// it shows are never held against the target (no alert, recommendation, percentile or
// leak trend counts it).
import type { OwnPauseKind, Sample } from '../../shared/model';

/** Kept intervals; ended ones older than this are forgotten. */
const KEEP_MS = 10 * 60_000;
const MAX_INTERVALS = 256;
/** A snapshot's mark wins over a GC's when both overlap one sample. */
const RANK: Record<OwnPauseKind, number> = { gc: 1, 'allocation-sampling': 2, snapshot: 3 };

interface Interval {
  kind: OwnPauseKind;
  startMs: number;
  /** Null while it runs. */
  endMs: number | null;
}

export class OwnPauses {
  readonly #intervals: Interval[] = [];
  #lastSampleMs: number | null = null;

  /**
   * @param now the session's clock (sample timestamps use it)
   * @param graceMs how long after an interval's end its effects still reach a reading:
   *   the GC observer's entries and the loop delay arrive with the next read
   */
  constructor(
    private readonly now: () => number,
    private readonly graceMs: () => number,
  ) {}

  /** Marks the start of something of ours; call the returned function when it ends. */
  begin(kind: OwnPauseKind): () => void {
    const interval: Interval = { kind, startMs: this.now(), endMs: null };
    this.#intervals.push(interval);
    this.#prune();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      interval.endMs = this.now();
    };
  }

  /** Runs fn as one interval of kind. */
  async during<T>(kind: OwnPauseKind, fn: () => Promise<T>): Promise<T> {
    const end = this.begin(kind);
    try {
      return await fn();
    } finally {
      end();
    }
  }

  /** Sets sample.ownPause when its interval (since the previous sample) overlaps one of ours. */
  annotate(sample: Sample): void {
    const from = this.#lastSampleMs ?? sample.timestampMs;
    this.#lastSampleMs = sample.timestampMs;
    const kind = this.overlapping(from, sample.timestampMs);
    if (kind) sample.ownPause = kind;
  }

  /** The highest-ranked kind of ours that overlaps [fromMs, toMs], if any. */
  overlapping(fromMs: number, toMs: number): OwnPauseKind | null {
    const grace = this.graceMs();
    let best: OwnPauseKind | null = null;
    for (const i of this.#intervals) {
      const end = i.endMs === null ? Infinity : i.endMs + grace;
      if (i.startMs <= toMs && end >= fromMs && (!best || RANK[i.kind] > RANK[best])) {
        best = i.kind;
      }
    }
    return best;
  }

  #prune(): void {
    const cutoff = this.now() - KEEP_MS;
    for (let i = this.#intervals.length - 1; i >= 0; i--) {
      const it = this.#intervals[i]!;
      if (it.endMs !== null && it.endMs < cutoff) this.#intervals.splice(i, 1);
    }
    if (this.#intervals.length > MAX_INTERVALS) {
      this.#intervals.splice(0, this.#intervals.length - MAX_INTERVALS);
    }
  }
}

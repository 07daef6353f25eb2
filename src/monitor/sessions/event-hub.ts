// The monitor's events: listeners per event name, and the per-target sample queue
// that is pushed as batched `samples` events at most once per batch interval (F27).
import type { EventName, Events } from '../../shared/contract';
import type { Sample, TargetId } from '../../shared/model';

/** Samples waiting to be pushed, per target; older ones are dropped (they are in history). */
export const MAX_QUEUED_SAMPLES_PER_TARGET = 600;
export const DEFAULT_BATCH_INTERVAL_MS = 250;

export class EventHub {
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();
  readonly #queue = new Map<TargetId, Sample[]>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(private readonly batchIntervalMs = DEFAULT_BATCH_INTERVAL_MS) {}

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: Events[E]) => void)(payload);
      } catch {
        // a failing listener (a closed window) must not break sampling
      }
    }
  }

  /** Queues one sample for the next batch. */
  enqueue(targetId: TargetId, sample: Sample): void {
    let q = this.#queue.get(targetId);
    if (!q) this.#queue.set(targetId, (q = []));
    q.push(sample);
    if (q.length > MAX_QUEUED_SAMPLES_PER_TARGET)
      q.splice(0, q.length - MAX_QUEUED_SAMPLES_PER_TARGET);
    this.flushSoon();
  }

  /** Pushes one target's queued samples now (before its status changes, so UIs see them in order). */
  flushTarget(targetId: TargetId): void {
    const queued = this.#queue.get(targetId);
    this.#queue.delete(targetId);
    if (queued?.length) this.emit('samples', { targetId, samples: queued });
  }

  /** Forgets a target's queued samples (it was removed). */
  drop(targetId: TargetId): void {
    this.#queue.delete(targetId);
  }

  /** At most one flush per batch interval, and only while samples are waiting. */
  flushSoon(): void {
    if (this.#flushTimer !== undefined || this.#queue.size === 0 || this.#disposed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, this.batchIntervalMs);
  }

  /** Stops the flush timer and drops what is queued; listeners stay until clearListeners. */
  dispose(): void {
    this.#disposed = true;
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#queue.clear();
  }

  clearListeners(): void {
    this.#listeners.clear();
  }

  #flush(): void {
    const batches = [...this.#queue.entries()];
    this.#queue.clear();
    for (const [targetId, samples] of batches) {
      if (samples.length > 0) this.emit('samples', { targetId, samples });
    }
  }
}

// Live sample batches are applied to the store once per animation frame, all of them
// in one write: ten targets pushing in the same second cost one store notification
// and at most one render of the dashboard per frame, not ten.
import type { SampleBatch } from '../../shared/model';
import { enterFrame } from './live-update';

export interface ArrivedBatch {
  batch: SampleBatch;
  /** performance.now() when it arrived. */
  arrivedAtMs: number;
}

export type FrameScheduler = (flush: () => void) => void;

/**
 * The next animation frame, or 100 ms at the latest: a hidden page (a minimized
 * window) runs no frames, and its batches must not pile up until it is shown again.
 */
export const nextFrame: FrameScheduler = (flush) => {
  let done = false;
  const once = (fromFrame: boolean): void => {
    if (done) return;
    done = true;
    if (fromFrame) enterFrame();
    flush();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => once(true));
  setTimeout(() => once(false), 100);
};

export function createBatchQueue(
  apply: (batches: ArrivedBatch[]) => void,
  schedule: FrameScheduler = nextFrame,
): { push(batch: SampleBatch): void; flush(): void } {
  let queue: ArrivedBatch[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const batches = queue;
    queue = [];
    apply(batches);
  };
  return {
    push(batch) {
      queue.push({ batch, arrivedAtMs: performance.now() });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

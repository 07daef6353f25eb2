// Forced GCs of one target, one at a time. The GC button, the leak detector's periodic
// forced GC and Investigate all ask the target for a full GC and read the heap before
// and after it; overlapping, one's "before" would be another's "after" (a GC that
// seems to free nothing), so they queue here instead of refusing each other.
import type { CdpClient } from '../inspector/cdp-client';
import type { OwnPauses } from './own-pauses';

export interface ForcedGc {
  /** When the GC was sent to the target (the caller's clock). */
  atMs: number;
  beforeBytes: number;
  afterBytes: number;
  durationMs: number;
}

export interface GcRunOptions {
  /** Called when this GC's turn comes, right before the heap is read. */
  onStart?: () => void;
  timeoutMs?: number;
}

const DEFAULT_GC_TIMEOUT_MS = 120_000;

export class GcGate {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly client: Pick<CdpClient, 'send'>,
    private readonly now: () => number,
    /** Where the GCs are noted as the dashboard's own pauses (heap tools). */
    private readonly pauses?: Pick<OwnPauses, 'during'>,
  ) {}

  /** A GC is running or waiting for its turn. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Runs one forced GC after those already queued; a failed one does not block the next. */
  run(options: GcRunOptions = {}): Promise<ForcedGc> {
    this.#pending++;
    const result = this.#tail.then(() =>
      this.pauses ? this.pauses.during('gc', () => this.#gc(options)) : this.#gc(options),
    );
    this.#tail = result.catch(() => undefined);
    return result.finally(() => {
      this.#pending--;
    });
  }

  async #gc(options: GcRunOptions): Promise<ForcedGc> {
    options.onStart?.();
    const atMs = this.now();
    const before = await this.client.send('Runtime.getHeapUsage', undefined, {
      timeoutMs: 10_000,
    });
    const t0 = performance.now();
    await this.client.send('HeapProfiler.collectGarbage', undefined, {
      timeoutMs: options.timeoutMs ?? DEFAULT_GC_TIMEOUT_MS,
    });
    const durationMs = performance.now() - t0;
    const after = await this.client.send('Runtime.getHeapUsage', undefined, {
      timeoutMs: 10_000,
    });
    return { atMs, beforeBytes: before.usedSize, afterBytes: after.usedSize, durationMs };
  }
}

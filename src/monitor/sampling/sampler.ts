// Per-target sampling loop. Each tick reads the OS figures (always) and the in-target
// probe (with a deadline). Ticks never overlap: the next is scheduled when the previous
// has finished. When the probe's answer misses the deadline the sample is marked late
// with its in-target fields null, never zero (F10, F12); that read stays in flight and
// the tick that sees it land uses it, so the figures covering a blocked loop are kept.
import type { Sample } from '../../shared/model';
import { INTERVAL_DEFAULT_MS } from '../../shared/model';
import type { Disposable } from '../lifecycle/disposable';
import { NO_OS_FIGURES, readOsFigures, type OsFigures } from './os-stats';
import type { ProbeReading } from './probe';

/** A CDP call left pending longer than this is abandoned (the client rejects it). */
export const PROBE_HARD_TIMEOUT_MS = 30_000;

/** How long a tick waits for the probe: about one interval, within [200 ms, 2 s]. */
export function probeDeadlineMs(intervalMs: number): number {
  return Math.min(Math.max(intervalMs, 200), 2_000);
}

export interface SamplerOptions {
  pid: number | null;
  intervalMs?: number;
  /** Null when the target is paused (F6): OS figures only. */
  probe: { read(timeoutMs: number): Promise<ProbeReading | null> } | null;
  readOs?: (pid: number) => Promise<OsFigures>;
  now?: () => number;
  onSample: (sample: Sample) => void;
  /** Whether the target answered so far (default true); false when it did not at attach. */
  responsive?: boolean;
  /** Called when in-target answers stop or resume arriving in time. */
  onResponsiveChange?: (responsive: boolean) => void;
  /** The probe answered that it is not installed in the target any more. */
  onProbeMissing?: () => void;
}

export class Sampler implements Disposable {
  #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextAtMs = 0;
  #running: Promise<void> | null = null;
  #inflight: Promise<{ reading: ProbeReading | null } | { error: unknown }> | null = null;
  #responsive = true;
  #disposed = false;
  #started = false;
  readonly #readOs: (pid: number) => Promise<OsFigures>;
  readonly #now: () => number;

  constructor(private readonly options: SamplerOptions) {
    this.#intervalMs = options.intervalMs ?? INTERVAL_DEFAULT_MS;
    this.#responsive = options.responsive ?? true;
    this.#readOs = options.readOs ?? readOsFigures;
    this.#now = options.now ?? Date.now;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  get responsive(): boolean {
    return this.#responsive;
  }

  /** Starts ticking; the first tick runs at once. */
  start(): void {
    if (this.#started || this.#disposed) return;
    this.#started = true;
    this.#nextAtMs = performance.now();
    this.#schedule();
  }

  /** Changes the interval live; the next tick moves accordingly. Range is checked by the caller. */
  setIntervalMs(intervalMs: number): void {
    const lastStart = this.#nextAtMs - this.#intervalMs;
    this.#intervalMs = intervalMs;
    this.#nextAtMs = lastStart + intervalMs;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#schedule();
    }
  }

  /** One sample now (also used by the loop). Resolves after onSample was called. */
  async tick(): Promise<Sample> {
    const timestampMs = this.#now();
    const { pid, probe } = this.options;
    const osPromise = pid === null ? Promise.resolve(NO_OS_FIGURES) : this.#readOs(pid);
    let reading: ProbeReading | null = null;
    let late = false;
    if (probe) {
      if (!this.#inflight) {
        this.#inflight = probe.read(PROBE_HARD_TIMEOUT_MS).then(
          (r) => ({ reading: r }),
          (error: unknown) => ({ error }),
        );
      }
      const inflight = this.#inflight;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        inflight,
        new Promise<null>((resolve) => {
          deadline = setTimeout(() => resolve(null), probeDeadlineMs(this.#intervalMs));
        }),
      ]);
      clearTimeout(deadline);
      if (outcome === null) {
        late = true; // still in flight; a later tick picks it up
      } else {
        this.#inflight = null;
        if ('error' in outcome) {
          late = true;
        } else if (outcome.reading === null) {
          this.options.onProbeMissing?.();
        } else {
          reading = outcome.reading;
        }
      }
    }
    const os = await osPromise;
    const sample: Sample = {
      timestampMs,
      late,
      cpuPercent: os.cpuPercent,
      rssBytes: os.rssBytes,
      heapUsedBytes: reading?.heapUsedBytes ?? null,
      heapTotalBytes: reading?.heapTotalBytes ?? null,
      heapLimitBytes: reading?.heapLimitBytes ?? null,
      externalBytes: reading?.externalBytes ?? null,
      arrayBuffersBytes: reading?.arrayBuffersBytes ?? null,
      eventLoopDelayP50Ms: reading?.eventLoopDelayP50Ms ?? null,
      eventLoopDelayP99Ms: reading?.eventLoopDelayP99Ms ?? null,
      eventLoopDelayMaxMs: reading?.eventLoopDelayMaxMs ?? null,
      eventLoopUtilization: reading?.eventLoopUtilization ?? null,
      gc: reading?.gc ?? null,
      activeResources: reading?.activeResources ?? null,
      openFds: os.openFds,
      threads: os.threads,
    };
    if (this.#disposed) return sample;
    if (probe) {
      const responsive = !late;
      if (responsive !== this.#responsive) {
        this.#responsive = responsive;
        this.options.onResponsiveChange?.(responsive);
      }
    }
    this.options.onSample(sample);
    return sample;
  }

  /** Stops the loop and waits for a tick in progress; no callback fires afterwards. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(): void {
    if (this.#disposed) return;
    const delay = Math.max(0, this.#nextAtMs - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#run();
    }, delay);
  }

  async #run(): Promise<void> {
    this.#nextAtMs += this.#intervalMs;
    // After a stall, skip the missed slots instead of firing a burst.
    if (this.#nextAtMs < performance.now()) this.#nextAtMs = performance.now() + this.#intervalMs;
    try {
      await this.tick();
    } catch {
      // tick() does not throw by design; a failing listener must not stop sampling
    }
    this.#running = null;
    this.#schedule();
  }
}

// Per-target heap tools: forced GC with before/after figures, heap snapshot capture
// (pre-flight, streaming, progress, cancel, one at a time), allocation sampling, and
// the timeline markers the charts draw. Plugs into a session through the feature seam.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type {
  AllocationProfile,
  AllocationSamplingState,
  GcResult,
  SnapshotEstimate,
  SnapshotProgress,
  SnapshotRecord,
  TimelineMarker,
} from '../../shared/heap-tools-model';
import type { Sample } from '../../shared/model';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { CaptureWriter, type CaptureWriterOptions } from '../snapshots/capture-writer';
import type { SnapshotLibrary } from '../snapshots/library';
import {
  describeEstimate,
  diskFreeBytes,
  estimateSnapshot,
  readMachineMemory,
} from '../snapshots/preflight';
import {
  calibrationFrom,
  estimateCapture,
  expectationFrom,
  type CaptureCalibration,
  type CaptureState,
} from '../snapshots/capture-progress';
import { startCapture, type CaptureRun, type CaptureVia } from '../snapshots/snapshot-capture';
import { topAllocationSites } from './allocations';
import { GcGate } from './gc-gate';
import { OwnPauses } from './own-pauses';

export const HEAP_TOOLS_FEATURE = 'heap-tools';
export const MAX_MARKERS = 200;
const PROGRESS_EVERY_MS = 250;
export const DEFAULT_SAMPLING_INTERVAL_BYTES = 32 * 1024;

export interface HeapToolsOptions {
  /** Test seam: writer options (e.g. a stream that fails). */
  writer?: CaptureWriterOptions;
  /** Test seam: what the machine has. */
  machine?: typeof readMachineMemory;
  /** Which way captures go; 'auto' (default) prefers the pipe (snapshot-capture.ts). */
  via?: 'auto' | CaptureVia;
}

export class HeapToolsFeature implements SessionFeature {
  readonly name = HEAP_TOOLS_FEATURE;
  readonly #markers: TimelineMarker[] = [];
  #capture: { id: string; run: CaptureRun; cancelled: boolean } | null = null;
  /** Set from the moment a capture is requested until V8 has finished it. */
  #busy: Promise<void> | null = null;
  #sampling: { startedAtMs: number; intervalBytes: number; endPause: () => void } | null = null;
  /** What this target's last capture measured: the next one's progress estimate. */
  #calibration: CaptureCalibration | null = null;
  #disposed = false;
  /** What this dashboard ran in the target and when: samples overlapping it are marked. */
  readonly pauses: OwnPauses;
  /** Every forced GC of this target, one at a time (the leak detector queues here too). */
  readonly gc: GcGate;

  constructor(
    private readonly ctx: SessionContext,
    private readonly options: HeapToolsOptions = {},
  ) {
    this.pauses = new OwnPauses(ctx.now, () => Math.max(ctx.info.intervalMs, 250));
    this.gc = new GcGate(ctx.client, ctx.now, this.pauses);
  }

  /** Marks a sample whose interval overlaps a GC, snapshot or allocation sampling of ours. */
  annotate(sample: Sample): void {
    this.pauses.annotate(sample);
  }

  markers(): TimelineMarker[] {
    return [...this.#markers];
  }

  /** The GC button's result; queued behind any forced GC of this target (gc-gate.ts). */
  async collectGarbage(): Promise<GcResult> {
    const gc = await this.gc.run();
    const result: GcResult = {
      targetId: this.ctx.targetId,
      atMs: gc.atMs,
      heapUsedBeforeBytes: gc.beforeBytes,
      heapUsedAfterBytes: gc.afterBytes,
      freedBytes: Math.max(0, gc.beforeBytes - gc.afterBytes),
      durationMs: gc.durationMs,
    };
    this.#mark({
      targetId: this.ctx.targetId,
      atMs: gc.atMs,
      kind: 'gc',
      label: `GC -${mbText(result.freedBytes)}`,
    });
    return result;
  }

  async estimate(library: SnapshotLibrary): Promise<SnapshotEstimate> {
    return this.estimateIn(await library.ensureDir());
  }

  /** The pre-flight (F14) of a capture whose file goes to `dir`. */
  async estimateIn(dir: string): Promise<SnapshotEstimate> {
    const usage = await this.ctx.client.send('Runtime.getHeapUsage');
    const machine = await (this.options.machine ?? readMachineMemory)(this.ctx.info.pid);
    return estimateSnapshot({
      targetId: this.ctx.targetId,
      heapUsedBytes: usage.usedSize,
      ...machine,
      diskFreeBytes: await diskFreeBytes(dir),
      measured: this.#calibration,
    });
  }

  async takeSnapshot(
    library: SnapshotLibrary,
    confirm: boolean,
    exactProgress = false,
  ): Promise<SnapshotRecord> {
    if (this.#busy) {
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_IN_PROGRESS,
        this.#capture?.cancelled || !this.#capture
          ? `A heap snapshot of ${this.ctx.targetId} is still finishing in the target; try again when it is done.`
          : `A heap snapshot of ${this.ctx.targetId} is already being captured; wait for it or cancel it.`,
      );
    }
    let releaseBusy!: () => void;
    this.#busy = new Promise<void>((r) => (releaseBusy = r));
    try {
      const estimate = await this.estimate(library);
      if (!estimate.fits && !confirm) {
        throw new MonitorError(
          ErrorCodes.CONFIRM_REQUIRED,
          `${describeEstimate(estimate)} Confirm to capture anyway.`,
        );
      }
      return await this.#capture_(library, estimate, exactProgress, releaseBusy);
    } catch (err) {
      // Failed before V8 started: nothing left to wait for.
      if (!this.#capture) {
        this.#busy = null;
        releaseBusy();
      }
      throw err;
    }
  }

  async #capture_(
    library: SnapshotLibrary,
    estimate: SnapshotEstimate,
    exactProgress: boolean,
    releaseBusy: () => void,
  ): Promise<SnapshotRecord> {
    const info = this.ctx.info;
    const startedAtMs = this.ctx.now();
    const slot = library.allocate(startedAtMs, info.pid, info.threadId);
    const captureId = slot.id;
    const writer = new CaptureWriter(slot.path, this.options.writer);
    const expect = expectationFrom(estimate.heapUsedBytes, estimate, this.#calibration);
    const state: CaptureState = {
      elapsedMs: 0,
      v8Done: 0,
      v8Total: 0,
      firstChunkAtMs: null,
      bytesReceived: 0,
    };
    let via: CaptureVia = 'inspector';
    const progress = (phase: SnapshotProgress['phase'], error?: MonitorError): void => {
      state.elapsedMs = this.ctx.now() - startedAtMs;
      const running = phase === 'preparing' || phase === 'writing';
      const now = running
        ? estimateCapture(state, expect)
        : { fraction: phase === 'done' ? 1 : 0, remainingMs: 0, exact: state.v8Total > 0 };
      const payload: SnapshotProgress = {
        targetId: this.ctx.targetId,
        captureId,
        phase,
        fraction: now.fraction,
        exact: now.exact,
        via,
        done: state.v8Done,
        total: state.v8Total,
        bytesWritten: writer.bytesWritten,
        expectedBytes: Math.round(expect.fileBytes),
        startedAtMs,
        remainingMs: now.remainingMs,
      };
      if (error) payload.error = { code: error.code, message: error.message };
      this.ctx.emit('snapshotProgress', payload);
    };
    const phaseNow = (): SnapshotProgress['phase'] =>
      state.firstChunkAtMs === null ? 'preparing' : 'writing';
    const endPause = this.pauses.begin('snapshot');
    const run = startCapture(this.ctx.client, writer, {
      via: this.options.via,
      onVia: (v) => {
        via = v;
        progress('preparing');
      },
      reportProgress: exactProgress,
      onProgress: (done, total) => {
        state.v8Done = done;
        state.v8Total = total;
      },
      onChunk: (chars) => {
        if (state.firstChunkAtMs === null) {
          state.firstChunkAtMs = this.ctx.now() - startedAtMs;
          progress('writing');
        }
        state.bytesReceived += chars;
      },
      now: this.ctx.now,
    });
    // The dashboard's loop is free while the target pauses: report on a clock, so an
    // estimated walk moves too (V8's events and the chunks only update `state`).
    const ticker = setInterval(() => progress(phaseNow()), PROGRESS_EVERY_MS);
    ticker.unref?.();
    this.#capture = { id: captureId, run, cancelled: false };
    void run.v8Done.then(() => {
      endPause();
      if (this.#capture?.run === run) this.#capture = null;
      this.#busy = null;
      releaseBusy();
    });
    try {
      const { sizeBytes, durationMs } = await run.result;
      clearInterval(ticker);
      this.#calibration =
        calibrationFrom(estimate.heapUsedBytes, state.firstChunkAtMs, durationMs, sizeBytes) ??
        this.#calibration;
      const record = await library.add({
        id: slot.id,
        fileName: slot.fileName,
        path: slot.path,
        source: 'captured',
        createdAtMs: startedAtMs,
        sizeBytes,
        heapUsedBytes: estimate.heapUsedBytes,
        pid: info.pid,
        ...(info.threadId !== undefined ? { threadId: info.threadId } : {}),
        ...(info.threadName !== undefined ? { threadName: info.threadName.slice(0, 200) } : {}),
        title: info.title.slice(0, 300),
        durationMs,
      });
      progress('done');
      this.#mark({
        targetId: this.ctx.targetId,
        atMs: startedAtMs,
        kind: 'snapshot',
        label: 'Snapshot',
      });
      return record;
    } catch (err) {
      clearInterval(ticker);
      const e =
        err instanceof MonitorError
          ? err
          : new MonitorError(ErrorCodes.INTERNAL, `The heap snapshot failed: ${String(err)}`);
      progress(e.code === ErrorCodes.SNAPSHOT_CANCELLED ? 'cancelled' : 'failed', e);
      throw e;
    }
  }

  /**
   * A capture for another feature (the leak detector's snapshot series) to `path`, under
   * the same one-capture-per-target rule as the Heap snapshot button (F21): it waits for
   * a running capture instead of refusing, and a user's capture started meanwhile is
   * refused, so chunks of two snapshots never mix on the one session.
   */
  async captureExclusive(path: string, signal?: AbortSignal): Promise<{ sizeBytes: number }> {
    while (this.#busy) {
      if (signal?.aborted || this.#disposed) {
        throw new MonitorError(ErrorCodes.SNAPSHOT_CANCELLED, 'The capture was cancelled.');
      }
      await this.#busy;
    }
    let releaseBusy!: () => void;
    this.#busy = new Promise<void>((r) => (releaseBusy = r));
    const endPause = this.pauses.begin('snapshot');
    try {
      // Nobody watches its progress: do not make V8 count first (a longer pause).
      const run = startCapture(this.ctx.client, new CaptureWriter(path, this.options.writer), {
        via: this.options.via,
        now: this.ctx.now,
      });
      const onAbort = (): void => run.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const { sizeBytes } = await run.result;
        return { sizeBytes };
      } finally {
        signal?.removeEventListener('abort', onAbort);
        await run.v8Done.catch(() => undefined);
      }
    } finally {
      endPause();
      this.#busy = null;
      releaseBusy();
    }
  }

  /**
   * The pre-flight of a capture for another feature (the leak series) to `dir`: fails
   * with CONFIRM_REQUIRED when memory or disk may not be enough and `confirm` is false,
   * as the Heap snapshot button does (F14).
   */
  async preflight(dir: string, confirm: boolean, what: string): Promise<SnapshotEstimate> {
    const estimate = await this.estimateIn(dir);
    if (!estimate.fits && !confirm) {
      throw new MonitorError(
        ErrorCodes.CONFIRM_REQUIRED,
        `${what} need confirmation: ${describeEstimate(estimate)}`,
      );
    }
    return estimate;
  }

  /** True when a capture was running and is now cancelled. */
  cancelSnapshot(): boolean {
    const c = this.#capture;
    if (!c || c.cancelled) return false;
    c.cancelled = true;
    c.run.cancel();
    return true;
  }

  samplingState(): AllocationSamplingState {
    return {
      targetId: this.ctx.targetId,
      running: this.#sampling !== null,
      startedAtMs: this.#sampling?.startedAtMs ?? null,
    };
  }

  async startSampling(
    intervalBytes = DEFAULT_SAMPLING_INTERVAL_BYTES,
  ): Promise<AllocationSamplingState> {
    if (this.#sampling) {
      throw new MonitorError(
        ErrorCodes.ALLOCATION_SAMPLING_STATE,
        `Allocation sampling is already running in ${this.ctx.targetId}.`,
      );
    }
    await this.ctx.client.send('HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      // Count short-lived objects too: the seed's "top allocations" is about churn.
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    this.#sampling = {
      startedAtMs: this.ctx.now(),
      intervalBytes,
      endPause: this.pauses.begin('allocation-sampling'),
    };
    return this.samplingState();
  }

  async stopSampling(top: number): Promise<AllocationProfile> {
    const s = this.#sampling;
    if (!s) {
      throw new MonitorError(
        ErrorCodes.ALLOCATION_SAMPLING_STATE,
        `Allocation sampling is not running in ${this.ctx.targetId}; start it first.`,
      );
    }
    this.#sampling = null;
    const { client } = this.ctx;
    // getSamplingProfile walks the whole tree in the target: no short timeout.
    const { profile } = await client.send('HeapProfiler.getSamplingProfile', undefined, {
      timeoutMs: 60_000,
    });
    await client
      .send('HeapProfiler.stopSampling', undefined, { timeoutMs: 60_000 })
      .catch(() => undefined);
    s.endPause();
    const { totalBytes, sites } = topAllocationSites(profile, top);
    return {
      targetId: this.ctx.targetId,
      startedAtMs: s.startedAtMs,
      stoppedAtMs: this.ctx.now(),
      samplingIntervalBytes: s.intervalBytes,
      totalBytes,
      sites,
    };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const c = this.#capture;
    if (c) {
      // A closed connection fails the capture on its own, with the reason (F15).
      if (!this.ctx.client.closed) {
        c.cancelled = true;
        c.run.cancel();
      }
      await c.run.result.catch(() => undefined);
    }
    if (this.#sampling && !this.ctx.client.closed) {
      this.#sampling.endPause();
      this.#sampling = null;
      await this.ctx.client.send('HeapProfiler.stopSampling').catch(() => undefined);
    }
  }

  #mark(marker: TimelineMarker): void {
    this.#markers.push(marker);
    if (this.#markers.length > MAX_MARKERS)
      this.#markers.splice(0, this.#markers.length - MAX_MARKERS);
    this.ctx.emit('marker', marker);
  }
}

function mbText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

export function createHeapToolsFeature(options: HeapToolsOptions = {}) {
  return (ctx: SessionContext): HeapToolsFeature => new HeapToolsFeature(ctx, options);
}

// The numeric region of a snapshot ("nodes" and "edges", about 95 % of the file) parsed
// by two threads. The region is cut into segments at fixed offsets; both threads claim
// segments in order from a shared counter, read them with their own fd and tokenize them
// into a ring of shared slots (segments.ts); this thread alone places the numbers, in
// file order, through the parser's NumberPlacer, and frees the slots. Before using a
// segment it checks that it starts where the one before ended (tokenize.ts); on any
// doubt it gives up and the caller parses the whole file sequentially, which gives
// the same result or the precise error. Memory: the ring, a few MB.
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type { AnalysisWorker } from './analysis-worker';
import type { NumberPlacer } from './parser';
import { Region, SLOT_BUSY, SLOT_DONE } from './segments';
import {
  type NumKey,
  R_BREAK_AT,
  R_BREAK_KEY,
  R_COUNT,
  R_END_COMMA,
  R_END_OFFSET,
  R_END_TOP,
  R_START_KIND,
  R_START_OFFSET,
  R_STATUS,
  TokStart,
  TokStatus,
} from './tokenize';

export interface RegionOptions {
  file: string;
  fd: number;
  fileBytes: number;
  /** Absolute offset right after the first numeric array's "[". */
  start: number;
  firstKey: NumKey;
  placer: NumberPlacer;
  worker: AnalysisWorker | null;
  segmentBytes?: number;
  slots?: number;
  /** Called with the absolute offset placed so far, now and then. */
  onBytes?: (offset: number) => void;
}

export const DEFAULT_SEGMENT_BYTES = 2 << 20;
const MARGIN_BYTES = 64 << 10;
const YIELD_BYTES = 32 << 20;

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Thrown inside to give up; never leaves this module. */
class Bail extends Error {}

/** How the last region parse went (tests and the benchmark read it). */
export const lastRegion = { segments: 0, byThisThread: 0, bailed: false, reason: '' };

/**
 * Places the whole numeric region; returns the absolute offset right after its last "]"
 * (where the sequential parser goes on), or -1 when the caller must parse sequentially.
 */
export async function parseNumericRegion(o: RegionOptions): Promise<number> {
  const segmentBytes = Math.max(64, o.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
  const region = Region.create(o.start, o.fileBytes, segmentBytes, MARGIN_BYTES, o.slots ?? 4);
  if (o.worker && !o.worker.dead) void o.worker.tokenize(o.file, region.shared);
  const { placer } = o;
  const count = region.shared.segmentCount;
  let prevComma = -1;
  let prevTop = false;
  let sinceYield = 0;
  lastRegion.segments = count;
  lastRegion.byThisThread = 0;
  lastRegion.bailed = false;
  lastRegion.reason = '';
  const bail = (reason: string): Bail => {
    lastRegion.reason = reason;
    return new Bail(reason);
  };
  try {
    placer.begin(o.firstKey);
    for (let place = 0; place < count;) {
      const s = place % region.slots;
      if (region.slotState(s) === SLOT_DONE && region.slotSegment(s) === place) {
        const r = region.res[s]!;
        const nums = region.nums[s]!;
        const status = r[R_STATUS]!;
        if (place > 0) {
          const kind = r[R_START_KIND]!;
          if (r[R_START_OFFSET] !== prevComma + 1) throw bail(`segment ${place} starts elsewhere`);
          if (prevTop ? kind !== TokStart.Key : kind !== TokStart.Numbers) {
            throw bail(`segment ${place} starts with the wrong token`);
          }
        }
        if (status !== TokStatus.Ok && status !== TokStatus.End) {
          throw bail(`segment ${place}: status ${status}`);
        }
        const n = r[R_COUNT]!;
        const br = r[R_BREAK_AT]!;
        if (br >= 0) {
          placer.place(nums, 0, br);
          placer.finish();
          placer.begin(r[R_BREAK_KEY] as NumKey);
          placer.place(nums, br, n);
        } else {
          placer.place(nums, 0, n);
        }
        if (status === TokStatus.End) {
          placer.finish();
          return r[R_END_OFFSET]!;
        }
        prevComma = r[R_END_COMMA]!;
        prevTop = r[R_END_TOP] === 1;
        if (prevTop) placer.finish();
        region.release(place);
        place++;
        sinceYield += segmentBytes;
        if (sinceYield >= YIELD_BYTES) {
          sinceYield = 0;
          o.onBytes?.(prevComma);
          await yieldToLoop();
        }
        continue;
      }
      const k = region.claim();
      if (k >= 0) {
        region.work(o.fd, k);
        lastRegion.byThisThread++;
        continue;
      }
      // The worker holds the segment to place next: wait for it, and make sure it lives.
      const waitedFrom = performance.now();
      while (region.slotState(s) === SLOT_BUSY) {
        Atomics.wait(region.ctl, region.stateIndex(s), SLOT_BUSY, 50);
        if (performance.now() - waitedFrom > 1000) {
          await yieldToLoop();
          if (!o.worker || o.worker.dead) throw bail('the worker ended');
        }
      }
    }
    // Every segment was used and the region never ended: let the sequential parser say why.
    lastRegion.bailed = true;
    lastRegion.reason = 'the region does not end';
    return -1;
  } catch (err) {
    if (err instanceof Bail) {
      lastRegion.bailed = true;
      return -1;
    }
    if (err instanceof MonitorError && err.code === ErrorCodes.SNAPSHOT_INVALID) {
      lastRegion.bailed = true;
      lastRegion.reason = err.message;
      return -1;
    }
    throw err;
  } finally {
    region.stop();
  }
}

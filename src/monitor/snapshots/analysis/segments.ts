// The work both threads share while the numeric region of a snapshot is parsed: a ring
// of slots in shared memory, segments claimed in order from one counter, each read from
// the file with its own fd and tokenized into its slot. Only the main thread places
// the numbers (in order) and frees slots. See parallel-parse.ts for the protocol.
import { readSync } from 'node:fs';
import { RESULT_SLOTS, tokenizeSegment } from './tokenize';

/** Control words (Int32Array on a SharedArrayBuffer). */
const C_NEXT = 0;
const C_STOP = 1;
const C_SLOTS = 2;

export const SLOT_FREE = 0;
export const SLOT_BUSY = 1;
export const SLOT_DONE = 2;

/** What a thread needs to take part; all buffers are shared. */
export interface RegionShared {
  ctl: SharedArrayBuffer;
  bytes: SharedArrayBuffer[];
  nums: SharedArrayBuffer[];
  res: SharedArrayBuffer[];
  /** Absolute offset right after the first numeric array's "[". */
  start: number;
  fileBytes: number;
  segmentBytes: number;
  /** Bytes read past a segment's end to finish its last number. */
  margin: number;
  segmentCount: number;
}

/** Typed views of a RegionShared, per thread. */
export class Region {
  readonly ctl: Int32Array;
  readonly bytes: Uint8Array[];
  readonly nums: Uint32Array[];
  readonly res: Float64Array[];
  readonly slots: number;

  constructor(readonly shared: RegionShared) {
    this.ctl = new Int32Array(shared.ctl);
    this.bytes = shared.bytes.map((b) => new Uint8Array(b));
    this.nums = shared.nums.map((b) => new Uint32Array(b));
    this.res = shared.res.map((b) => new Float64Array(b));
    this.slots = shared.bytes.length;
  }

  static create(
    start: number,
    fileBytes: number,
    segmentBytes: number,
    margin: number,
    slots: number,
  ): Region {
    const segmentCount = Math.max(1, Math.ceil((fileBytes - start) / segmentBytes));
    const k = Math.min(slots, segmentCount);
    const readBytes = segmentBytes + margin;
    const shared: RegionShared = {
      ctl: new SharedArrayBuffer(4 * (C_SLOTS + 2 * k)),
      bytes: Array.from({ length: k }, () => new SharedArrayBuffer(readBytes + 1)),
      nums: Array.from(
        { length: k },
        () => new SharedArrayBuffer(4 * (Math.ceil(readBytes / 2) + 2)),
      ),
      res: Array.from({ length: k }, () => new SharedArrayBuffer(8 * RESULT_SLOTS)),
      start,
      fileBytes,
      segmentBytes,
      margin,
      segmentCount,
    };
    const r = new Region(shared);
    for (let s = 0; s < k; s++) r.ctl[C_SLOTS + k + s] = s;
    return r;
  }

  stateIndex(slot: number): number {
    return C_SLOTS + slot;
  }

  slotState(slot: number): number {
    return Atomics.load(this.ctl, C_SLOTS + slot);
  }

  slotSegment(slot: number): number {
    return Atomics.load(this.ctl, C_SLOTS + this.slots + slot);
  }

  stop(): void {
    Atomics.store(this.ctl, C_STOP, 1);
    for (let s = 0; s < this.slots; s++) Atomics.notify(this.ctl, C_SLOTS + s);
  }

  get stopped(): boolean {
    return Atomics.load(this.ctl, C_STOP) === 1;
  }

  /** The slot of a placed segment is free for the segment `slots` later. */
  release(segment: number): void {
    const s = segment % this.slots;
    Atomics.store(this.ctl, C_SLOTS + this.slots + s, segment + this.slots);
    Atomics.store(this.ctl, C_SLOTS + s, SLOT_FREE);
    Atomics.notify(this.ctl, C_SLOTS + s);
  }

  /**
   * Claims the next segment: its number, -1 when its slot is not free yet, -2 when
   * there is nothing left to claim.
   */
  claim(): number {
    const c = Atomics.load(this.ctl, C_NEXT);
    if (c >= this.shared.segmentCount || this.stopped) return -2;
    const s = c % this.slots;
    if (this.slotState(s) !== SLOT_FREE || this.slotSegment(s) !== c) return -1;
    if (Atomics.compareExchange(this.ctl, C_NEXT, c, c + 1) !== c) return -1;
    Atomics.store(this.ctl, C_SLOTS + s, SLOT_BUSY);
    return c;
  }

  /** Waits (at most ms) for the slot that the next claim needs to change. */
  waitForNext(ms: number): void {
    const c = Atomics.load(this.ctl, C_NEXT);
    if (c >= this.shared.segmentCount || this.stopped) return;
    const s = c % this.slots;
    const st = this.slotState(s);
    if (st !== SLOT_FREE) Atomics.wait(this.ctl, C_SLOTS + s, st, ms);
  }

  /** Reads segment k from fd and tokenizes it into its slot, then marks it done. */
  work(fd: number, k: number): void {
    const { start, fileBytes, segmentBytes, margin, segmentCount } = this.shared;
    const s = k % this.slots;
    const bytes = this.bytes[s]!;
    const pos = start + k * segmentBytes;
    const want = Math.min(segmentBytes + margin, fileBytes - pos);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, bytes, got, want - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    bytes[got] = 0;
    const last = k === segmentCount - 1;
    tokenizeSegment(
      bytes,
      got,
      pos,
      last ? Number.MAX_SAFE_INTEGER : segmentBytes,
      k === 0,
      pos + got >= fileBytes,
      this.nums[s]!,
      this.res[s]!,
    );
    Atomics.store(this.ctl, C_SLOTS + s, SLOT_DONE);
    Atomics.notify(this.ctl, C_SLOTS + s);
  }

  /** A helper thread's whole share: claim, work, until nothing is left. */
  helpUntilDone(fd: number): number {
    let done = 0;
    for (;;) {
      const k = this.claim();
      if (k === -2) return done;
      if (k === -1) {
        this.waitForNext(20);
        continue;
      }
      this.work(fd, k);
      done++;
    }
  }
}

// The snapshot's "strings", decoded on demand: a real heap holds millions of strings, and
// only a few thousand (class names, the rows a query returns) are ever read back. As JS
// strings they would cost a header of 16-24 bytes each, and garbage-collection time
// while the file is parsed. So the parser copies the raw bytes of the "strings" array
// into one buffer, a chunk at a time, and records where each string's content starts
// and ends in it; only strings with escapes, or too long to keep whole, are decoded at
// parse time and kept, re-encoded, in a second buffer.

const INITIAL_BYTES = 1 << 16;
const INITIAL_COUNT = 1 << 12;
/** Offsets with this bit set point into the decoded buffer. */
const DECODED = 0x80000000;
const MAX_RAW = DECODED - 1;

function grown(b: Buffer, used: number, need: number): Buffer {
  if (need <= b.length) return b;
  const next = Buffer.allocUnsafe(Math.max(b.length * 2, need + 1024));
  b.copy(next, 0, 0, used);
  return next;
}

export class StringTable {
  #raw: Buffer;
  #rawLen = 0;
  #decoded: Buffer = Buffer.allocUnsafe(1024);
  #decodedLen = 0;
  #start: Uint32Array;
  #end: Uint32Array;
  #count = 0;
  readonly #encoder = new TextEncoder();

  constructor(expectedBytes = INITIAL_BYTES, expectedCount = INITIAL_COUNT) {
    this.#raw = Buffer.allocUnsafe(Math.max(16, expectedBytes));
    this.#start = new Uint32Array(Math.max(16, expectedCount));
    this.#end = new Uint32Array(this.#start.length);
  }

  static from(strings: readonly string[]): StringTable {
    const t = new StringTable();
    for (const s of strings) t.push(s);
    return t;
  }

  get length(): number {
    return this.#count;
  }

  /** Bytes held, for memory accounting. */
  get byteLength(): number {
    return this.#rawLen + this.#decodedLen + this.#start.byteLength * 2;
  }

  /** The i-th string; '' when out of range. */
  get(i: number): string {
    if (!(i >= 0 && i < this.#count)) return '';
    const s = this.#start[i]!;
    const e = this.#end[i]!;
    if (s >= DECODED) return this.#decoded.toString('utf8', s - DECODED, e - DECODED);
    return this.#raw.toString('utf8', s, e);
  }

  /** Bytes copied so far (the offset the next raw byte gets). */
  get rawLength(): number {
    return this.#rawLen;
  }

  /** Copies raw bytes of the "strings" array (content, quotes, commas alike). */
  appendRaw(b: Uint8Array, from: number, to: number): boolean {
    const n = to - from;
    if (this.#rawLen + n > MAX_RAW) return false;
    this.#raw = grown(this.#raw, this.#rawLen, this.#rawLen + n);
    this.#raw.set(b.subarray(from, to), this.#rawLen);
    this.#rawLen += n;
    return true;
  }

  /** Drops raw bytes from `len` on (a long string's, once it was decoded and kept). */
  truncateRaw(len: number): void {
    this.#rawLen = Math.min(this.#rawLen, len);
  }

  /** Raw bytes [start, end) decoded (for long or escaped strings). */
  rawText(start: number, end: number): string {
    return this.#raw.toString('utf8', start, Math.min(end, this.#rawLen));
  }

  #slot(): number {
    if (this.#count === this.#start.length) {
      const s = new Uint32Array(this.#start.length * 2);
      s.set(this.#start);
      this.#start = s;
      const e = new Uint32Array(this.#end.length * 2);
      e.set(this.#end);
      this.#end = e;
    }
    return this.#count++;
  }

  /** A string whose bytes are raw[start, end) as they are (no escapes). */
  addRaw(start: number, end: number): void {
    const i = this.#slot();
    this.#start[i] = start;
    this.#end[i] = end;
  }

  /** A string kept decoded. */
  push(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    this.#decoded = grown(this.#decoded, this.#decodedLen, this.#decodedLen + s.length * 3);
    const { written } = this.#encoder.encodeInto(s, this.#decoded.subarray(this.#decodedLen));
    const i = this.#slot();
    this.#start[i] = DECODED + this.#decodedLen;
    this.#decodedLen += written;
    this.#end[i] = DECODED + this.#decodedLen;
  }

  /** Drops the slack left by doubling (call once, when no more strings come). */
  trim(): void {
    if (this.#raw.length - this.#rawLen > 1 << 20) {
      const b = Buffer.allocUnsafe(this.#rawLen);
      this.#raw.copy(b, 0, 0, this.#rawLen);
      this.#raw = b;
    }
    if (this.#start.length - this.#count > 1 << 16) {
      this.#start = this.#start.slice(0, this.#count);
      this.#end = this.#end.slice(0, this.#count);
    }
  }
}

// The snapshot's "strings" as one UTF-8 byte buffer plus offsets, decoded on demand:
// a real heap holds millions of strings, and only a few thousand (class names, the
// rows a query returns) are ever read back. As JS strings they would cost a header of
// 16-24 bytes each and garbage-collection time while the file is parsed.

const INITIAL_BYTES = 1 << 16;
const INITIAL_COUNT = 1 << 12;

export class StringTable {
  #bytes: Buffer;
  #offsets: Uint32Array;
  #count = 0;
  #used = 0;
  readonly #encoder = new TextEncoder();

  constructor(expectedBytes = INITIAL_BYTES, expectedCount = INITIAL_COUNT) {
    this.#bytes = Buffer.allocUnsafe(Math.max(16, expectedBytes));
    this.#offsets = new Uint32Array(Math.max(16, expectedCount) + 1);
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
    return this.#used + this.#offsets.byteLength;
  }

  /** The i-th string; '' when out of range. */
  get(i: number): string {
    if (!(i >= 0 && i < this.#count)) return '';
    return this.#bytes.toString('utf8', this.#offsets[i]!, this.#offsets[i + 1]!);
  }

  /** Byte length of the i-th string's UTF-8 form. */
  bytesOf(i: number): number {
    if (!(i >= 0 && i < this.#count)) return 0;
    return this.#offsets[i + 1]! - this.#offsets[i]!;
  }

  /** Appends raw UTF-8 bytes (already unescaped). */
  pushBytes(b: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.#reserve(n);
    this.#bytes.set(b.subarray(start, end), this.#used);
    this.#used += n;
    this.#commit();
  }

  push(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    this.#reserve(s.length * 3);
    const { written } = this.#encoder.encodeInto(s, this.#bytes.subarray(this.#used));
    this.#used += written;
    this.#commit();
  }

  #reserve(n: number): void {
    if (this.#used + n > this.#bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#used + n + 1024));
      this.#bytes.copy(next, 0, 0, this.#used);
      this.#bytes = next;
    }
    if (this.#count + 2 > this.#offsets.length) {
      const next = new Uint32Array(this.#offsets.length * 2);
      next.set(this.#offsets);
      this.#offsets = next;
    }
  }

  #commit(): void {
    this.#count++;
    this.#offsets[this.#count] = this.#used;
  }

  /** Drops the slack left by doubling (call once, when no more strings come). */
  trim(): void {
    if (this.#bytes.length - this.#used > 1 << 20) {
      const b = Buffer.allocUnsafe(this.#used);
      this.#bytes.copy(b, 0, 0, this.#used);
      this.#bytes = b;
    }
    if (this.#offsets.length - this.#count > 1 << 16) {
      this.#offsets = this.#offsets.slice(0, this.#count + 1);
    }
  }
}

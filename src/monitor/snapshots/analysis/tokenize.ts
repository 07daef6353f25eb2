// Tokenizer for one segment of the numeric part of a .heapsnapshot ("nodes" and
// "edges", about 95 % of the bytes): non-negative integers, commas, whitespace, and the
// `],"edges":[` between the two arrays. Segments are cut at fixed byte offsets and
// tokenized by either thread (parallel-parse.ts), so the rules at a cut are the same on
// both sides of it: a segment ends at the first comma at or after its nominal end, and
// the next one starts right after the first comma at or after its nominal start. The
// main thread checks that the two agree before it uses a segment; anything unusual
// (an error, no comma where one must be) makes it fall back to the sequential parser,
// which then gives the precise error or the right answer.

export const enum TokStatus {
  /** Stopped at the comma at or after the segment's end; the next segment goes on. */
  Ok = 1,
  /** The numeric region ended (a "]" not followed by the other numeric array). */
  End = 2,
  /** Malformed numbers or separators. */
  Error = 3,
  /** No comma where the segment should start, or no room to finish it. */
  NoBoundary = 4,
}

/** What the segment starts with after its first comma. */
export const enum TokStart {
  /** The first segment of the region: right after "[". */
  First = 0,
  Numbers = 1,
  /** A top-level key: the next numeric array, or the end of the region. */
  Key = 2,
}

/** Which numeric array a key names. */
export const enum NumKey {
  None = 0,
  Nodes = 1,
  Edges = 2,
}

/** Result slots (a Float64Array, shared between threads). */
export const R_STATUS = 0;
export const R_COUNT = 1;
/** Absolute offset right after the comma the segment started at. */
export const R_START_OFFSET = 2;
export const R_START_KIND = 3;
/** Absolute offset of the comma the segment ended at (status Ok). */
export const R_END_COMMA = 4;
/** 1 when that comma follows a "]" (top level), 0 when it separates numbers. */
export const R_END_TOP = 5;
/** Index in the output where the second array starts, or -1. */
export const R_BREAK_AT = 6;
export const R_BREAK_KEY = 7;
/** Absolute offset right after the "]" that ended the region (status End). */
export const R_END_OFFSET = 8;
/** Absolute offset where the segment's tokenizing failed (status Error). */
export const R_ERROR_AT = 9;
export const RESULT_SLOTS = 10;

const UINT32_MAX = 0xffffffff;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Reads a key at b[i] (just after its opening quote); NumKey and the index after it. */
function readKey(b: Uint8Array, i: number, len: number): { key: NumKey; next: number } {
  let j = i;
  while (j < len && b[j] !== 0x22 && j - i < 32) j++;
  if (j >= len || b[j] !== 0x22) return { key: NumKey.None, next: -1 };
  const n = j - i;
  let key = NumKey.None;
  if (n === 5) {
    if (b[i] === 0x6e && b[i + 1] === 0x6f && b[i + 2] === 0x64 && b[i + 3] === 0x65) {
      if (b[i + 4] === 0x73) key = NumKey.Nodes;
    } else if (b[i] === 0x65 && b[i + 1] === 0x64 && b[i + 2] === 0x67 && b[i + 3] === 0x65) {
      if (b[i + 4] === 0x73) key = NumKey.Edges;
    }
  }
  return { key, next: j + 1 };
}

/** After a numeric key: whitespace, ":", whitespace, "["; the index after "[" or -1. */
function openArray(b: Uint8Array, j: number, len: number): number {
  while (j < len && isWs(b[j]!)) j++;
  if (j >= len || b[j] !== 0x3a) return -1;
  j++;
  while (j < len && isWs(b[j]!)) j++;
  if (j >= len || b[j] !== 0x5b) return -1;
  return j + 1;
}

/**
 * Tokenizes b[0..len) (b[len] must exist and be 0: a sentinel that ends digit runs).
 * `base` is the absolute file offset of b[0]; `boundary` the index of the segment's
 * nominal end (cuts at commas at or after it); `atEof` whether b ends the file.
 * Numbers go to `out` (which must hold len/2 + 2); the outcome to `res`.
 */
export function tokenizeSegment(
  b: Uint8Array,
  len: number,
  base: number,
  boundary: number,
  first: boolean,
  atEof: boolean,
  out: Uint32Array,
  res: Float64Array,
): void {
  let i = 0;
  let n = 0;
  let expect = true;
  let arrayStart = 0;
  res[R_BREAK_AT] = -1;
  res[R_BREAK_KEY] = NumKey.None;
  res[R_END_TOP] = 0;
  res[R_ERROR_AT] = -1;
  const fail = (status: TokStatus, at: number): void => {
    res[R_STATUS] = status;
    res[R_COUNT] = n;
    res[R_ERROR_AT] = base + at;
  };
  if (first) {
    res[R_START_OFFSET] = base;
    res[R_START_KIND] = TokStart.First;
  } else {
    while (i < len && b[i] !== 0x2c) i++;
    if (i >= len) return fail(TokStatus.NoBoundary, i);
    i++;
    res[R_START_OFFSET] = base + i;
    let j = i;
    while (j < len && isWs(b[j]!)) j++;
    const c = b[j]!;
    if (c >= 48 && c <= 57) {
      res[R_START_KIND] = TokStart.Numbers;
      i = j;
    } else {
      res[R_START_KIND] = TokStart.Key;
      const k = c === 0x22 ? readKey(b, j + 1, len) : { key: NumKey.None, next: -1 };
      const open = k.key === NumKey.None ? -1 : openArray(b, k.next, len);
      if (open === -1) {
        // Not the other numeric array: the region ends at this segment's start.
        res[R_STATUS] = TokStatus.End;
        res[R_COUNT] = 0;
        res[R_END_OFFSET] = base + i;
        return;
      }
      res[R_BREAK_AT] = 0;
      res[R_BREAK_KEY] = k.key;
      i = open;
    }
  }
  for (;;) {
    let c = b[i]!;
    if (c >= 48 && c <= 57) {
      if (!expect) return fail(TokStatus.Error, i);
      let v = c - 48;
      i++;
      while ((c = b[i]!) >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        i++;
      }
      if (i >= len) {
        // Cut by the end of what was read: only valid input if more follows.
        return fail(atEof ? TokStatus.Error : TokStatus.NoBoundary, i);
      }
      if (v > UINT32_MAX) return fail(TokStatus.Error, i);
      out[n++] = v;
      expect = false;
      continue;
    }
    if (c === 0x2c) {
      if (expect) return fail(TokStatus.Error, i);
      if (i >= boundary) {
        res[R_STATUS] = TokStatus.Ok;
        res[R_COUNT] = n;
        res[R_END_COMMA] = base + i;
        res[R_END_TOP] = 0;
        return;
      }
      expect = true;
      i++;
      continue;
    }
    if (isWs(c)) {
      i++;
      continue;
    }
    if (c === 0x5d) {
      if (expect && n !== arrayStart) return fail(TokStatus.Error, i);
      const afterBracket = i + 1;
      let j = afterBracket;
      while (j < len && isWs(b[j]!)) j++;
      if (j < len && b[j] === 0x2c) {
        if (j >= boundary) {
          res[R_STATUS] = TokStatus.Ok;
          res[R_COUNT] = n;
          res[R_END_COMMA] = base + j;
          res[R_END_TOP] = 1;
          return;
        }
        j++;
        while (j < len && isWs(b[j]!)) j++;
        if (j < len && b[j] === 0x22 && res[R_BREAK_AT]! < 0) {
          const k = readKey(b, j + 1, len);
          const open = k.key === NumKey.None ? -1 : openArray(b, k.next, len);
          if (open !== -1) {
            res[R_BREAK_AT] = n;
            res[R_BREAK_KEY] = k.key;
            arrayStart = n;
            expect = true;
            i = open;
            continue;
          }
        }
      }
      // Anything else after "]" is for the sequential parser.
      res[R_STATUS] = TokStatus.End;
      res[R_COUNT] = n;
      res[R_END_OFFSET] = base + afterBracket;
      return;
    }
    if (i >= len) return fail(atEof ? TokStatus.Error : TokStatus.NoBoundary, i);
    return fail(TokStatus.Error, i);
  }
}

// Bounded per-target history in two tiers.
//
//  - raw: a ring of the last `rawCapacity` samples at full resolution (default 3600:
//    one hour at 1 Hz; at 10 Hz it covers 6 minutes), stored column-wise in
//    Float64Arrays with NaN for null, so a sample costs 28 numbers and no objects;
//  - coarse: what falls off the raw ring is folded into `bucketMs` buckets (default
//    10 s) kept in a second ring (default 8640 buckets: 24 h), gauges averaged,
//    maxima kept as maxima, GC counters summed.
//
// Memory per target (defaults, both tiers full): raw 3600 x 28 x 8 B = 806 KB, coarse
// 8640 x 28 x 8 B = 1.94 MB (allocated only once the first hour has passed), plus one
// pointer per raw slot for activeResources (28.8 KB; equal consecutive objects are
// shared, so typically a handful of small objects). About 2.8 MB for 24 h of history.
import { lttbIndexes } from '../../shared/lttb';
import {
  GC_KINDS,
  OWN_PAUSE_KINDS,
  type GcKind,
  type GcKindStats,
  type Sample,
} from '../../shared/model';

type Fold = 'mean' | 'max' | 'sum' | 'last';

const SCALARS = [
  ['timestampMs', 'last'],
  ['late', 'max'],
  // 0 none, else 1 + the index in OWN_PAUSE_KINDS; 'max' keeps a snapshot over a GC.
  ['ownPause', 'max'],
  ['cpuPercent', 'mean'],
  ['rssBytes', 'mean'],
  ['heapUsedBytes', 'mean'],
  ['heapTotalBytes', 'mean'],
  ['heapLimitBytes', 'last'],
  ['externalBytes', 'mean'],
  ['arrayBuffersBytes', 'mean'],
  ['eventLoopDelayP50Ms', 'mean'],
  ['eventLoopDelayP99Ms', 'max'],
  ['eventLoopDelayMaxMs', 'max'],
  ['eventLoopUtilization', 'mean'],
  ['openFds', 'mean'],
  ['threads', 'mean'],
] as const satisfies ReadonlyArray<readonly [keyof Sample, Fold]>;

type ScalarKey = (typeof SCALARS)[number][0];
const GC_FIELDS = [
  ['count', 'sum'],
  ['totalMs', 'sum'],
  ['maxMs', 'max'],
] as const satisfies ReadonlyArray<readonly [keyof GcKindStats, Fold]>;

/** Column layout: scalars, then per GC kind count/totalMs/maxMs. */
const FOLDS: Fold[] = [
  ...SCALARS.map(([, f]) => f),
  ...GC_KINDS.flatMap(() => GC_FIELDS.map(([, f]) => f)),
];
export const COLUMN_COUNT = FOLDS.length;
const GC_BASE = SCALARS.length;
const TS = 0;

type CodedKey = 'late' | 'ownPause';

function toRow(s: Sample, row: Float64Array): void {
  SCALARS.forEach(([key], i) => {
    row[i] =
      key === 'late'
        ? s.late
          ? 1
          : 0
        : key === 'ownPause'
          ? s.ownPause
            ? OWN_PAUSE_KINDS.indexOf(s.ownPause) + 1
            : 0
          : (s[key as Exclude<ScalarKey, CodedKey>] ?? NaN);
  });
  GC_KINDS.forEach((kind, k) => {
    const g = s.gc?.[kind];
    GC_FIELDS.forEach(([f], j) => {
      row[GC_BASE + k * GC_FIELDS.length + j] = g ? g[f] : NaN;
    });
  });
}

function fromRow(row: ArrayLike<number>, activeResources: Record<string, number> | null): Sample {
  const v = (i: number): number | null => {
    const x = row[i] as number;
    return Number.isNaN(x) ? null : x;
  };
  const out: Record<string, unknown> = {};
  SCALARS.forEach(([key], i) => {
    if (key === 'late') out.late = row[i] === 1;
    else if (key === 'ownPause') {
      const kind = OWN_PAUSE_KINDS[(row[i] as number) - 1];
      if (kind) out.ownPause = kind;
    } else out[key] = v(i);
  });
  let gc: Record<GcKind, GcKindStats> | null = {} as Record<GcKind, GcKindStats>;
  for (let k = 0; k < GC_KINDS.length && gc; k++) {
    const base = GC_BASE + k * GC_FIELDS.length;
    const count = v(base);
    if (count === null) {
      gc = null;
      break;
    }
    gc[GC_KINDS[k] as GcKind] = { count, totalMs: v(base + 1) ?? 0, maxMs: v(base + 2) ?? 0 };
  }
  out.gc = gc;
  out.activeResources = activeResources;
  return out as unknown as Sample;
}

/** A ring of rows stored column-wise. */
class ColumnRing {
  readonly cols: Float64Array[];
  readonly extra: Array<Record<string, number> | null>;
  start = 0;
  length = 0;
  constructor(readonly capacity: number) {
    this.cols = FOLDS.map(() => new Float64Array(capacity));
    this.extra = new Array<Record<string, number> | null>(capacity).fill(null);
  }
  slot(i: number): number {
    return (this.start + i) % this.capacity;
  }
  /** Appends, overwriting the oldest row when full. */
  push(row: Float64Array, extra: Record<string, number> | null): void {
    const at = this.slot(this.length < this.capacity ? this.length : 0);
    if (this.length === this.capacity) this.start = (this.start + 1) % this.capacity;
    else this.length++;
    for (let c = 0; c < COLUMN_COUNT; c++) (this.cols[c] as Float64Array)[at] = row[c] as number;
    this.extra[at] = extra;
  }
  read(i: number, into: Float64Array): Record<string, number> | null {
    const s = this.slot(i);
    for (let c = 0; c < COLUMN_COUNT; c++) into[c] = (this.cols[c] as Float64Array)[s] as number;
    return this.extra[s] ?? null;
  }
  ts(i: number): number {
    return (this.cols[TS] as Float64Array)[this.slot(i)] as number;
  }
}

/** Folds rows into one bucket row according to each column's rule; NaN (null) is skipped. */
class BucketAccumulator {
  readonly sum = new Float64Array(COLUMN_COUNT);
  readonly n = new Float64Array(COLUMN_COUNT);
  rows = 0;
  bucketStartMs = NaN;
  lastResources: Record<string, number> | null = null;
  add(row: Float64Array, resources: Record<string, number> | null): void {
    this.rows++;
    if (resources) this.lastResources = resources;
    for (let c = 0; c < COLUMN_COUNT; c++) {
      const x = row[c] as number;
      if (Number.isNaN(x)) continue;
      const fold = FOLDS[c];
      const had = (this.n[c] as number) > 0;
      if (fold === 'max') this.sum[c] = had ? Math.max(this.sum[c] as number, x) : x;
      else if (fold === 'last') this.sum[c] = x;
      else this.sum[c] = (had ? (this.sum[c] as number) : 0) + x;
      this.n[c] = (this.n[c] as number) + 1;
    }
  }
  finish(into: Float64Array): void {
    for (let c = 0; c < COLUMN_COUNT; c++) {
      const n = this.n[c] as number;
      into[c] =
        n === 0 ? NaN : FOLDS[c] === 'mean' ? (this.sum[c] as number) / n : (this.sum[c] as number);
    }
  }
  reset(): void {
    this.sum.fill(0);
    this.n.fill(0);
    this.rows = 0;
    this.bucketStartMs = NaN;
    this.lastResources = null;
  }
}

export interface HistoryOptions {
  rawCapacity?: number;
  bucketMs?: number;
  coarseCapacity?: number;
}

export interface HistoryQuery {
  fromMs?: number;
  toMs?: number;
  /** At most this many points, chosen by LTTB on heapUsedBytes. */
  maxPoints?: number;
}

export const DEFAULT_RAW_CAPACITY = 3_600;
export const DEFAULT_BUCKET_MS = 10_000;
export const DEFAULT_COARSE_CAPACITY = 8_640;

export class SampleHistory {
  readonly #raw: ColumnRing;
  #coarse: ColumnRing | null = null;
  readonly #acc = new BucketAccumulator();
  readonly #row = new Float64Array(COLUMN_COUNT);
  readonly #evicted = new Float64Array(COLUMN_COUNT);
  readonly #bucketMs: number;
  readonly #coarseCapacity: number;
  #lastResources: Record<string, number> | null = null;

  constructor(options: HistoryOptions = {}) {
    this.#raw = new ColumnRing(Math.max(1, options.rawCapacity ?? DEFAULT_RAW_CAPACITY));
    this.#bucketMs = Math.max(1, options.bucketMs ?? DEFAULT_BUCKET_MS);
    this.#coarseCapacity = Math.max(1, options.coarseCapacity ?? DEFAULT_COARSE_CAPACITY);
  }

  /** Samples at full resolution currently held. */
  get rawLength(): number {
    return this.#raw.length;
  }

  /** Downsampled buckets currently held (the one being filled not included). */
  get coarseLength(): number {
    return this.#coarse?.length ?? 0;
  }

  get length(): number {
    return this.rawLength + this.coarseLength + (this.#acc.rows > 0 ? 1 : 0);
  }

  push(sample: Sample): void {
    if (this.#raw.length === this.#raw.capacity) {
      const res = this.#raw.read(0, this.#evicted);
      this.#fold(this.#evicted, res);
    }
    // Share equal consecutive activeResources objects: they rarely change.
    let res = sample.activeResources;
    if (res && this.#lastResources && sameCounts(res, this.#lastResources))
      res = this.#lastResources;
    else if (res) res = { ...res };
    this.#lastResources = res ?? this.#lastResources;
    toRow(sample, this.#row);
    this.#raw.push(this.#row, res ?? null);
  }

  /** Oldest first: coarse buckets, the bucket being filled, then raw samples. */
  query(q: HistoryQuery = {}): Sample[] {
    const from = q.fromMs ?? -Infinity;
    const to = q.toMs ?? Infinity;
    const out: Sample[] = [];
    const row = new Float64Array(COLUMN_COUNT);
    const coarse = this.#coarse;
    if (coarse) {
      for (let i = 0; i < coarse.length; i++) {
        const t = coarse.ts(i);
        if (t < from || t > to) continue;
        out.push(fromRow(row, coarse.read(i, row)));
      }
    }
    if (this.#acc.rows > 0) {
      this.#acc.finish(row);
      const t = row[TS] as number;
      if (t >= from && t <= to) out.push(fromRow(row, this.#acc.lastResources));
    }
    for (let i = 0; i < this.#raw.length; i++) {
      const t = this.#raw.ts(i);
      if (t < from || t > to) continue;
      out.push(fromRow(row, this.#raw.read(i, row)));
    }
    const maxPoints = q.maxPoints;
    if (maxPoints === undefined || maxPoints >= out.length) return out;
    const idx = lttbIndexes(
      out.map((s) => s.timestampMs),
      out.map((s) => s.heapUsedBytes),
      maxPoints,
    );
    return idx.map((i) => out[i] as Sample);
  }

  latest(): Sample | null {
    if (this.#raw.length === 0) return null;
    const row = new Float64Array(COLUMN_COUNT);
    return fromRow(row, this.#raw.read(this.#raw.length - 1, row));
  }

  #fold(row: Float64Array, resources: Record<string, number> | null): void {
    const t = row[TS] as number;
    const bucket = Math.floor(t / this.#bucketMs) * this.#bucketMs;
    if (this.#acc.rows > 0 && bucket !== this.#acc.bucketStartMs) this.#flushBucket();
    if (this.#acc.rows === 0) this.#acc.bucketStartMs = bucket;
    this.#acc.add(row, resources);
  }

  #flushBucket(): void {
    const out = new Float64Array(COLUMN_COUNT);
    this.#acc.finish(out);
    this.#coarse ??= new ColumnRing(this.#coarseCapacity);
    this.#coarse.push(out, this.#acc.lastResources);
    this.#acc.reset();
  }
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

// Seeded generated sample series for rule tests, in the spirit of clinic-doctor's
// test/generate-process-stat.js: a deterministic PRNG plus per-field generators, so a
// rule is tested on "a sawtooth heap with noise" rather than hand-typed numbers.
import type { GcKindStats, Sample } from '../../shared/model';

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Field {
  (i: number, rnd: () => number): number | null;
}

export interface GenerateOptions {
  seed?: number;
  count: number;
  intervalMs?: number;
  startMs?: number;
  rssBytes?: Field;
  heapUsedBytes?: Field;
  heapLimitBytes?: number;
  cpuPercent?: Field;
  openFds?: Field;
  threads?: Field;
  handles?: Field;
  eventLoopDelayP50Ms?: Field;
  eventLoopDelayP99Ms?: Field;
  eventLoopDelayMaxMs?: Field;
  /** GC in the interval ending at sample i: major count and total pause ms. */
  gc?: (i: number, rnd: () => number) => { major: number; majorMs?: number; minorMs?: number };
}

/** A given field's value (null too), else the default. */
function val(f: Field | undefined, i: number, rnd: () => number, dflt: number): number | null {
  return f ? f(i, rnd) : dflt;
}

const zero = (): GcKindStats => ({ count: 0, totalMs: 0, maxMs: 0 });

export function generateSamples(o: GenerateOptions): Sample[] {
  const rnd = seededRandom(o.seed ?? 1);
  const intervalMs = o.intervalMs ?? 1000;
  const startMs = o.startMs ?? 1_700_000_000_000;
  const out: Sample[] = [];
  for (let i = 0; i < o.count; i++) {
    const g = o.gc?.(i, rnd) ?? { major: 0 };
    const majorMs = g.majorMs ?? g.major * 5;
    const minorMs = g.minorMs ?? 0;
    const handles = val(o.handles, i, rnd, 5);
    out.push({
      timestampMs: startMs + i * intervalMs,
      late: false,
      cpuPercent: val(o.cpuPercent, i, rnd, 5 + rnd() * 2),
      rssBytes: val(o.rssBytes, i, rnd, 60e6 + rnd() * 1e6),
      heapUsedBytes: val(o.heapUsedBytes, i, rnd, 8e6 + rnd() * 1e5),
      heapTotalBytes: 16e6,
      heapLimitBytes: o.heapLimitBytes ?? 2 * 1024 ** 3,
      externalBytes: 1e6,
      arrayBuffersBytes: 1e5,
      eventLoopDelayP50Ms: val(o.eventLoopDelayP50Ms, i, rnd, rnd() * 0.5),
      eventLoopDelayP99Ms: val(o.eventLoopDelayP99Ms, i, rnd, 1 + rnd()),
      eventLoopDelayMaxMs: val(o.eventLoopDelayMaxMs, i, rnd, 2 + rnd() * 3),
      eventLoopUtilization: 0.05,
      gc: {
        minor: { count: minorMs > 0 ? 1 : 0, totalMs: minorMs, maxMs: minorMs },
        major: { count: g.major, totalMs: majorMs, maxMs: g.major ? majorMs / g.major : 0 },
        incremental: zero(),
        weakcb: zero(),
      },
      activeResources: handles === null ? null : { TCPWrap: handles },
      openFds: val(o.openFds, i, rnd, 20),
      threads: val(o.threads, i, rnd, 11),
    });
  }
  return out;
}

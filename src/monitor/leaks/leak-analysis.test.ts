import { describe, expect, it } from 'vitest';
import { seededRandom } from '../alerts/generate-samples';
import { analysePostGcTrend, judgeInvestigation } from './leak-analysis';
import { mannKendall, normalCdf, theilSenSlope, type Point } from './trend';

const MB = 1024 * 1024;
const T0 = 1_700_000_000_000;

/** Post-GC heap points every `stepMs`, value from `f` plus seeded noise of +-noiseBytes. */
function series(
  n: number,
  stepMs: number,
  f: (tMin: number) => number,
  noiseBytes: number,
  seed = 1,
): Point[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    tMs: T0 + i * stepMs,
    value: f((i * stepMs) / 60_000) + (rnd() - 0.5) * 2 * noiseBytes,
  }));
}

/** A sawtooth heap sampled every second, GC when it reaches the top; post-GC points only. */
function sawtoothPostGc(seconds: number, seed: number): Point[] {
  const rnd = seededRandom(seed);
  const out: Point[] = [];
  let heap = 20 * MB;
  for (let s = 0; s < seconds; s++) {
    heap += (2 + rnd() * 2) * MB;
    if (heap > 60 * MB) {
      heap = 20 * MB + rnd() * 1.5 * MB; // what survives GC: the same working set
      out.push({ tMs: T0 + s * 1000, value: heap });
    }
  }
  return out;
}

describe('trend statistics', () => {
  it('Theil-Sen ignores an outlier, Mann-Kendall sees monotonic growth', () => {
    const pts = Array.from({ length: 20 }, (_, i) => ({ tMs: i * 1000, value: i * 100 }));
    pts[5]!.value = 1e9;
    expect(theilSenSlope(pts)).toBeCloseTo(0.1, 6);
    expect(mannKendall(pts.map((p) => p.value)).increasingConfidence).toBeGreaterThan(0.99);
    expect(mannKendall([5, 5, 5, 5, 5]).z).toBe(0);
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
  });
});

describe('post-GC trend verdicts (seeded series)', () => {
  const now = (pts: Point[]) => pts[pts.length - 1]!.tMs;
  const cases: Array<[string, Point[], string]> = [
    ['no points', [], 'not-enough-data'],
    ['5 points', series(5, 10_000, () => 10 * MB, 0.1 * MB), 'not-enough-data'],
    [
      '10 points within 9 s',
      series(10, 1_000, (t) => 10 * MB + t * 50 * MB, 0.1 * MB),
      'not-enough-data',
    ],
    [
      'steady leak 4 MB/min with noise',
      series(30, 5_000, (t) => 20 * MB + t * 4 * MB, 0.5 * MB),
      'suspected',
    ],
    [
      'slow leak 1 MB/min over 10 min',
      series(60, 10_000, (t) => 30 * MB + t * MB, 0.3 * MB, 3),
      'suspected',
    ],
    ['flat heap with noise', series(40, 5_000, () => 20 * MB, 1 * MB, 4), 'stable'],
    ['shrinking heap', series(30, 5_000, (t) => 40 * MB - t * 2 * MB, 0.3 * MB, 5), 'stable'],
    [
      'warm-up drift 50 KB/min',
      series(60, 5_000, (t) => 8 * MB + t * 50 * 1024, 10 * 1024, 6),
      'stable',
    ],
    ['sawtooth heap, 3 min', sawtoothPostGc(180, 7), 'stable'],
    // A GC period beating with a 2 s batch: what survives GC includes a batch whose size
    // drifts with the phase, 1.2 MB over 25 s; bounded, so not a leak.
    [
      'aliased sawtooth, 24 s (transient batch drifting with GC phase): too short to judge',
      series(13, 2_000, (t) => 6 * MB + ((t * 60_000) / 25_000) * 1.2 * MB, 0.05 * MB, 9),
      'not-enough-data',
    ],
    [
      'aliased sawtooth seen in a real run: +2.6 MB over 30 s, too short to judge',
      series(14, 2_300, (t) => 4.6 * MB + t * 5.3 * MB, 0.1 * MB, 10),
      'not-enough-data',
    ],
    [
      'aliased sawtooth over 2 min (drift of 2.6 MB that resets every 30 s): bounded',
      series(
        60,
        2_000,
        (t) => 4.6 * MB + (((t * 60_000) % 30_000) / 30_000) * 2.6 * MB,
        0.1 * MB,
        11,
      ),
      'stable',
    ],
    ['sawtooth heap, other seed', sawtoothPostGc(180, 8), 'stable'],
  ];
  it.each(cases)('%s -> %s', (_name, pts, expected) => {
    const v = analysePostGcTrend(pts, pts.length ? now(pts) : T0);
    expect(v.state).toBe(expected);
    if (expected === 'not-enough-data') {
      expect(v.confidence).toBeNull();
      expect(v.sentence).toMatch(/^Not enough data yet/);
    } else {
      expect(v.confidence).toBeGreaterThanOrEqual(0);
      expect(v.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('states the rate and confidence of a leak', () => {
    const pts = series(30, 5_000, (t) => 20 * MB + t * 4 * MB, 0.2 * MB);
    const v = analysePostGcTrend(pts, now(pts));
    expect(v.growthBytesPerMinute! / MB).toBeGreaterThan(3.5);
    expect(v.growthBytesPerMinute! / MB).toBeLessThan(4.5);
    expect(v.confidence).toBeGreaterThan(0.99);
    expect(v.sentence).toMatch(/grows by 4\.\d MB\/min/);
  });

  it('only uses the window', () => {
    const old = series(30, 5_000, (t) => 20 * MB + t * 4 * MB, 0.2 * MB);
    const v = analysePostGcTrend(old, now(old) + 60 * 60_000);
    expect(v.state).toBe('not-enough-data');
  });
});

describe("the seed's investigate rule", () => {
  it.each([
    ['GC frees most of the growth', 10, 40, 12, false],
    ['GC frees a little', 10, 40, 35, true],
    ['exactly half freed is not a leak', 10, 30, 20, false],
    ['no growth to judge', 10, 10.5, 10, false],
  ])('%s', (_n, base, before, after, leak) => {
    const r = judgeInvestigation({
      atMs: 0,
      baselineBytes: base * MB,
      heapBeforeBytes: before * MB,
      heapAfterBytes: after * MB,
    });
    expect(r.leakSuspected).toBe(leak);
    expect(r.sentence.length).toBeGreaterThan(30);
  });

  it('a flat post-GC trend overrules one GC that kept live working data', () => {
    const input = { atMs: 0, baselineBytes: 10 * MB, heapBeforeBytes: 13 * MB };
    const flat = judgeInvestigation({
      ...input,
      heapAfterBytes: 12.5 * MB,
      trend: { state: 'stable', points: 40, spanMs: 120_000 },
    });
    expect(flat.leakSuspected).toBe(false);
    expect(flat.sentence).toMatch(/has not grown over 120 s \(40 post-GC points\).*no leak/);
    for (const state of ['suspected', 'not-enough-data'] as const) {
      const r = judgeInvestigation({
        ...input,
        heapAfterBytes: 12.5 * MB,
        trend: { state, points: 40, spanMs: 120_000 },
      });
      expect(r.leakSuspected, state).toBe(true);
    }
  });
});

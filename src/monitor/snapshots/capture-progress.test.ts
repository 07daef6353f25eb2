import { describe, expect, it } from 'vitest';
import {
  WALK_SHARE,
  calibrationFrom,
  estimateCapture,
  expectationFrom,
  type CaptureState,
} from './capture-progress';

const expectN = { walkMs: 4000, fileBytes: 200e6 };
const state = (s: Partial<CaptureState>): CaptureState => ({
  elapsedMs: 0,
  v8Done: 0,
  v8Total: 0,
  firstChunkAtMs: null,
  bytesReceived: 0,
  ...s,
});

describe('capture progress', () => {
  it('estimates the walk from the time so far, never claiming it done', () => {
    const half = estimateCapture(state({ elapsedMs: 2000 }), expectN);
    expect(half.fraction).toBeCloseTo(WALK_SHARE / 2);
    expect(half.exact).toBe(false);
    // 2 s of walk left plus the write (about 35/65 of the walk).
    expect(half.remainingMs).toBe(Math.round(2000 + (4000 * (1 - WALK_SHARE)) / WALK_SHARE));
    const late = estimateCapture(state({ elapsedMs: 9000 }), expectN);
    expect(late.fraction).toBeLessThan(WALK_SHARE);
    expect(late.remainingMs).toBeNull(); // over the estimate: no invented figure
  });

  it("uses V8's counter when there is one", () => {
    const e = estimateCapture(state({ elapsedMs: 1000, v8Done: 50, v8Total: 100 }), expectN);
    expect(e.exact).toBe(true);
    expect(e.fraction).toBeCloseTo(WALK_SHARE / 2);
  });

  it('follows the bytes once they arrive, with the time left from their rate', () => {
    const e = estimateCapture(
      state({ elapsedMs: 5000, firstChunkAtMs: 4000, bytesReceived: 100e6 }),
      expectN,
    );
    expect(e.fraction).toBeCloseTo(WALK_SHARE + (1 - WALK_SHARE) / 2);
    expect(e.remainingMs).toBe(1000); // 100 MB left at 100 MB/s
    const over = estimateCapture(
      state({ elapsedMs: 7000, firstChunkAtMs: 4000, bytesReceived: 300e6 }),
      expectN,
    );
    expect(over.fraction).toBeLessThan(1);
    expect(over.remainingMs).toBeNull();
  });

  it("expects from the pre-flight, then from this target's last capture", () => {
    const pre = expectationFrom(100e6, { pauseSeconds: 10, fileBytes: 230e6 }, null);
    expect(pre).toEqual({ walkMs: 10_000 * WALK_SHARE, fileBytes: 230e6 });
    const cal = calibrationFrom(100e6, 4000, 6000, 210e6)!;
    expect(cal.pauseMsPerHeapByte).toBeCloseTo(6000 / 100e6);
    const next = expectationFrom(200e6, { pauseSeconds: 10, fileBytes: 1 }, cal);
    expect(next.walkMs).toBeCloseTo(8000);
    expect(next.fileBytes).toBeCloseTo(420e6);
    expect(calibrationFrom(100e6, null, 6000, 210e6)).toBeNull();
    expect(calibrationFrom(0, 4000, 6000, 210e6)).toBeNull();
  });
});

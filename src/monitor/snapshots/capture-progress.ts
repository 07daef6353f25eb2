// How far a heap snapshot capture is, and how long it has left. A capture has two
// parts: V8 walks the heap (no output; about two thirds of the pause, measured on the
// 1 M-object fixture: 4.0 of 6.1 s), then serializes it as chunks. While it walks, the
// fraction comes from V8's own object counter when it was asked for (reportProgress),
// else from the time so far against the expected walk time; once chunks arrive, from
// the bytes received against the expected file size. Expectations start from the
// pre-flight ratios and are replaced by what this target's previous capture measured.

/** Share of the pause spent walking the heap before the first chunk. */
export const WALK_SHARE = 0.65;
/** An estimate never claims to be done: it stops short of the end of its part. */
const ESTIMATE_CAP = 0.95;

export interface CaptureExpectation {
  /** Time from the request to the first chunk. */
  walkMs: number;
  fileBytes: number;
}

/** What one finished capture measured, per byte of heap used, to predict the next. */
export interface CaptureCalibration {
  walkMsPerHeapByte: number;
  /** The whole pause (request to last byte written). */
  pauseMsPerHeapByte: number;
  fileBytesPerHeapByte: number;
}

export interface CaptureState {
  elapsedMs: number;
  /** V8's counter when reportProgress was asked (total 0 otherwise). */
  v8Done: number;
  v8Total: number;
  /** Elapsed time at the first chunk, or null while V8 still walks the heap. */
  firstChunkAtMs: number | null;
  bytesReceived: number;
}

export interface CaptureEstimateNow {
  /** 0..1 of the whole capture. */
  fraction: number;
  /** Null when the expectation is already exceeded and nothing better is known. */
  remainingMs: number | null;
  /** True when the walk's fraction is V8's counter, not an estimate from time. */
  exact: boolean;
}

export function expectationFrom(
  heapUsedBytes: number,
  fallback: { pauseSeconds: number; fileBytes: number },
  calibration: CaptureCalibration | null,
): CaptureExpectation {
  if (calibration && heapUsedBytes > 0) {
    return {
      walkMs: Math.max(1, heapUsedBytes * calibration.walkMsPerHeapByte),
      fileBytes: Math.max(1, heapUsedBytes * calibration.fileBytesPerHeapByte),
    };
  }
  return {
    walkMs: Math.max(1, fallback.pauseSeconds * 1000 * WALK_SHARE),
    fileBytes: Math.max(1, fallback.fileBytes),
  };
}

/** The calibration a finished capture gives, or null when it cannot tell. */
export function calibrationFrom(
  heapUsedBytes: number,
  firstChunkAtMs: number | null,
  durationMs: number,
  sizeBytes: number,
): CaptureCalibration | null {
  if (heapUsedBytes <= 0 || firstChunkAtMs === null || sizeBytes <= 0) return null;
  return {
    walkMsPerHeapByte: firstChunkAtMs / heapUsedBytes,
    pauseMsPerHeapByte: Math.max(firstChunkAtMs, durationMs) / heapUsedBytes,
    fileBytesPerHeapByte: sizeBytes / heapUsedBytes,
  };
}

export function estimateCapture(s: CaptureState, expect: CaptureExpectation): CaptureEstimateNow {
  const exact = s.v8Total > 0;
  const writeMs = (expect.walkMs * (1 - WALK_SHARE)) / WALK_SHARE;
  if (s.firstChunkAtMs === null) {
    let walk: number;
    let walkLeftMs: number | null;
    if (exact) {
      walk = Math.min(1, s.v8Done / s.v8Total);
      walkLeftMs =
        walk > 0.05 ? s.elapsedMs / walk - s.elapsedMs : Math.max(0, expect.walkMs - s.elapsedMs);
    } else {
      walk = Math.min(ESTIMATE_CAP, s.elapsedMs / expect.walkMs);
      walkLeftMs = s.elapsedMs < expect.walkMs ? expect.walkMs - s.elapsedMs : null;
    }
    return {
      fraction: WALK_SHARE * walk,
      remainingMs: walkLeftMs === null ? null : Math.round(walkLeftMs + writeMs),
      exact,
    };
  }
  const part = Math.min(ESTIMATE_CAP, s.bytesReceived / expect.fileBytes);
  const writingMs = s.elapsedMs - s.firstChunkAtMs;
  const left = expect.fileBytes - s.bytesReceived;
  let remainingMs: number | null;
  if (left <= 0) remainingMs = null;
  else if (s.bytesReceived > 0 && writingMs > 200) {
    remainingMs = Math.round(left / (s.bytesReceived / writingMs));
  } else remainingMs = Math.round(writeMs * (1 - part));
  return { fraction: WALK_SHARE + (1 - WALK_SHARE) * part, remainingMs, exact };
}

// Measures a live update from the arrival of a sample batch to the paint that shows
// it on every chart of the selected target (the 'resdash:live-update' performance
// measure that the renderer benchmark reads). Recharts draws new data in a second
// pass (its store takes the data in an effect), so a chart reports what it has
// actually drawn: the newest sample time under its lines. The measure ends in the
// first task after the frame that painted the last such report.
// No React here: the store's actions, the batch queue and the charts call in.

/** Marked when a live batch arrives (its startTime is the arrival); the measure starts here. */
export const LIVE_UPDATE_START_MARK = 'resdash:update-start';
export const LIVE_UPDATE_MEASURE = 'resdash:live-update';

/** Newest sample time the charts must draw before the pending measure ends. */
let expectedMs = -Infinity;
/** Per mounted live chart: the newest sample time it has drawn. */
const drawn = new Map<string, number>();
let finishing = false;
/** True from the start of an animation-frame callback of ours until the frame is painted. */
let inFrame = false;

function pending(): boolean {
  return performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark').length > 0;
}

/** Runs `fn` in a fresh task: after the current one and after a frame being rendered. */
export function afterCurrentTask(fn: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    fn();
  };
  channel.port2.postMessage(null);
}

/**
 * Called at the start of an animation-frame callback: until the task after this frame,
 * whatever the charts draw is painted by this frame.
 */
export function enterFrame(): void {
  if (inFrame) return;
  inFrame = true;
  afterCurrentTask(() => {
    inFrame = false;
  });
}

/** Starts a measure for a batch that arrived at `arrivedAtMs` (performance.now() time). */
export function startLiveUpdate(arrivedAtMs: number, newestSampleMs: number): void {
  // A measure still pending keeps its earlier start: the later batch is painted with it.
  if (!pending()) {
    performance.mark(LIVE_UPDATE_START_MARK, { startTime: arrivedAtMs });
    expectedMs = newestSampleMs;
  } else {
    expectedMs = Math.max(expectedMs, newestSampleMs);
  }
  check();
}

/** Drops a pending measure (the view changed: another target, paused, zoomed). */
export function cancelLiveUpdate(): void {
  performance.clearMarks(LIVE_UPDATE_START_MARK);
  expectedMs = -Infinity;
}

export function liveChartMounted(id: string): void {
  drawn.set(id, -Infinity);
}

export function liveChartUnmounted(id: string): void {
  drawn.delete(id);
  check();
}

/** A live chart has committed lines whose newest point is at `newestMs`. */
export function liveChartDrew(id: string, newestMs: number): void {
  if (!drawn.has(id)) return;
  drawn.set(id, Math.max(drawn.get(id) ?? -Infinity, newestMs));
  check();
}

function check(): void {
  if (finishing || drawn.size === 0 || !pending()) return;
  for (const t of drawn.values()) if (t < expectedMs) return;
  finishing = true;
  const finish = (): void => {
    finishing = false;
    if (!pending()) return;
    performance.measure(LIVE_UPDATE_MEASURE, LIVE_UPDATE_START_MARK);
    performance.clearMarks(LIVE_UPDATE_START_MARK);
    expectedMs = -Infinity;
  };
  // Drawn inside a frame of ours: that frame paints it. Otherwise the next frame does.
  if (inFrame || typeof requestAnimationFrame !== 'function') afterCurrentTask(finish);
  else requestAnimationFrame(() => afterCurrentTask(finish));
}

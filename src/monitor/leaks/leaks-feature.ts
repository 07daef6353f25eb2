// The 'leaks' session feature: collects post-GC heap points (samples whose interval
// had a major GC, forced GCs when the user allows them, investigations), keeps the
// trend verdict, runs the seed's investigate rule on request, and, when a leak is
// suspected and the user allows it, takes a series of snapshots to name the class.
import {
  DEFAULT_LEAK_OPTIONS,
  type LeakInvestigation,
  type LeakOptions,
  type LeakSnapshotSeries,
  type LeakSuspect,
  type LeakVerdict,
} from '../../shared/alert-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { Sample } from '../../shared/model';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { memberName } from '../features/member-name';
import { GcGate } from '../heap-tools/gc-gate';
import { HEAP_TOOLS_FEATURE, type HeapToolsFeature } from '../heap-tools/heap-tools-feature';
import { analysePostGcTrend, judgeInvestigation, type TrendOptions } from './leak-analysis';
import { parsePostGcPoints, POST_GC_DRAIN_SOURCE, PostGcRecorder } from './post-gc-recorder';
import { runSnapshotSeries, type SnapshotBackend } from './snapshot-series';
import { suspectSentence } from './suspects';
import type { Point } from './trend';

export const LEAKS_FEATURE_NAME = 'leaks';
const MAX_POINTS = 600;
/** A leak event at least this often while the verdict only drifts (rate, confidence). */
const REFRESH_EMIT_MS = 5_000;
const GC_TIMEOUT_MS = 60_000;
/** How often the in-target post-GC points are drained. */
const DRAIN_EVERY_MS = 2_000;
/** A forced GC is also seen by the in-target observer: one point, not two. */
const SAME_GC_MS = 500;

export interface LeaksFeature extends SessionFeature {
  readonly name: typeof LEAKS_FEATURE_NAME;
  verdict(): LeakVerdict;
  investigate(): Promise<LeakVerdict>;
  setOptions(patch: Partial<LeakOptions>): LeakVerdict;
}

export interface LeaksFeatureOptions {
  trend?: Partial<TrendOptions>;
  leak?: Partial<LeakOptions>;
  snapshotBackend?: SnapshotBackend;
}

export function createLeaksFeature(
  ctx: SessionContext,
  options: LeaksFeatureOptions = {},
): LeaksFeature {
  const points: Point[] = [];
  let leakOptions: LeakOptions = { ...DEFAULT_LEAK_OPTIONS, ...options.leak };
  let investigation: LeakInvestigation | null = null;
  let suspects: LeakSuspect[] = [];
  let series: LeakSnapshotSeries = { state: 'idle', step: 0, total: 3 };
  let firstHeapBytes: number | null = null;
  let lastGcPointMs = -Infinity;
  // Forced GCs at jittered times (0.5x..1.5x the interval): at a fixed period they can
  // alias with a periodic workload (a batch dropped every 2 s) and draw a false trend.
  let nextGcDelayMs = 0;
  // Forced GCs queue with the GC button's in the heap tools' gate (one at a time, so one's
  // "before" is never another's "after"); without heap tools, a gate of our own.
  const gate =
    ctx.feature<HeapToolsFeature>(HEAP_TOOLS_FEATURE)?.gc ?? new GcGate(ctx.client, ctx.now);
  /** The investigation in flight; a click before its GC started joins it. */
  let investigating: { verdict: Promise<LeakVerdict>; gcStarted: boolean } | null = null;
  let disposed = false;
  let lastEmitted: { state: string; atMs: number } | null = null;
  const abort = new AbortController();
  // The heap right after each major GC, from an observer in the target; until it is
  // installed (or where it cannot be: paused target, no probe) samples whose interval
  // had a major GC stand in.
  let recorder: PostGcRecorder | null = null;
  let lastDrainMs = -Infinity;
  // The drain rides on the probe's one read per tick (probe.ts): no evaluate of its own.
  const stopRiding =
    ctx.probe?.ride({
      key: 'postGc',
      expression: () => {
        if (!recorder || disposed || ctx.now() - lastDrainMs < DRAIN_EVERY_MS) return null;
        lastDrainMs = ctx.now();
        return POST_GC_DRAIN_SOURCE;
      },
      onValue: (value) => {
        if (disposed) return;
        for (const p of parsePostGcPoints(value)) addPoint(p.tMs, p.value);
      },
    }) ?? null;
  if (ctx.probe !== null && ctx.info.status === 'attached' && !ctx.client.closed) {
    const r = new PostGcRecorder(ctx.client);
    r.install().then(
      (ok) => {
        if (ok && !disposed) recorder = r;
        else if (ok) void r.uninstall().catch(() => undefined);
      },
      () => undefined,
    );
  }

  const addPoint = (tMs: number, value: number): void => {
    if (points.some((p) => Math.abs(p.tMs - tMs) < SAME_GC_MS)) return;
    // In time order: drained in-target points may be older than a forced GC's.
    let i = points.length;
    while (i > 0 && points[i - 1]!.tMs > tMs) i--;
    points.splice(i, 0, { tMs, value });
    if (points.length > MAX_POINTS) points.splice(0, points.length - MAX_POINTS);
    lastGcPointMs = Math.max(lastGcPointMs, tMs);
    nextGcDelayMs = leakOptions.forcedGcIntervalMs * (0.5 + Math.random());
  };

  const compute = (): LeakVerdict => {
    const nowMs = ctx.now();
    const trend = analysePostGcTrend(points, nowMs, options.trend);
    let state: LeakVerdict['state'] = trend.state;
    let sentence = trend.sentence;
    if (investigation?.leakSuspected) {
      state = trend.state === 'suspected' ? 'leak' : 'suspected';
      sentence =
        `${investigation.sentence} ${trend.state === 'suspected' ? trend.sentence : ''}`.trim();
    }
    const top = suspects[0];
    if (top) {
      state = 'leak';
      const conf =
        trend.confidence === null
          ? ''
          : ` (trend confidence ${Math.round(trend.confidence * 100)} %)`;
      sentence = `${suspectSentence(top)}${conf}.`;
    }
    const member = memberName(ctx.info);
    if (member) sentence = `${member}: ${sentence}`;
    return {
      targetId: ctx.targetId,
      state,
      confidence: trend.confidence,
      growthBytesPerMinute: trend.growthBytesPerMinute,
      baselineBytes: trend.baselineBytes,
      points: trend.points,
      pointsNeeded: trend.pointsNeeded,
      windowMs: options.trend?.windowMs ?? 10 * 60_000,
      sentence,
      suspects: suspects.map((s) => ({ ...s, counts: [...s.counts] })),
      investigation,
      snapshots: { ...series },
      options: { ...leakOptions },
      updatedMs: nowMs,
    };
  };

  const publish = (force = false): LeakVerdict => {
    const v = compute();
    const nowMs = v.updatedMs;
    if (
      force ||
      !lastEmitted ||
      lastEmitted.state !== v.state ||
      nowMs - lastEmitted.atMs >= REFRESH_EMIT_MS
    ) {
      lastEmitted = { state: v.state, atMs: nowMs };
      ctx.emit('leak', v);
    }
    maybeStartSeries(v);
    return v;
  };

  /** Forces a full GC (after any already queued) and returns the heap before and after. */
  const forceGc = async (onStart?: () => void): Promise<{ before: number; after: number }> => {
    if (ctx.client.closed) {
      throw new MonitorError(ErrorCodes.TARGET_CLOSED, 'The target is detached.');
    }
    const gc = await gate.run({ onStart, timeoutMs: GC_TIMEOUT_MS });
    addPoint(ctx.now(), gc.afterBytes);
    return { before: gc.beforeBytes, after: gc.afterBytes };
  };

  const runInvestigation = async (
    earlier: Promise<unknown> | undefined,
    run: { gcStarted: boolean },
  ): Promise<LeakVerdict> => {
    // Its GC must be its own: wait for an investigation whose GC had already begun.
    await earlier?.catch(() => undefined);
    let trend = analysePostGcTrend(points, ctx.now(), options.trend);
    const { before, after } = await forceGc(() => {
      run.gcStarted = true;
      // The trend as it stood when this GC's turn came (a queued GC may have added points).
      trend = analysePostGcTrend(points, ctx.now(), options.trend);
    });
    const baselineBytes =
      trend.baselineBytes ??
      (points.length > 1 ? points[0]!.value : null) ??
      firstHeapBytes ??
      before;
    investigation = judgeInvestigation({
      atMs: ctx.now(),
      baselineBytes,
      heapBeforeBytes: before,
      heapAfterBytes: after,
      trend,
    });
    return publish(true);
  };

  const maybeStartSeries = (v: LeakVerdict): void => {
    if (!leakOptions.allowSnapshots || series.state !== 'idle' || disposed) return;
    if (v.state !== 'suspected' && v.state !== 'leak') return;
    if (suspects.length > 0) return;
    series = { state: 'capturing', step: 0, total: 3 };
    // Share the heap tools' capture lock when they are there (F21).
    const heapTools = ctx.feature<HeapToolsFeature>(HEAP_TOOLS_FEATURE);
    void runSnapshotSeries({
      client: ctx.client,
      count: 3,
      spacingMs: leakOptions.snapshotSpacingMs,
      now: ctx.now,
      signal: abort.signal,
      backend: options.snapshotBackend,
      captureTo:
        options.snapshotBackend || !heapTools
          ? undefined
          : (path, signal) => heapTools.captureExclusive(path, signal),
      // The confirmation is read at each step: given meanwhile, it applies to the next one.
      preflight:
        options.snapshotBackend || !heapTools
          ? undefined
          : (dir) => heapTools.preflight(dir, leakOptions.confirmSnapshots, 'Leak snapshots'),
      gc: () => gate.run({ timeoutMs: GC_TIMEOUT_MS }),
      onProgress: (p) => {
        series = { ...series, ...p };
        if (!disposed) publish(true);
      },
    })
      .then((found) => {
        if (disposed) return;
        suspects = found;
        series = {
          state: 'done',
          step: 3,
          total: 3,
          message:
            found.length > 0
              ? `${found.length} class(es) grew at every snapshot.`
              : 'No class grew at every snapshot.',
        };
        publish(true);
      })
      .catch((err: unknown) => {
        if (disposed) return;
        series = {
          state: 'failed',
          step: series.step,
          total: 3,
          message: (err as Error).message,
        };
        if (err instanceof MonitorError) series.code = err.code;
        publish(true);
      });
  };

  const onSample = (sample: Sample): void => {
    if (disposed) return;
    if (firstHeapBytes === null && sample.heapUsedBytes !== null) {
      firstHeapBytes = sample.heapUsedBytes;
    }
    // With the recorder installed, its points arrive with the probe's reads (above).
    // A sample marked as our own pause (a snapshot's GC) is not the service's trend.
    if (
      !recorder &&
      !sample.ownPause &&
      sample.gc &&
      sample.gc.major.count > 0 &&
      sample.heapUsedBytes !== null
    ) {
      addPoint(sample.timestampMs, sample.heapUsedBytes);
    }
    if (
      leakOptions.allowForcedGc &&
      !gate.busy &&
      !ctx.client.closed &&
      ctx.info.status === 'attached' &&
      sample.timestampMs - lastGcPointMs >= nextGcDelayMs
    ) {
      forceGc().catch(() => undefined);
    }
    publish();
  };

  return {
    name: LEAKS_FEATURE_NAME,
    onSample,
    verdict: compute,
    investigate() {
      // A click while another investigation waits for its GC joins it: that GC starts
      // after this click, so its answer is this click's answer too. A GC already running
      // (periodic, the GC button, an earlier investigation) is waited for, never refused.
      if (investigating && !investigating.gcStarted) return investigating.verdict;
      const run = { gcStarted: false, verdict: null as unknown as Promise<LeakVerdict> };
      run.verdict = runInvestigation(investigating?.verdict, run).finally(() => {
        if (investigating === run) investigating = null;
      });
      investigating = run;
      return run.verdict;
    },
    setOptions(patch) {
      leakOptions = { ...leakOptions, ...patch };
      // Allowing (or confirming) snapshots again retries a series that failed or found nothing.
      const retry = patch.allowSnapshots === true || patch.confirmSnapshots === true;
      if (retry && (series.state === 'failed' || series.state === 'done')) {
        if (suspects.length === 0) series = { state: 'idle', step: 0, total: 3 };
      }
      return publish(true);
    },
    async dispose() {
      disposed = true;
      stopRiding?.();
      abort.abort();
      const r = recorder;
      recorder = null;
      if (r) await r.uninstall().catch(() => undefined);
    },
  };
}

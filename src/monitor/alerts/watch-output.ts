// What `resdash watch` prints for alerts and leak verdicts: JSON lines with a `type`, or
// one readable line. Kept here so the watch command's edit stays a few lines.
import type { AlertEvent, LeakSnapshotSeries, LeakVerdict } from '../../shared/alert-model';
import { ErrorCodes } from '../../shared/errors';

export function alertLine(e: AlertEvent, json: boolean): string {
  if (json) return JSON.stringify({ type: 'alert', change: e.change, ...e.alert });
  const a = e.alert;
  return `! ${e.change} ${a.severity} ${a.rule}${a.subject ? ` (${a.subject})` : ''}: ${a.message}`;
}

/** JSON: every verdict; table: only when the state changes (null = print nothing). */
export function leakLine(
  v: LeakVerdict,
  json: boolean,
  previousState: string | null,
): string | null {
  if (json) {
    return JSON.stringify({
      type: 'leak',
      targetId: v.targetId,
      state: v.state,
      confidence: v.confidence,
      growthBytesPerMinute: v.growthBytesPerMinute,
      baselineBytes: v.baselineBytes,
      points: v.points,
      sentence: v.sentence,
      suspects: v.suspects,
      investigation: v.investigation,
      snapshots: v.snapshots,
      options: v.options,
      timestampMs: v.updatedMs,
    });
  }
  if (v.state === previousState) return null;
  return `~ leak ${v.state}: ${v.sentence}`;
}

/**
 * A stderr line when the leak snapshot series ends without naming a class because it
 * failed (null otherwise, or when `previous` was already that failure): a series that
 * needs confirmation must not stop silently. `confirmHint` tells how to confirm.
 */
export function seriesFailureLine(
  series: LeakSnapshotSeries,
  previous: LeakSnapshotSeries | null,
  confirmHint: string,
): string | null {
  if (series.state !== 'failed') return null;
  if (
    previous?.state === 'failed' &&
    previous.message === series.message &&
    previous.code === series.code
  ) {
    return null;
  }
  const code = series.code ?? ErrorCodes.INTERNAL;
  const message = (series.message ?? 'The leak snapshot series failed.').replace(/\.?$/, '.');
  return code === ErrorCodes.CONFIRM_REQUIRED
    ? `resdash: warning: ${message} ${confirmHint} (${code})`
    : `resdash: warning: the leak snapshot series failed: ${message} (${code})`;
}

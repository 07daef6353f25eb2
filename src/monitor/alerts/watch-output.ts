// What `resdash watch` prints for alerts and leak verdicts: JSON lines with a `type`, or
// one readable line. Kept here so the watch command's edit stays a few lines.
import type { AlertEvent, LeakVerdict } from '../../shared/alert-model';

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
      timestampMs: v.updatedMs,
    });
  }
  if (v.state === previousState) return null;
  return `~ leak ${v.state}: ${v.sentence}`;
}

// What a snapshot's summary is titled: the process and the time it was taken, the id
// only as small print. Titles are hostile (a process title, an imported file name):
// plain strings, rendered as text.
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import { formatClock } from '../../components/format';

const dateOnly = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});

/** Local time of day, with the date in front when it is not today. */
export function localTime(ms: number, nowMs: number): string {
  const same = new Date(ms).toDateString() === new Date(nowMs).toDateString();
  return same ? formatClock(ms) : `${dateOnly.format(ms)} ${formatClock(ms)}`;
}

export function snapshotHeading(
  record: SnapshotRecord | undefined,
  snapshotId: string,
  nowMs: number,
): { title: string; id: string } {
  if (!record) return { title: 'Heap snapshot', id: snapshotId };
  const at = localTime(record.createdAtMs, nowMs);
  if (record.source === 'imported') {
    return { title: `Heap snapshot ${record.title}, imported at ${at}`, id: record.id };
  }
  const pid = record.pid !== null ? ` (pid ${record.pid})` : '';
  return { title: `Heap snapshot of ${record.title}${pid} at ${at}`, id: record.id };
}

import { describe, expect, it } from 'vitest';
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import { formatClock } from '../../components/format';
import { localTime, snapshotHeading } from './snapshot-heading';

const AT = new Date(2026, 2, 14, 15, 4, 5).getTime();
const record: SnapshotRecord = {
  id: 'snap-1a2b3c',
  fileName: 'x.heapsnapshot',
  path: '/data/snapshots/x.heapsnapshot',
  source: 'captured',
  createdAtMs: AT,
  sizeBytes: 1,
  heapUsedBytes: 1,
  pid: 4242,
  title: 'json-server (bin.js)',
  durationMs: 10,
};

describe('snapshotHeading', () => {
  it('names the process, its pid and the local time; the id is kept apart', () => {
    expect(snapshotHeading(record, record.id, AT + 60_000)).toEqual({
      title: `Heap snapshot of json-server (bin.js) (pid 4242) at ${formatClock(AT)}`,
      id: 'snap-1a2b3c',
    });
  });

  it('says the date too when it was not today', () => {
    const next = AT + 2 * 86_400_000;
    const { title } = snapshotHeading(record, record.id, next);
    expect(title).toContain(localTime(AT, next));
    expect(localTime(AT, next)).not.toBe(formatClock(AT));
    expect(localTime(AT, next)).toMatch(/2026/);
  });

  it('imported files and unknown ids', () => {
    const imported = {
      ...record,
      source: 'imported' as const,
      pid: null,
      title: 'prod.heapsnapshot',
    };
    expect(snapshotHeading(imported, imported.id, AT).title).toBe(
      `Heap snapshot prod.heapsnapshot, imported at ${formatClock(AT)}`,
    );
    expect(snapshotHeading({ ...record, pid: null }, record.id, AT).title).toBe(
      `Heap snapshot of json-server (bin.js) at ${formatClock(AT)}`,
    );
    expect(snapshotHeading(undefined, 'snap-9', AT)).toEqual({
      title: 'Heap snapshot',
      id: 'snap-9',
    });
  });
});

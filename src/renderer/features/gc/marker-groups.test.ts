import { describe, expect, it } from 'vitest';
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import { formatClock } from '../../components/format';
import { groupMarkers, markerTitle, MERGE_MARKERS_PX } from './marker-groups';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const gc = (atMs: number, label = 'GC -1.0 MB'): TimelineMarker => ({
  targetId: 't',
  atMs,
  kind: 'gc',
  label,
});
const alert = (atMs: number, rule = 'heap'): TimelineMarker => ({
  targetId: 't',
  atMs,
  kind: 'alert',
  label: `! ${rule}`,
});
const snapshot = (atMs: number): TimelineMarker => ({
  targetId: 't',
  atMs,
  kind: 'snapshot',
  label: 'Snapshot',
});
/** 1 px per second from T0. */
const x = (t: number): number => (t - T0) / 1000;

describe('groupMarkers', () => {
  it('keeps markers far apart as they are, with their own labels and titles', () => {
    const ms = [gc(T0), snapshot(T0 + 20_000), alert(T0 + 40_000)];
    const groups = groupMarkers(ms, x);
    expect(groups.map((g) => [g.kind, g.label, g.markers.length])).toEqual([
      ['gc', 'GC -1.0 MB', 1],
      ['snapshot', 'Snapshot', 1],
      ['alert', '! heap', 1],
    ]);
    // Single markers keep the tooltip they always had.
    expect(groups.map((g) => g.title)).toEqual(ms.map(markerTitle));
    expect(groups[0]!.title).toBe(
      'GC -1.0 MB: a GC forced here by this dashboard; samples of that time raise no alert.',
    );
    expect(groups.every((g) => g.atMs === g.endMs)).toBe(true);
  });

  it('merges five close GCs into one marker with a count and a title listing all five', () => {
    const ms = [0, 2, 4, 6, 8].map((s, i) => gc(T0 + s * 1000, `GC -${i}.0 MB`));
    const [g, ...rest] = groupMarkers(ms, x);
    expect(rest).toEqual([]);
    expect(g).toMatchObject({ kind: 'gc', label: 'GC ×5', atMs: T0, endMs: T0 + 8000 });
    const lines = g!.title.split('\n');
    expect(lines[0]).toBe(`5 events between ${formatClock(T0)} and ${formatClock(T0 + 8000)}:`);
    expect(lines.slice(1)).toEqual(ms.map((m) => `${formatClock(m.atMs)} ${markerTitle(m)}`));
  });

  it('names a count of alerts "alert ×N" and a mix "N events", in time order', () => {
    const alerts = groupMarkers([alert(T0 + 5000, 'b'), alert(T0, 'a'), alert(T0 + 3000, 'c')], x);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.label).toBe('alert ×3');
    expect(alerts[0]!.markers.map((m) => m.label)).toEqual(['! a', '! c', '! b']);
    const mixed = groupMarkers([gc(T0), alert(T0 + 1000), snapshot(T0 + 2000)], x);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toMatchObject({ kind: 'mixed', label: '3 events' });
  });

  it('merges by pixels at the chart scale, not by time: zooming out merges more', () => {
    const ms = [gc(T0), gc(T0 + 20_000)];
    expect(groupMarkers(ms, x)).toHaveLength(2);
    expect(groupMarkers(ms, (t) => x(t) / 10)).toHaveLength(1);
    // The threshold: just under merges, exactly at it does not.
    expect(groupMarkers([gc(T0), gc(T0 + (MERGE_MARKERS_PX - 0.5) * 1000)], x)).toHaveLength(1);
    expect(groupMarkers([gc(T0), gc(T0 + MERGE_MARKERS_PX * 1000)], x)).toHaveLength(2);
  });

  it('measures from a group’s first marker, so an evenly spaced run splits and lines stay apart', () => {
    // One marker every 5 px over 60 px.
    const ms = Array.from({ length: 13 }, (_, i) => gc(T0 + i * 5000));
    const groups = groupMarkers(ms, x);
    expect(groups.map((g) => g.markers.length)).toEqual([3, 3, 3, 3, 1]);
    const starts = groups.map((g) => x(g.atMs));
    for (let i = 1; i < starts.length; i++)
      expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(MERGE_MARKERS_PX);
  });

  it('moves a label that would overlap the previous one to the next row, or drops it', () => {
    // Labels of about 80 px, markers 20 px apart: rows 0, 1, 2, then none until row 0 is
    // free again.
    const ms = [0, 20, 40, 60, 80, 100].map((s) => alert(T0 + s * 1000, 'a-long-rule'));
    expect(groupMarkers(ms, x).map((g) => g.labelRow)).toEqual([0, 1, 2, null, null, 0]);
  });

  it('caps a long tooltip and counts the rest', () => {
    const ms = Array.from({ length: 30 }, (_, i) => gc(T0 + i * 100));
    const [g] = groupMarkers(ms, x);
    expect(g!.label).toBe('GC ×30');
    const lines = g!.title.split('\n');
    expect(lines).toHaveLength(22);
    expect(lines.at(-1)).toBe('… and 10 more');
  });

  it('keeps hostile labels as plain strings', () => {
    const evil = alert(T0, '<img src=x onerror=alert(1)>');
    const [g] = groupMarkers([evil, alert(T0 + 1000)], x);
    expect(g!.title).toContain('! <img src=x onerror=alert(1)>');
    expect(groupMarkers([], x)).toEqual([]);
  });
});

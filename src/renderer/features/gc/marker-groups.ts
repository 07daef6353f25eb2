// Timeline markers (forced GCs, snapshots, alert starts) grouped for drawing: markers
// closer than a few pixels at the chart's scale become one marker with a count and a
// tooltip that lists them all, and labels that would overlap go to another row. Pure:
// it knows a chart only through `x` (time to pixels), so any chart can use it.
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import { formatClock } from '../../components/format';

/** Markers closer than this to a group's first marker join the group. */
export const MERGE_MARKERS_PX = 14;
/** Label rows below the top of the plot; a label that fits in none is left out (the tooltip stays). */
export const MARKER_LABEL_ROWS = 3;
/** Estimated width of one label character at the charts' 10 px font. */
const LABEL_CHAR_PX = 6;
/** Label starts this far right of its line. */
export const MARKER_LABEL_OFFSET_PX = 3;
const LABEL_GAP_PX = 4;
/** Lines of a group's tooltip that name a marker each; the rest are counted. */
const MAX_TITLE_LINES = 20;

export type MarkerGroupKind = TimelineMarker['kind'] | 'mixed';

export interface MarkerGroup {
  /** Where the group is drawn: its first marker's time. */
  atMs: number;
  /** Its last marker's time (atMs for a single marker). */
  endMs: number;
  /** The members' kind when they share one. */
  kind: MarkerGroupKind;
  /** The members, oldest first. */
  markers: TimelineMarker[];
  /** Text next to the line: a single marker's label, else a count. */
  label: string;
  /** Tooltip: markerTitle of a single marker, else one line per member. */
  title: string;
  /** Label row (0 = top), or null when the label fits in no row. */
  labelRow: number | null;
}

/** What a marker's tooltip says; ours say that the samples of that time are not held against the target. */
export function markerTitle(m: TimelineMarker): string {
  if (m.kind === 'snapshot') {
    return `${m.label}: paused by a heap snapshot taken here by this dashboard; samples of that time raise no alert.`;
  }
  if (m.kind === 'gc') {
    return `${m.label}: a GC forced here by this dashboard; samples of that time raise no alert.`;
  }
  return m.label;
}

const KIND_NAME: Record<TimelineMarker['kind'], string> = {
  gc: 'GC',
  snapshot: 'snapshot',
  alert: 'alert',
};

function groupLabel(members: readonly TimelineMarker[], kind: MarkerGroupKind): string {
  if (members.length === 1) return members[0]!.label;
  return kind === 'mixed' ? `${members.length} events` : `${KIND_NAME[kind]} ×${members.length}`;
}

function groupTitle(members: readonly TimelineMarker[]): string {
  if (members.length === 1) return markerTitle(members[0]!);
  const first = members[0]!;
  const last = members[members.length - 1]!;
  const lines = [
    `${members.length} events between ${formatClock(first.atMs)} and ${formatClock(last.atMs)}:`,
  ];
  for (const m of members.slice(0, MAX_TITLE_LINES))
    lines.push(`${formatClock(m.atMs)} ${markerTitle(m)}`);
  if (members.length > MAX_TITLE_LINES)
    lines.push(`… and ${members.length - MAX_TITLE_LINES} more`);
  return lines.join('\n');
}

/**
 * Groups `markers` for a chart whose time-to-pixel mapping is `x`: sorted by time, a
 * marker within `minGapPx` of the current group's first marker joins it, so drawn lines
 * are at least `minGapPx` apart and no group is wider than that. Then each label gets
 * the first row where it does not overlap the previous label of that row.
 */
export function groupMarkers(
  markers: readonly TimelineMarker[],
  x: (t: number) => number,
  minGapPx = MERGE_MARKERS_PX,
): MarkerGroup[] {
  const sorted = [...markers].sort((a, b) => a.atMs - b.atMs);
  const runs: TimelineMarker[][] = [];
  let anchorPx = -Infinity;
  for (const m of sorted) {
    const px = x(m.atMs);
    const run = runs[runs.length - 1];
    if (run && Math.abs(px - anchorPx) < minGapPx) run.push(m);
    else {
      runs.push([m]);
      anchorPx = px;
    }
  }
  const rowEnds: number[] = Array.from({ length: MARKER_LABEL_ROWS }, () => -Infinity);
  return runs.map((members) => {
    const kinds = new Set(members.map((m) => m.kind));
    const kind: MarkerGroupKind = kinds.size === 1 ? members[0]!.kind : 'mixed';
    const label = groupLabel(members, kind);
    const start = x(members[0]!.atMs) + MARKER_LABEL_OFFSET_PX;
    const row = rowEnds.findIndex((end) => end + LABEL_GAP_PX <= start);
    if (row >= 0) rowEnds[row] = start + label.length * LABEL_CHAR_PX;
    return {
      atMs: members[0]!.atMs,
      endMs: members[members.length - 1]!.atMs,
      kind,
      markers: members,
      label,
      title: groupTitle(members),
      labelRow: row >= 0 ? row : null,
    };
  });
}

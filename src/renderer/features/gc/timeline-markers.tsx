// Forced GCs, snapshots and alerts drawn on a chart's timeline as vertical lines, as
// plain SVG inside the live line chart. Markers close together are drawn as one with a
// count (marker-groups.ts). Labels may come from the target (alert rule names):
// rendered as React text, never as markup.
import type { TimelineMarker } from '../../../shared/heap-tools-model';
import { groupMarkers, MARKER_LABEL_OFFSET_PX, type MarkerGroup } from './marker-groups';

export { markerTitle } from './marker-groups';

export const MARKER_COLORS: Record<TimelineMarker['kind'], string> = {
  gc: '#64748b',
  snapshot: '#0ea5e9',
  alert: '#dc2626',
};

const LABEL_ROW_PX = 11;

/** An alert outweighs a snapshot, which outweighs a GC. */
function groupColor(g: MarkerGroup): string {
  if (g.kind !== 'mixed') return MARKER_COLORS[g.kind];
  const kinds = new Set(g.markers.map((m) => m.kind));
  return MARKER_COLORS[kinds.has('alert') ? 'alert' : kinds.has('snapshot') ? 'snapshot' : 'gc'];
}

/** The markers inside [fromMs, toMs] as dashed vertical lines from `top` to `bottom`. */
export function markerLines(
  markers: readonly TimelineMarker[] | undefined,
  fromMs: number,
  toMs: number,
  x: (t: number) => number,
  top: number,
  bottom: number,
) {
  if (!markers || markers.length === 0) return null;
  const groups = groupMarkers(
    markers.filter((m) => m.atMs >= fromMs && m.atMs <= toMs),
    x,
  );
  return groups.map((g) => {
    const px = Math.round(x(g.atMs)) + 0.5;
    const endPx = Math.round(x(g.endMs)) + 0.5;
    const color = groupColor(g);
    const count = g.markers.length;
    return (
      <g
        key={`${g.kind}-${g.atMs}`}
        className={`timeline-marker timeline-marker-${g.kind}${count > 1 ? ' timeline-marker-group' : ''}`}
        data-count={count}
      >
        <title>{g.title}</title>
        {endPx > px && (
          <rect
            x={px}
            y={top}
            width={endPx - px}
            height={bottom - top}
            fill={color}
            opacity={0.08}
          />
        )}
        <line x1={px} x2={px} y1={top} y2={bottom} stroke={color} strokeDasharray="2 3" />
        {/* A wide transparent hit area, so the title shows without pixel hunting. */}
        <line
          className="marker-hit"
          x1={px}
          x2={px}
          y1={top}
          y2={bottom}
          stroke="transparent"
          strokeWidth={6}
        />
        {g.labelRow !== null && (
          <text
            x={px + MARKER_LABEL_OFFSET_PX}
            y={top + 10 + g.labelRow * LABEL_ROW_PX}
            fill={color}
            fontSize={10}
            fontWeight={count > 1 ? 600 : undefined}
          >
            {g.label}
          </text>
        )}
      </g>
    );
  });
}

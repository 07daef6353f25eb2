// Forced GCs, snapshots and alerts drawn on a chart's timeline as vertical lines, as
// plain SVG inside the live line chart. Labels may come from the target (alert rule
// names): rendered as React text, never as markup.
import type { TimelineMarker } from '../../../shared/heap-tools-model';

export const MARKER_COLORS: Record<TimelineMarker['kind'], string> = {
  gc: '#64748b',
  snapshot: '#0ea5e9',
  alert: '#dc2626',
};

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
  return markers
    .filter((m) => m.atMs >= fromMs && m.atMs <= toMs)
    .map((m) => {
      const px = Math.round(x(m.atMs)) + 0.5;
      const color = MARKER_COLORS[m.kind];
      return (
        <g key={`${m.kind}-${m.atMs}`} className={`timeline-marker timeline-marker-${m.kind}`}>
          <title>{markerTitle(m)}</title>
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
          <text x={px + 3} y={top + 10} fill={color} fontSize={10}>
            {m.label}
          </text>
        </g>
      );
    });
}

// Forced GCs and snapshots drawn on a chart's timeline as vertical reference lines.
// A function returning elements (not a component), so Recharts sees them as its own
// direct children.
import { ReferenceLine } from 'recharts';
import type { TimelineMarker } from '../../../shared/heap-tools-model';

const COLORS: Record<TimelineMarker['kind'], string> = {
  gc: '#64748b',
  snapshot: '#0ea5e9',
  alert: '#dc2626',
};

export function markerLines(
  markers: readonly TimelineMarker[] | undefined,
  fromMs: number,
  toMs: number,
) {
  if (!markers || markers.length === 0) return null;
  return markers
    .filter((m) => m.atMs >= fromMs && m.atMs <= toMs)
    .map((m) => (
      <ReferenceLine
        key={`${m.kind}-${m.atMs}`}
        x={m.atMs}
        stroke={COLORS[m.kind]}
        strokeDasharray="2 3"
        ifOverflow="hidden"
        label={{ value: m.label, position: 'insideTopLeft', fontSize: 10, fill: COLORS[m.kind] }}
        className={`timeline-marker timeline-marker-${m.kind}`}
      />
    ));
}

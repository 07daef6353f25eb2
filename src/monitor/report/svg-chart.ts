// Line charts as inline SVG, generated here so a report needs no script (its CSP
// forbids any). Nulls break the line (a gap, never a zero: F12). Every text is escaped.
import { escapeHtml } from './escape';
import { axisTicks } from './nice-ticks';

export interface ChartSeries {
  name: string;
  color: string;
  values: ReadonlyArray<number | null>;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  times: readonly number[];
  series: readonly ChartSeries[];
  /** Labels of the y-axis ticks (round numbers in the unit shown, see nice-ticks.ts). */
  formatValue: (v: number) => string;
  /** Whole-number ticks only (counts). */
  integer?: boolean;
  width?: number;
  height?: number;
}

const PAD = { left: 64, right: 12, top: 10, bottom: 26 };

function timeLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function svgLineChart(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 200;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const t0 = spec.times[0] ?? 0;
  const t1 = spec.times[spec.times.length - 1] ?? t0;
  const span = t1 - t0 || 1;
  let top = 0;
  for (const s of spec.series)
    for (const v of s.values) if (v !== null && Number.isFinite(v) && v > top) top = v;
  // Round ticks; the axis ends on the first one at or above the largest value.
  const { max: yMax, ticks } = axisTicks(top, 4, spec.integer ? 1 : 0);
  const x = (t: number): number => PAD.left + ((t - t0) / span) * plotW;
  const y = (v: number): number => PAD.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
  );
  for (const v of ticks) {
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="axis">${escapeHtml(spec.formatValue(v))}</text>`,
    );
  }
  for (const [t, anchor] of [
    [t0, 'start'],
    [t0 + span / 2, 'middle'],
    [t1, 'end'],
  ] as const) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${height - 8}" text-anchor="${anchor}" class="axis">${timeLabel(t)}</text>`,
    );
  }
  for (const s of spec.series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      const t = spec.times[i];
      if (v === null || !Number.isFinite(v) || t === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d)
      parts.push(
        `<path d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
  }
  parts.push('</svg>');
  const legend = spec.series
    .map(
      (s) =>
        `<span class="legend-item"><span class="swatch" style="background:${escapeHtml(s.color)}"></span>${escapeHtml(s.name)}</span>`,
    )
    .join('');
  return `<figure class="chart-box"><figcaption>${escapeHtml(spec.title)}</figcaption>${parts.join('')}<div class="legend">${legend}</div></figure>`;
}

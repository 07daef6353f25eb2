// One chart of a group dashboard: a line per member (process or worker thread) and a
// dashed sum line where a sum means something. Plain SVG of its own, kept simple:
// the per-target charts (features/dashboard) are a separate component with their own
// tuning; this one draws a few series of a few hundred points each.
import { memo } from 'react';
import { useElementWidth } from '../../components/hooks';
import type { MemberSeries } from './group-data';

const HEIGHT = 200;
const M = { top: 8, right: 12, bottom: 20, left: 56 };

function pathOf(
  points: MemberSeries['points'],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

export const GroupChart = memo(function GroupChart(props: {
  title: string;
  explanation: string;
  testId: string;
  series: readonly MemberSeries[];
  window: { fromMs: number; toMs: number };
  formatValue: (v: number) => string;
}) {
  const { series, window } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  let max = 0;
  for (const s of series) for (const p of s.points) if (p.v !== null && p.v > max) max = p.v;
  max = max > 0 ? max * 1.1 : 1;
  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = HEIGHT - M.top - M.bottom;
  const span = Math.max(1, window.toMs - window.fromMs);
  const x = (t: number) => M.left + ((t - window.fromMs) / span) * plotW;
  const y = (v: number) => M.top + plotH - (v / max) * plotH;
  const ticks = [0, 0.5, 1].map((f) => f * max);
  return (
    <section className="card chart-card group-chart" aria-label={props.title}>
      <header>
        <h3>{props.title}</h3>
        <p className="explain">{props.explanation}</p>
      </header>
      <div ref={ref} className="chart-box" data-testid={props.testId} data-series={series.length}>
        {width > 0 && (
          <svg width={width} height={HEIGHT} role="img" aria-label={props.title}>
            {ticks.map((v) => (
              <g key={v}>
                <line
                  x1={M.left}
                  x2={M.left + plotW}
                  y1={y(v)}
                  y2={y(v)}
                  className="group-grid"
                  stroke="#e5e7eb"
                />
                <text x={M.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#6b7280">
                  {props.formatValue(v)}
                </text>
              </g>
            ))}
            <text x={M.left} y={HEIGHT - 4} fontSize="11" fill="#6b7280">
              {`${Math.round(span / 1000)} s`}
            </text>
            {series.map((s) => (
              <path
                key={s.targetId}
                className="group-line"
                data-member={s.targetId}
                d={pathOf(s.points, x, y)}
                fill="none"
                stroke={s.color}
                strokeWidth={s.sum ? 2 : 1.5}
                strokeDasharray={s.sum ? '5 3' : undefined}
              >
                <title>{s.name}</title>
              </path>
            ))}
          </svg>
        )}
      </div>
      <ul className="chart-legend">
        {series.map((s) => (
          <li key={s.targetId} data-testid={`${props.testId}-legend`}>
            <span
              className={s.sum ? 'chart-swatch dashed' : 'chart-swatch'}
              style={{ borderColor: s.color }}
            />
            {s.name}
          </li>
        ))}
      </ul>
    </section>
  );
});

// One self-contained HTML file: no script, no network (CSP default-src 'none'), inline
// CSS with print rules, charts as inline SVG. Sections render when their data exists:
// events of any type are shown, known ones (alert, leak, pools, snapshot…) with a title.
import { GC_KINDS, type Sample } from '../../shared/model';
import type { RecordedEvent, ReportData } from '../../shared/report-model';
import { escapeHtml } from './escape';
import { tickNumber } from './nice-ticks';
import { svgLineChart, type ChartSeries } from './svg-chart';

export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const MAX_EVENT_ROWS = 200;
const MAX_TEXT = 300;
const MB = 1024 * 1024;

const SECTION_TITLES: Record<string, string> = {
  alert: 'Alerts',
  leak: 'Leak verdicts',
  pools: 'Pools',
  pool: 'Pools',
  snapshot: 'Heap snapshots',
  snapshotProgress: 'Heap snapshot progress',
  gc: 'Forced GCs',
};

const e = (s: string): string => escapeHtml(s);
const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : '-');

function bytes(v: number | null): string {
  if (v === null) return '-';
  return v >= 1024 * MB ? `${(v / 1024 / MB).toFixed(2)} GB` : `${(v / MB).toFixed(1)} MB`;
}
function fixed(v: number | null, digits: number, unit = ''): string {
  return v === null ? '-' : `${v.toFixed(digits)}${unit}`;
}

function kpiCards(d: ReportData): string {
  const k = d.kpis;
  const cards: Array<[string, string]> = [
    ['Samples', String(k.sampleCount)],
    ['Peak RSS', bytes(k.peakRssBytes)],
    ['Peak heap used', bytes(k.peakHeapUsedBytes)],
    ['Heap limit', bytes(k.heapLimitBytes)],
    ['CPU avg / peak', `${fixed(k.avgCpuPercent, 1, ' %')} / ${fixed(k.peakCpuPercent, 1, ' %')}`],
    ['Event-loop p99 max', fixed(k.eventLoopDelayP99MaxMs, 1, ' ms')],
    ['GC count', String(k.gcCount)],
    ['GC avg pause', fixed(k.gcAvgMs, 2, ' ms')],
    ['GC time', k.gcTimeRatio === null ? '-' : `${(k.gcTimeRatio * 100).toFixed(2)} %`],
    ['Late samples', String(k.lateSamples)],
    ['Paused by this dashboard', String(k.ownPauseSamples ?? 0)],
  ];
  return `<div class="kpis">${cards
    .map(
      ([t, v]) =>
        `<div class="kpi" data-kpi="${e(t)}"><div class="kpi-title">${e(t)}</div><div class="kpi-value">${e(v)}</div></div>`,
    )
    .join('')}</div>`;
}

function gcPauseMs(s: Sample, major: boolean): number | null {
  if (!s.gc) return null;
  return major ? s.gc.major.totalMs : GC_KINDS.reduce((n, k) => n + s.gc![k].totalMs, 0);
}

function charts(samples: readonly Sample[]): string {
  if (samples.length === 0) return '<p class="muted">No samples in this range.</p>';
  const times = samples.map((s) => s.timestampMs);
  const mb = (f: (s: Sample) => number | null): Array<number | null> =>
    samples.map((s) => {
      const v = f(s);
      return v === null ? null : v / MB;
    });
  const mem: ChartSeries[] = [
    { name: 'RSS', color: '#3b82f6', values: mb((s) => s.rssBytes) },
    { name: 'Heap total', color: '#a855f7', values: mb((s) => s.heapTotalBytes), dashed: true },
    { name: 'Heap used', color: '#10b981', values: mb((s) => s.heapUsedBytes) },
    { name: 'External', color: '#f59e0b', values: mb((s) => s.externalBytes) },
  ];
  // Axis ticks are round numbers (nice-ticks.ts): shown as they are, 2.5 stays 2.5.
  const fmtMb = (v: number): string => `${tickNumber(v)} MB`;
  const fmtMs = (v: number): string => `${tickNumber(v)} ms`;
  return [
    svgLineChart({ title: 'Memory', times, series: mem, formatValue: fmtMb }),
    svgLineChart({
      title: 'CPU',
      times,
      series: [{ name: 'CPU %', color: '#ef4444', values: samples.map((s) => s.cpuPercent) }],
      formatValue: (v) => `${tickNumber(v)} %`,
    }),
    svgLineChart({
      title: 'Event-loop delay',
      times,
      series: [
        { name: 'p50', color: '#10b981', values: samples.map((s) => s.eventLoopDelayP50Ms) },
        { name: 'p99', color: '#f59e0b', values: samples.map((s) => s.eventLoopDelayP99Ms) },
        {
          name: 'max',
          color: '#ef4444',
          values: samples.map((s) => s.eventLoopDelayMaxMs),
          dashed: true,
        },
      ],
      formatValue: fmtMs,
    }),
    svgLineChart({
      title: 'Garbage collection (pause per interval)',
      times,
      series: [
        {
          name: 'All GC pauses',
          color: '#6366f1',
          values: samples.map((s) => gcPauseMs(s, false)),
        },
        {
          name: 'Major GC',
          color: '#ec4899',
          values: samples.map((s) => gcPauseMs(s, true)),
          dashed: true,
        },
      ],
      formatValue: fmtMs,
    }),
  ].join('');
}

/** A short, escaped text of an event's payload (targetId left out: it is the report's). */
function summarize(value: unknown, depth = 0): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string')
    return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) + '…' : value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (typeof value === 'boolean') return String(value);
  if (depth >= 2) return Array.isArray(value) ? `[${value.length} items]` : '{…}';
  if (Array.isArray(value))
    return `[${value
      .slice(0, 10)
      .map((v) => summarize(v, depth + 1))
      .join(', ')}${value.length > 10 ? ', …' : ''}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([k]) => k !== 'targetId',
  );
  const text = entries.map(([k, v]) => `${k}: ${summarize(v, depth + 1)}`).join('; ');
  return text.length > MAX_TEXT * 2 ? text.slice(0, MAX_TEXT * 2) + '…' : text;
}

const POOL_FIELDS = ['inUse', 'idle', 'waiting', 'size', 'max', 'pending', 'free'];

/** The pool reads in a pools event: {samples: PoolSample[]}, {pools} or {sample: {pools}}. */
export function poolReads(data: unknown, atMs: number): Array<{ atMs: number; pools: unknown[] }> {
  if (!data || typeof data !== 'object') return [];
  const d = data as Record<string, unknown>;
  const t = typeof d.timestampMs === 'number' ? d.timestampMs : atMs;
  if (Array.isArray(d.pools)) return [{ atMs: t, pools: d.pools }];
  if (Array.isArray(d.samples)) return d.samples.flatMap((x) => poolReads(x, t));
  const inner = d.sample ?? d.poolSample;
  return inner ? poolReads(inner, t) : [];
}

/** Pool-like events: an array of objects with a name and numbers, charted per pool and field. */
function poolCharts(events: readonly RecordedEvent[]): string {
  const series = new Map<string, Map<string, Array<[number, number]>>>();
  for (const read of events.flatMap((ev) => poolReads(ev.data, ev.atMs))) {
    for (const p of read.pools.slice(0, 20)) {
      if (!p || typeof p !== 'object') continue;
      const po = p as Record<string, unknown>;
      const name = typeof po.name === 'string' ? po.name : typeof po.id === 'string' ? po.id : null;
      if (!name) continue;
      let fields = series.get(name);
      if (!fields) series.set(name, (fields = new Map()));
      const flat: Record<string, unknown> = { ...po, ...((po.stats as object | undefined) ?? {}) };
      for (const [k, v] of Object.entries(flat).filter(([k]) => POOL_FIELDS.includes(k))) {
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        let pts = fields.get(k);
        if (!pts) fields.set(k, (pts = []));
        pts.push([read.atMs, v]);
      }
    }
  }
  const colors = ['#3b82f6', '#10b981', '#f59e0b', '#ef4444', '#a855f7', '#6366f1'];
  const out: string[] = [];
  for (const [name, fields] of [...series.entries()].slice(0, 12)) {
    const keys = [...fields.keys()].sort().slice(0, 6);
    const times = [...new Set(keys.flatMap((k) => fields.get(k)!.map(([t]) => t)))].sort(
      (a, b) => a - b,
    );
    const at = new Map(times.map((t, i) => [t, i]));
    const chartSeries: ChartSeries[] = keys.map((k, i) => {
      const values: Array<number | null> = new Array<number | null>(times.length).fill(null);
      for (const [t, v] of fields.get(k)!) values[at.get(t)!] = v;
      return { name: k, color: colors[i % colors.length]!, values };
    });
    if (times.length > 0)
      out.push(
        svgLineChart({
          title: `Pool ${name}`,
          times,
          series: chartSeries,
          formatValue: tickNumber,
          integer: true,
        }),
      );
  }
  return out.join('');
}

function lastPoolsTable(events: readonly RecordedEvent[]): string {
  const reads = events.flatMap((ev) => poolReads(ev.data, ev.atMs));
  const last = reads[reads.length - 1];
  if (!last || last.pools.length === 0)
    return '<p class="muted">No pools were tracked in this range.</p>';
  const cols = ['name', 'kind', 'size', 'max', 'inUse', 'idle', 'waiting'];
  const cell = (v: unknown): string => (v === undefined || v === null ? '-' : summarize(v));
  const rows = last.pools
    .map((p) => {
      const o = (p ?? {}) as Record<string, unknown>;
      return `<tr>${cols.map((c) => `<td>${e(cell(o[c]))}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<p class="muted">Last read at ${e(iso(last.atMs))}.</p><table><thead><tr>${cols.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

function eventSection(type: string, events: readonly RecordedEvent[]): string {
  const title = SECTION_TITLES[type] ?? `Events: ${type}`;
  if (type === 'pools' || type === 'pool') {
    return `<section class="events" data-section="${e(type)}"><h2>${e(title)}</h2>${poolCharts(events)}${lastPoolsTable(events)}</section>`;
  }
  const shown = events.slice(-MAX_EVENT_ROWS);
  const special = type === 'alert' ? alertRows(shown) : type === 'leak' ? leakRows(shown) : null;
  const rows = special
    ? special.rows
    : shown
        .map(
          (ev) =>
            `<tr><td class="nowrap">${e(iso(ev.atMs))}</td><td>${e(summarize(ev.data))}</td></tr>`,
        )
        .join('');
  const more =
    events.length > shown.length
      ? `<p class="muted">${events.length - shown.length} earlier entries omitted; the JSON report has them all.</p>`
      : '';
  return `<section class="events" data-section="${e(type)}"><h2>${e(title)} (${events.length})</h2>${more}<table><thead><tr>${(special?.head ?? ['Time', 'Details']).map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

type Row = { head: string[]; rows: string };
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined ? '' : summarize(v);
const row = (cells: string[]): string =>
  `<tr>${cells.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`;

/** AlertEvent {change, alert: {severity, rule, subject, message, value, limit, unit}}. */
function alertRows(events: readonly RecordedEvent[]): Row | null {
  const ok = events.every((ev) => typeof (ev.data as { alert?: unknown })?.alert === 'object');
  if (!ok) return null;
  return {
    head: ['Time', 'Change', 'Severity', 'Rule', 'Message'],
    rows: events
      .map((ev) => {
        const d = ev.data as { change?: unknown; alert: Record<string, unknown> };
        const a = d.alert;
        const rule = a.subject ? `${str(a.rule)} (${str(a.subject)})` : str(a.rule);
        return row([iso(ev.atMs), str(d.change), str(a.severity), rule, str(a.message)]);
      })
      .join(''),
  };
}

/** LeakVerdict {state, confidence, growthBytesPerMinute, sentence, suspects[]}. */
function leakRows(events: readonly RecordedEvent[]): Row | null {
  const ok = events.every((ev) => typeof (ev.data as { state?: unknown })?.state === 'string');
  if (!ok) return null;
  return {
    head: ['Time', 'Verdict', 'Confidence', 'Growth / min', 'Summary', 'Suspects'],
    rows: events
      .map((ev) => {
        const d = ev.data as Record<string, unknown>;
        const conf =
          typeof d.confidence === 'number' ? `${(d.confidence * 100).toFixed(0)} %` : '-';
        const growth =
          typeof d.growthBytesPerMinute === 'number' ? bytes(d.growthBytesPerMinute) : '-';
        const suspects = Array.isArray(d.suspects)
          ? d.suspects
              .slice(0, 5)
              .map((x) => str((x as { className?: unknown })?.className))
              .join(', ')
          : '';
        return row([iso(ev.atMs), str(d.state), conf, growth, str(d.sentence), suspects]);
      })
      .join(''),
  };
}

const CSS = `
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:820px;color:#111827;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.muted{color:#6b7280}.nowrap{white-space:nowrap}
dl.identity{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.identity dt{color:#6b7280}dl.identity dd{margin:0;word-break:break-all}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.kpi{border:1px solid #e5e7eb;border-radius:6px;padding:8px}.kpi-title{color:#6b7280;font-size:12px}.kpi-value{font-size:17px;font-weight:600}
.chart-box{margin:12px 0;break-inside:avoid}.chart-box figcaption{font-weight:600;margin-bottom:4px}
svg.chart{max-width:100%;height:auto}svg .axis{font-size:10px;fill:#6b7280}
.legend{font-size:12px;color:#374151}.legend-item{margin-right:12px}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border-bottom:1px solid #f3f4f6;text-align:left;padding:3px 6px;vertical-align:top;word-break:break-word}
.rec{padding:6px 10px;border-left:4px solid #3b82f6;margin:6px 0;background:#f9fafb}.rec.warning{border-color:#f59e0b}.rec.critical{border-color:#ef4444}
.warning-banner{background:#fef3c7;padding:6px 10px;border-radius:4px}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}section,.chart-box,tr{break-inside:avoid}a{color:inherit;text-decoration:none}@page{margin:14mm}}
`;

export function renderReportHtml(d: ReportData): string {
  const t = d.target;
  const identity: Array<[string, string]> = [
    ['Process', t.title],
    ['PID', t.pid === null ? '-' : String(t.pid)],
    ['Command', t.command],
    ['Node', t.nodeVersion ?? '-'],
    ['Inspector port', String(t.port)],
    ['Sample interval', `${t.intervalMs} ms`],
    ['Range', `${iso(d.range.fromMs)} – ${iso(d.range.toMs)}`],
    ['Source', d.source.kind === 'recording' ? `recording ${d.source.path ?? ''}` : 'live session'],
    ['Generated', iso(d.generatedAtMs)],
  ];
  const sections = Object.entries(d.events)
    .filter(([, list]) => list.length > 0)
    .sort(([a], [b]) => sectionOrder(a) - sectionOrder(b) || a.localeCompare(b))
    .map(([type, list]) => eventSection(type, list))
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Resource report: ${e(t.title)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>Resource report: <span data-field="title">${e(t.title)}</span></h1>
<dl class="identity">${identity.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
${t.warnings.map((w) => `<p class="warning-banner">${e(w)}</p>`).join('')}</header>
<section data-section="kpis"><h2>Key figures</h2>${kpiCards(d)}</section>
<section data-section="recommendations"><h2>Recommendations</h2>${d.recommendations
    .map(
      (r) =>
        `<div class="rec ${e(r.severity)}"><strong>${e(r.severity)}</strong>: ${e(r.text)}</div>`,
    )
    .join('')}</section>
<section data-section="charts"><h2>History</h2>${charts(d.samples)}</section>
${sections}
<footer class="muted"><p>Generated by resdash. Offline file: no scripts, no network.</p></footer>
</body></html>
`;
}

function sectionOrder(type: string): number {
  const order = ['alert', 'leak', 'pools', 'pool', 'snapshot'];
  const i = order.indexOf(type);
  return i < 0 ? order.length : i;
}

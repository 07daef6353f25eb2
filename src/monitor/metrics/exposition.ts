// Prometheus text exposition format 0.0.4: HELP/TYPE once per family, families
// contiguous, label values escaped (\\, \", \n), HELP text escaped (\\, \n).
export type MetricType = 'gauge' | 'counter' | 'summary' | 'untyped';

export interface Series {
  /** Full sample name, e.g. nodejs_gc_duration_seconds_sum. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  series: Series[];
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderFamilies(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.series.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const labels = Object.entries(s.labels)
        .filter(([k]) => LABEL_NAME.test(k))
        .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
        .join(',');
      out.push(`${s.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return out.join('\n') + '\n';
}

// resources/grafana-dashboard.json: valid JSON, and every query names only metrics the
// exporter writes (the names come from the exporter's METRICS table, not a copy).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METRICS, exportedSampleNames } from './metrics-exporter';

const FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../resources/grafana-dashboard.json',
);

interface Target {
  expr?: string;
  refId?: string;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: string | { query: string } }> };
  __inputs?: Array<{ name: string; type: string; pluginId: string }>;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

/** Metric names a PromQL expression selects (functions, labels and keywords left out). */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values, strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges, subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables
  const names: string[] = [];
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call) continue; // a function
    if (PROMQL_WORDS.has(word!.toLowerCase())) continue;
    if (m.index! > 0 && /[\d.]/.test(stripped[m.index! - 1]!)) continue; // 1e3, 5m
    names.push(word!);
  }
  return names;
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as Dashboard;
const panels = allPanels(dashboard.panels);
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, t })));

describe('Grafana dashboard', () => {
  it('reads PromQL metric names the way a query does', () => {
    expect(
      metricNamesIn(
        'sum by (kind, pid) (rate(a_b_sum{target=~"$target",x="y{z}"}[$__rate_interval])) / ignoring(state) c{d="1"} > 1e3',
      ),
    ).toEqual(['a_b_sum', 'c']);
    expect(metricNamesIn('max_over_time(x:y[5m:1s]) offset 1m and on (pid) z')).toEqual([
      'x:y',
      'z',
    ]);
  });

  it('is a dashboard with a Prometheus data source to pick on import and target variables', () => {
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ type: 'datasource', pluginId: 'prometheus' }),
    );
    const vars = dashboard.templating.list.map((v) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['target', 'process', 'pool']));
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) expect(p.gridPos, p.title).toBeDefined();
  });

  it('queries only metrics the exporter writes, filtered by $target', () => {
    const exported = new Set(exportedSampleNames());
    expect(exprs.length).toBeGreaterThan(0);
    for (const { panel, t } of exprs) {
      expect(t.expr, `${panel} ${t.refId}`).toBeTruthy();
      const names = metricNamesIn(t.expr!);
      expect(names.length, t.expr).toBeGreaterThan(0);
      for (const name of names) expect(exported, `${panel}: ${t.expr}`).toContain(name);
      // Every selector is narrowed to the chosen targets.
      const selectors = t.expr!.match(/[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}]*\}/g) ?? [];
      expect(selectors.length, t.expr).toBe(names.length);
      for (const s of selectors) expect(s, panel).toContain('target=~"$target"');
    }
    for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
      const q = typeof v.query === 'string' ? v.query : v.query!.query;
      const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q);
      expect(m, q).not.toBeNull();
      for (const name of metricNamesIn(m![1]!)) expect(exported, q).toContain(name);
    }
  });

  it('charts heap, RSS, CPU, event loop lag, GC, handles and pools', () => {
    const used = new Set(exprs.flatMap(({ t }) => metricNamesIn(t.expr!)));
    const M = METRICS;
    for (const name of [
      M.heapUsed.name,
      M.rss.name,
      M.cpu.name,
      M.lagP99.name,
      `${M.gc.name}_sum`,
      `${M.gc.name}_count`,
      M.activeResources.name,
      M.poolCount.name,
      M.poolMax.name,
      M.poolPending.name,
    ]) {
      expect(used, name).toContain(name);
    }
    const poolExprs = exprs.filter(({ t }) => t.expr!.includes('db_client_connection'));
    for (const { t } of poolExprs) expect(t.expr).toContain('pool=~"$pool"');
  });
});

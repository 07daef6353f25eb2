// Per-process view: a fixed top (name, status, controls, key figures and the section
// bar) over a scrolling body of sections: overview (KPI cards), the charts, alerts and
// leaks, pools, heap tools. The section in view is kept in the URL (sections.tsx).
import { memo, useDeferredValue, useMemo, useRef } from 'react';
import type { TargetInfo } from '../../../shared/model';
import { setSampleInterval } from '../../commands';
import { formatClock, formatCount, formatMs, formatPercent } from '../../components/format';
import { actions } from '../../store/actions';
import { heapToolsSelectors } from '../../store/heap-tools-slice';
import { useDashboard } from '../../store/store';
import { targetSelectors } from '../../store/targets-slice';
import { TIME_RANGES, rangeSpanMs, uiSelectors } from '../../store/ui-slice';
import { STATUS_TEXT } from '../processes/process-list';
import {
  computeKpis,
  cpuFields,
  eventLoopFields,
  gcFields,
  handleFields,
  memoryFields,
  timeWindow,
} from './chart-data';
import { HeapToolsPanel } from '../snapshots/heap-tools-panel';
import { AlertsSection } from '../alerts/alerts-section';
import { useWithAlertMarkers } from '../alerts/alert-markers';
import { ReportActions } from '../report/report-actions';
import { KeyFigures, KpiCards } from './kpi-cards';
import { PoolPanel } from '../pools/pool-panel';
import { ChartCard } from './chart-card';
import { SectionBar, useSections } from './sections';

const INTERVAL_CHOICES_MS = [100, 250, 500, 1_000, 5_000] as const;

const formatMb = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} MB`;
const formatPct = (v: number): string => formatPercent(v);
const formatMsAxis = (v: number): string => formatMs(v);
const formatCountAxis = (v: number): string => formatCount(v);

// Solid lines only, told apart by colour: a dashed live line makes the browser
// measure the path's length on every update.
const MEMORY_SERIES = [
  { key: 'rssMb', name: 'RSS', color: '#3b82f6' },
  { key: 'heapTotalMb', name: 'Heap total', color: '#a855f7' },
  { key: 'heapUsedMb', name: 'Heap used', color: '#10b981' },
  { key: 'externalMb', name: 'External', color: '#f59e0b' },
] as const;
const CPU_SERIES = [{ key: 'cpuPercent', name: 'CPU', color: '#ef4444' }] as const;
const EVENT_LOOP_SERIES = [
  { key: 'p50Ms', name: 'p50', color: '#10b981' },
  { key: 'p99Ms', name: 'p99', color: '#f59e0b' },
  { key: 'maxMs', name: 'max', color: '#ef4444' },
] as const;
const GC_SERIES = [
  { key: 'pauseMs', name: 'All GC pauses', color: '#6366f1' },
  { key: 'majorPauseMs', name: 'Major GC', color: '#ec4899' },
] as const;
const HANDLE_SERIES = [
  { key: 'handles', name: 'Handles', color: '#0ea5e9' },
  { key: 'openFds', name: 'File descriptors', color: '#64748b' },
] as const;

const StatusLine = memo(function StatusLine({ target }: { target: TargetInfo }) {
  let detail = '';
  if (target.status === 'paused') detail = 'Paused by a debugger; the dashboard never resumes it.';
  else if (target.status === 'unresponsive')
    detail = 'In-process figures are late (blocked event loop?); OS figures still arrive.';
  else if (target.status === 'detached')
    detail = `${(target.detachReason ?? 'Detached.').replace(/\.?$/, '.')} History is kept; reattach to continue.`;
  return (
    <p className="status-line">
      <span className={`status status-${target.status}`} data-testid="target-status">
        {STATUS_TEXT[target.status]}
      </span>
      {detail && <span className="muted"> {detail}</span>}
    </p>
  );
});

const Controls = memo(function Controls({ target }: { target: TargetInfo }) {
  const range = useDashboard(uiSelectors.timeRange);
  const paused = useDashboard(uiSelectors.paused);
  const zoom = useDashboard(uiSelectors.zoom);
  const detached = target.status === 'detached';
  return (
    <div className="controls">
      <div className="segmented" role="group" aria-label="Time range">
        {TIME_RANGES.map((r) => (
          <button
            key={r.range}
            type="button"
            data-testid={`range-${r.range}`}
            aria-pressed={zoom === null && range === r.range}
            onClick={() => actions.setTimeRange(r.range)}
          >
            {r.label}
          </button>
        ))}
      </div>
      {zoom && (
        <span className="zoom-range" data-testid="zoom-range">
          {formatClock(zoom.fromMs)} – {formatClock(zoom.toMs)}
          <button
            type="button"
            data-testid="zoom-reset"
            onClick={() => actions.setZoom(null)}
            title="Follow the live data again over the chosen range."
          >
            Back to live
          </button>
        </span>
      )}
      <button
        type="button"
        aria-pressed={paused}
        data-testid="pause-toggle"
        onClick={() => actions.setPaused(!paused)}
        title="Freeze the charts; data keeps arriving."
      >
        {paused ? 'Resume view' : 'Pause view'}
      </button>
      <label className="inline">
        Sample every
        <select
          data-testid="interval-select"
          value={target.intervalMs}
          disabled={detached}
          onChange={(e) => void setSampleInterval(target.id, Number(e.target.value))}
        >
          {!INTERVAL_CHOICES_MS.includes(
            target.intervalMs as (typeof INTERVAL_CHOICES_MS)[number],
          ) && <option value={target.intervalMs}>{formatMs(target.intervalMs)}</option>}
          {INTERVAL_CHOICES_MS.map((ms) => (
            <option key={ms} value={ms}>
              {ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
});

/*
 * A live batch re-renders TargetDashboard (it reads the samples). The panels below
 * take only the target, whose object is kept across sample batches, so memo makes
 * them re-render only when the target or their own store slices change.
 */
const AlertsSectionMemo = memo(AlertsSection);
const HeapToolsPanelMemo = memo(HeapToolsPanel);
const PoolPanelMemo = memo(PoolPanel);
const ReportActionsMemo = memo(ReportActions);

export function TargetDashboard({ target }: { target: TargetInfo }) {
  // The charts render the deferred samples: a live batch is drawn in a transition
  // that yields to input, never in the task that received it.
  const liveSamples = useDashboard(uiSelectors.viewSamples(target.id));
  const samples = useDeferredValue(liveSamples);
  const range = useDashboard(uiSelectors.timeRange);
  const zoom = useDashboard(uiSelectors.zoom);
  const window = useMemo(
    () => timeWindow(samples, rangeSpanMs(range), zoom),
    [samples, range, zoom],
  );
  const kpis = useMemo(() => computeKpis(samples, window.startIndex), [samples, window]);
  const markers = useDashboard(heapToolsSelectors.markers(target.id));
  const markersWithAlerts = useWithAlertMarkers(target.id, markers);
  const bodyRef = useRef<HTMLDivElement>(null);
  const [section, goTo] = useSections(bodyRef, samples.length > 0);
  const common = {
    samples,
    window,
    intervalMs: target.intervalMs,
    markers: markersWithAlerts,
  };
  return (
    <main className="dashboard" aria-label={`Process ${target.title}`}>
      <div className="dashboard-top">
        <header className="dashboard-header">
          <div className="dashboard-title">
            <h1 title={target.command}>{target.title}</h1>
            <span className="muted">
              {target.pid !== null ? `PID ${target.pid} · ` : ''}port {target.port}
              {target.nodeVersion ? ` · Node ${target.nodeVersion}` : ''}
            </span>
            <StatusLine target={target} />
          </div>
          <ReportActionsMemo target={target} />
        </header>
        {target.warnings.map((w, i) => (
          <p key={i} className="warning-banner" role="alert">
            {w}
          </p>
        ))}
        <div className="dashboard-bar">
          <Controls target={target} />
          {samples.length > 0 && <KeyFigures kpis={kpis} />}
        </div>
        <SectionBar active={section} onGo={goTo} />
      </div>
      <div className="dashboard-body" ref={bodyRef} data-testid="dashboard-body">
        <section id="overview" className="dashboard-section" aria-label="Overview">
          <h2>Overview</h2>
          {samples.length === 0 ? (
            <p className="empty">
              Waiting for the first samples. They arrive every {formatMs(target.intervalMs)}.
            </p>
          ) : (
            <KpiCards kpis={kpis} targetId={target.id} />
          )}
        </section>
        <section id="charts" className="dashboard-section" aria-label="Charts">
          <h2>Charts</h2>
          {samples.length > 0 && (
            <div className="charts">
              <ChartCard
                {...common}
                title="Memory"
                explanation="RSS is what the OS sees; heap used growing after each GC suggests a leak."
                testId="memory-chart"
                fields={memoryFields}
                series={MEMORY_SERIES}
                yKey="rssMb"
                formatValue={formatMb}
              />
              <ChartCard
                {...common}
                title="CPU"
                explanation="Share of one core used per interval."
                testId="cpu-chart"
                fields={cpuFields}
                series={CPU_SERIES}
                yKey="cpuPercent"
                formatValue={formatPct}
              />
              <ChartCard
                {...common}
                title="Event-loop delay"
                explanation="How late timers fire (the histogram resolution is subtracted)."
                testId="event-loop-chart"
                fields={eventLoopFields}
                series={EVENT_LOOP_SERIES}
                yKey="maxMs"
                formatValue={formatMsAxis}
              />
              <ChartCard
                {...common}
                title="Garbage collection"
                explanation="Time the program was stopped for GC in each interval."
                testId="gc-chart"
                fields={gcFields}
                series={GC_SERIES}
                yKey="pauseMs"
                formatValue={formatMsAxis}
              />
              <ChartCard
                {...common}
                title="Handles"
                explanation="Active timers, sockets and requests, and the open file descriptors."
                testId="handles-chart"
                fields={handleFields}
                series={HANDLE_SERIES}
                yKey="handles"
                formatValue={formatCountAxis}
                integer
              />
            </div>
          )}
        </section>
        <section id="alerts" className="dashboard-section" aria-label="Alerts and leaks">
          <AlertsSectionMemo target={target} />
        </section>
        <section id="pools" className="dashboard-section" aria-label="Pools">
          <PoolPanelMemo target={target} />
        </section>
        <section id="heap" className="dashboard-section" aria-label="Heap">
          <h2>Heap</h2>
          <HeapToolsPanelMemo target={target} />
        </section>
        {/* Lets the last sections scroll to the top, where the section bar expects them. */}
        <div className="dashboard-spacer" aria-hidden="true" />
      </div>
    </main>
  );
}

export function DashboardPane() {
  const target = useDashboard(targetSelectors.selected);
  if (!target) {
    return (
      <main className="dashboard empty-pane">
        <h1>No process selected</h1>
        <p>
          Attach a Node process from the list on the left, or attach by port if it runs with{' '}
          <code>--inspect</code>.
        </p>
      </main>
    );
  }
  return <TargetDashboard target={target} />;
}

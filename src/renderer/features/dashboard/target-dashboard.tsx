// Per-process view: status, controls, KPI cards and the four history charts.
import { memo, useLayoutEffect, useMemo } from 'react';
import type { Sample, TargetInfo } from '../../../shared/model';
import { setSampleInterval } from '../../commands';
import { formatMs, formatPercent } from '../../components/format';
import { LIVE_UPDATE_MEASURE, LIVE_UPDATE_START_MARK, actions } from '../../store/actions';
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
  memoryFields,
  timeWindow,
} from './chart-data';
import { HeapToolsPanel } from '../snapshots/heap-tools-panel';
import { AlertsSection } from '../alerts/alerts-section';
import { useWithAlertMarkers } from '../alerts/alert-markers';
import { ReportActions } from '../report/report-actions';
import { KpiCards } from './kpi-cards';
import { PoolPanel } from '../pools/pool-panel';
import { LineChart } from './line-chart';

const INTERVAL_CHOICES_MS = [100, 250, 500, 1_000, 5_000] as const;

const formatMb = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} MB`;
const formatPct = (v: number): string => formatPercent(v);
const formatMsAxis = (v: number): string => formatMs(v);

const MEMORY_SERIES = [
  { key: 'rssMb', name: 'RSS', color: '#3b82f6' },
  { key: 'heapTotalMb', name: 'Heap total', color: '#a855f7', dashed: true },
  { key: 'heapUsedMb', name: 'Heap used', color: '#10b981' },
  { key: 'externalMb', name: 'External', color: '#f59e0b' },
] as const;
const CPU_SERIES = [{ key: 'cpuPercent', name: 'CPU', color: '#ef4444' }] as const;
const EVENT_LOOP_SERIES = [
  { key: 'p50Ms', name: 'p50', color: '#10b981' },
  { key: 'p99Ms', name: 'p99', color: '#f59e0b' },
  { key: 'maxMs', name: 'max', color: '#ef4444', dashed: true },
] as const;
const GC_SERIES = [
  { key: 'pauseMs', name: 'All GC pauses', color: '#6366f1' },
  { key: 'majorPauseMs', name: 'Major GC', color: '#ec4899', dashed: true },
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
  const detached = target.status === 'detached';
  return (
    <div className="controls">
      <div className="segmented" role="group" aria-label="Time range">
        {TIME_RANGES.map((r) => (
          <button
            key={r.range}
            type="button"
            aria-pressed={range === r.range}
            data-testid={`range-${r.range}`}
            onClick={() => actions.setTimeRange(r.range)}
          >
            {r.label}
          </button>
        ))}
      </div>
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

/** Runs `fn` in a fresh task: after every render the current task still flushes. */
function afterCurrentTask(fn: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    fn();
  };
  channel.port2.postMessage(null);
}

/**
 * Measures from the store write of a live batch to the charts' DOM commit. The SVG
 * charts draw in the same commit as this layout effect, but the measure still ends in
 * the next task, so any follow-up commit flushed later in this task (a passive effect
 * that sets state) is covered too, not just the first commit.
 */
function useLiveUpdateMeasure(samples: readonly Sample[]): void {
  useLayoutEffect(() => {
    if (performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark').length === 0) return;
    afterCurrentTask(() => {
      if (performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark').length === 0) return;
      performance.measure(LIVE_UPDATE_MEASURE, LIVE_UPDATE_START_MARK);
      performance.clearMarks(LIVE_UPDATE_START_MARK);
    });
  }, [samples]);
}

export function TargetDashboard({ target }: { target: TargetInfo }) {
  const samples = useDashboard(uiSelectors.viewSamples(target.id));
  const range = useDashboard(uiSelectors.timeRange);
  const window = useMemo(() => timeWindow(samples, rangeSpanMs(range)), [samples, range]);
  const kpis = useMemo(() => computeKpis(samples, window.startIndex), [samples, window]);
  useLiveUpdateMeasure(samples);
  const markers = useDashboard(heapToolsSelectors.markers(target.id));
  const markersWithAlerts = useWithAlertMarkers(target.id, markers);
  const common = {
    samples,
    window,
    intervalMs: target.intervalMs,
    markers: markersWithAlerts,
  };
  return (
    <main className="dashboard" aria-label={`Process ${target.title}`}>
      <header className="dashboard-header">
        <div>
          <h1 title={target.command}>{target.title}</h1>
          <p className="muted">
            {target.pid !== null ? `PID ${target.pid} · ` : ''}port {target.port}
            {target.nodeVersion ? ` · Node ${target.nodeVersion}` : ''}
          </p>
          <StatusLine target={target} />
          {target.warnings.map((w, i) => (
            <p key={i} className="warning-banner" role="alert">
              {w}
            </p>
          ))}
        </div>
        <Controls target={target} />
        <ReportActionsMemo target={target} />
      </header>
      {samples.length === 0 ? (
        <p className="empty">
          Waiting for the first samples. They arrive every {formatMs(target.intervalMs)}.
        </p>
      ) : (
        <>
          <KpiCards kpis={kpis} targetId={target.id} />
          <div className="charts">
            <LineChart
              {...common}
              title="Memory"
              explanation="RSS is what the OS sees; heap used growing after each GC suggests a leak."
              testId="memory-chart"
              fields={memoryFields}
              series={MEMORY_SERIES}
              yKey="rssMb"
              formatValue={formatMb}
            />
            <LineChart
              {...common}
              title="CPU"
              explanation="Share of one core used per interval."
              testId="cpu-chart"
              fields={cpuFields}
              series={CPU_SERIES}
              yKey="cpuPercent"
              formatValue={formatPct}
            />
            <LineChart
              {...common}
              title="Event-loop delay"
              explanation="How late timers fire (the histogram resolution is subtracted)."
              testId="event-loop-chart"
              fields={eventLoopFields}
              series={EVENT_LOOP_SERIES}
              yKey="maxMs"
              formatValue={formatMsAxis}
            />
            <LineChart
              {...common}
              title="Garbage collection"
              explanation="Time the program was stopped for GC in each interval."
              testId="gc-chart"
              fields={gcFields}
              series={GC_SERIES}
              yKey="pauseMs"
              formatValue={formatMsAxis}
            />
          </div>
        </>
      )}
      <AlertsSectionMemo target={target} />
      <HeapToolsPanelMemo target={target} />
      <PoolPanelMemo target={target} />
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

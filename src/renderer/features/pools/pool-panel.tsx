// The pool panel of one process: per pool, size against its limit, in use, idle and
// waiting over time, efficiency and saturation; plus the emergency-cleanup button and
// what it freed. Names and origins come from the target: rendered as text only (F23).
import { memo, Suspense, useMemo, useState } from 'react';
import type { TargetInfo } from '../../../shared/model';
import {
  POOL_SATURATION_RATIO,
  POOL_WAITING_SATURATION_MS,
  poolSaturation,
  type EmergencyCleanupResult,
  type PoolDiscoveryResult,
  type PoolSample,
  type PoolSaturation,
  type PoolStats,
} from '../../../shared/pool-model';
import { formatBytes, formatCount, plural } from '../../components/format';
import { useDashboard } from '../../store/store';
import { poolsSelectors } from '../../store/pools-slice';
import { rangeSpanMs, uiSelectors } from '../../store/ui-slice';
import { poolNames, poolRows } from './pool-chart-data';
import { emergencyCleanup, rescanPools } from './pools-client';
import { formatOrigin, waitingText } from './pool-format';
import { ladderSpan } from '../dashboard/chart-axes';
import { ChartPlaceholder, useChartBox, useMounted, useWhileInView } from '../dashboard/chart-card';
import { LazyTimeChart } from '../dashboard/lazy-time-chart';

const SATURATION_TEXT: Record<PoolSaturation, string> = {
  ok: 'OK',
  busy: 'Busy',
  saturated: 'Saturated',
};

const KIND_TEXT: Record<PoolStats['kind'], string> = {
  'undici-pool': 'undici Pool',
  'undici-agent': 'undici Agent',
  'http-agent': 'http.Agent',
  'generic-pool': 'generic-pool',
  tarn: 'tarn',
  pg: 'pg Pool',
  'object-pool': 'object pool',
  unknown: 'pool',
};

const SERIES = [
  { key: 'size', name: 'Size', color: '#6366f1' },
  { key: 'inUse', name: 'In use', color: '#ef4444' },
  { key: 'idle', name: 'Idle', color: '#10b981' },
  { key: 'waiting', name: 'Waiting', color: '#f59e0b' },
] as const;

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(v >= 0.995 ? 0 : 1)} %`;

/** The pools' time window: the dashboard's zoom, or the range up to the newest read. */
interface PoolWindow {
  fromMs: number;
  toMs: number;
  zoomed: boolean;
}

function poolWindow(
  samples: readonly PoolSample[],
  zoom: { fromMs: number; toMs: number } | null,
  rangeMs: number,
): PoolWindow {
  if (zoom) return { ...zoom, zoomed: true };
  const firstMs = samples[0]?.timestampMs ?? 0;
  const toMs = samples.at(-1)?.timestampMs ?? 0;
  return { fromMs: toMs - ladderSpan(toMs - firstMs, rangeMs), toMs, zoomed: false };
}

const POOL_CHART_HEIGHT = 190;

const PoolChart = memo(function PoolChart(props: {
  samples: readonly PoolSample[];
  name: string;
  window: PoolWindow;
  max: number | null;
}) {
  // Off screen, the chart keeps what it drew and costs nothing per read.
  const [ref, width, inView] = useChartBox<HTMLDivElement>();
  const samples = useWhileInView(props.samples, inView);
  const { fromMs, toMs, zoomed } = useWhileInView(props.window, inView);
  const rows = useMemo(
    () => poolRows(samples, props.name, fromMs, Math.max(50, Math.floor(width / 3)), toMs),
    [samples, props.name, fromMs, toMs, width],
  );
  const refLine = useMemo(
    () => (props.max === null ? null : { y: props.max, label: 'max' }),
    [props.max],
  );
  const [mounted, onMounted] = useMounted();
  return (
    <div
      ref={ref}
      className="pool-chart"
      data-testid="pool-chart"
      data-points={mounted ? rows.length : undefined}
      data-from-ms={Math.round(fromMs)}
      data-to-ms={Math.round(toMs)}
    >
      {width > 0 && (
        <Suspense fallback={<ChartPlaceholder height={POOL_CHART_HEIGHT} />}>
          <LazyTimeChart
            rows={rows}
            fromMs={fromMs}
            toMs={toMs}
            zoomed={zoomed}
            width={width}
            height={POOL_CHART_HEIGHT}
            series={SERIES}
            formatValue={formatCount}
            refLine={refLine}
            integer
            label={`Pool ${props.name} over time`}
            onMounted={onMounted}
          />
        </Suspense>
      )}
    </div>
  );
});

function WaitingFigure({ pool }: { pool: PoolStats }) {
  const { count, detail } = waitingText(pool);
  return (
    <>
      {count}
      {detail && <small> · {detail}</small>}
    </>
  );
}

function PoolCard(props: { pool: PoolStats; samples: readonly PoolSample[]; window: PoolWindow }) {
  const { pool: p } = props;
  const status = poolSaturation(p);
  return (
    <section className="card pool-card" data-testid="pool-card" data-pool-status={status}>
      <header className="pool-card-header">
        <h3 title={p.name}>{p.name}</h3>
        <span className="muted">
          {KIND_TEXT[p.kind]}
          {p.source === 'global' ? ' (global, read without the agent)' : ''}
          {p.source === 'discovered' ? ' (found in the process, no code change)' : ''}
        </span>
        <span className={`pool-status pool-status-${status}`} data-testid="pool-status">
          {SATURATION_TEXT[status]}
        </span>
      </header>
      {p.error && (
        <p className="warning-banner" role="alert">
          Reading this pool failed: {p.error}
        </p>
      )}
      <dl className="pool-figures">
        <div>
          <dt>Size / limit</dt>
          <dd data-testid="pool-size">
            {formatCount(p.size)} / {p.max === null ? 'no limit' : formatCount(p.max)}
          </dd>
        </div>
        <div>
          <dt>In use</dt>
          <dd data-testid="pool-in-use">{formatCount(p.inUse)}</dd>
        </div>
        <div>
          <dt>Idle</dt>
          <dd>{formatCount(p.idle)}</dd>
        </div>
        <div>
          <dt>Waiting</dt>
          <dd data-testid="pool-waiting">
            <WaitingFigure pool={p} />
          </dd>
        </div>
        <div>
          <dt>Efficiency</dt>
          <dd title="returned / borrowed">{pct(p.efficiency)}</dd>
        </div>
      </dl>
      <PoolChart samples={props.samples} name={p.name} window={props.window} max={p.max} />
      {p.perOrigin && p.perOrigin.length > 0 && (
        <table className="pool-origins">
          <thead>
            <tr>
              <th>Origin</th>
              <th>In use</th>
              <th>Idle</th>
              <th>Waiting</th>
              <th>Limit</th>
            </tr>
          </thead>
          <tbody>
            {p.perOrigin.slice(0, 5).map((o) => (
              <tr key={o.origin}>
                <td title={o.origin}>{formatOrigin(o.origin)}</td>
                <td>{formatCount(o.inUse)}</td>
                <td>{formatCount(o.idle)}</td>
                <td>{formatCount(o.waiting)}</td>
                <td>{o.max == null ? '–' : formatCount(o.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CleanupResult({ result }: { result: EmergencyCleanupResult }) {
  const released = result.pools.filter((p) => p.released !== null);
  const total = released.reduce((n, p) => n + (p.released ?? 0), 0);
  return (
    <div className="cleanup-result" data-testid="cleanup-result" role="status">
      <p>
        {result.gcOk ? 'GC ran' : 'GC failed'}: heap {formatBytes(result.heapUsedBeforeBytes)} →{' '}
        {formatBytes(result.heapUsedAfterBytes)} (freed {formatBytes(result.freedBytes)}).{' '}
        {plural(total, 'idle resource')} released.
      </p>
      {result.pools.length > 0 && (
        <ul>
          {result.pools.map((p) => (
            <li key={p.name}>
              {p.name}:{' '}
              {p.released !== null
                ? `${formatCount(p.released)} released`
                : (p.message ?? 'not supported')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RescanResult({ result }: { result: PoolDiscoveryResult }) {
  return (
    <p className="explain" data-testid="pools-rescan-result">
      Rescan: {plural(result.discovered, 'pool')} found
      {result.heapSearched && result.heapSearchMs !== null
        ? ` (the heap search paused the process ${Math.round(result.heapSearchMs)} ms)`
        : ''}
      ; watching new pools of {result.hooked.length > 0 ? result.hooked.join(', ') : 'no library'}.
    </p>
  );
}

export function PoolPanel({ target }: { target: TargetInfo }) {
  const samples = useDashboard(poolsSelectors.samples(target.id));
  const cleanup = useDashboard(poolsSelectors.cleanup(target.id));
  const busy = useDashboard(poolsSelectors.cleanupBusy(target.id));
  const range = useDashboard(uiSelectors.timeRange);
  const zoom = useDashboard(uiSelectors.zoom);
  const latest = samples.at(-1) ?? null;
  const names = useMemo(() => poolNames(samples), [samples]);
  const window = useMemo(
    () => poolWindow(samples, zoom, rangeSpanMs(range)),
    [samples, zoom, range],
  );
  const detached = target.status === 'detached';
  const [rescan, setRescan] = useState<{ busy: boolean; result: PoolDiscoveryResult | null }>({
    busy: false,
    result: null,
  });
  const onRescan = (): void => {
    setRescan((r) => ({ ...r, busy: true }));
    void rescanPools(target.id).then((result) => setRescan({ busy: false, result }));
  };
  return (
    <section className="panel pools-panel" data-testid="pools-panel" aria-label="Pools">
      <header className="panel-header">
        <h2>Pools</h2>
        <p className="explain">
          Connection and object pools in the process. Saturated: in use at{' '}
          {POOL_SATURATION_RATIO * 100} % of the limit or more, or callers waiting for{' '}
          {POOL_WAITING_SATURATION_MS / 1000} s or longer.
        </p>
        <button
          type="button"
          data-testid="emergency-cleanup"
          disabled={detached || busy}
          onClick={() => void emergencyCleanup(target.id)}
          title="Ask every pool to release its idle resources, then force a garbage collection."
        >
          {busy ? 'Cleaning up…' : 'Emergency cleanup'}
        </button>
        <button
          type="button"
          data-testid="pools-rescan"
          disabled={detached || rescan.busy}
          onClick={onRescan}
          title="Find the pools of http, undici, pg, generic-pool and tarn in the process again. It searches the heap: the process pauses briefly (about as long as a few forced GCs)."
        >
          {rescan.busy ? 'Rescanning…' : 'Rescan'}
        </button>
      </header>
      {rescan.result && <RescanResult result={rescan.result} />}
      {cleanup && <CleanupResult result={cleanup} />}
      {latest === null || latest.pools.length === 0 ? (
        <p className="empty" data-testid="pools-empty">
          No pools seen yet. The pools of http, undici, pg, generic-pool and tarn are found without
          a code change once they are used (or with Rescan); publish others with the agent&apos;s
          trackPool.
        </p>
      ) : (
        <div className="pool-cards">
          {names.map((name) => {
            const p = latest.pools.find((x) => x.name === name);
            return p ? <PoolCard key={name} pool={p} samples={samples} window={window} /> : null;
          })}
          {latest.truncated && <p className="muted">More pools exist than are read at once.</p>}
        </div>
      )}
    </section>
  );
}

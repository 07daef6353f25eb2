// Headline figures for one process, each with a line saying what the number means.
import { memo, type ReactNode } from 'react';
import type { Sample, TargetId } from '../../../shared/model';
import { poolsEfficiency } from '../../../shared/pool-model';
import { poolsSelectors } from '../../store/pools-slice';
import { useDashboard } from '../../store/store';
import { formatBytes, formatCount, formatMs, formatPercent, plural } from '../../components/format';
import type { Kpis } from './chart-data';
import { LeakKpiCard } from '../leaks/leak-panel';

function Kpi(props: { name: string; label: string; value: ReactNode; explain: string }) {
  return (
    <div className="card kpi" data-testid={`kpi-${props.name}`}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      <div className="explain">{props.explain}</div>
    </div>
  );
}

const NO_SAMPLES: Sample[] = [];

const peakCache = new WeakMap<readonly Sample[], number | null>();

/**
 * Max RSS over every sample held for the target (not just the visible range). Cached
 * per array (arrays are replaced, never mutated), so the store selector below is a
 * lookup for every target's batch but the selected target's.
 */
function peakRss(samples: readonly Sample[]): number | null {
  const cached = peakCache.get(samples);
  if (cached !== undefined) return cached;
  let peak: number | null = null;
  for (const s of samples)
    if (s.rssBytes !== null && (peak === null || s.rssBytes > peak)) peak = s.rssBytes;
  peakCache.set(samples, peak);
  return peak;
}

/** Pool efficiency, peak memory and the dashboard's own cleanup success rate. */
const ResourceKpis = memo(function ResourceKpis({ targetId }: { targetId: TargetId }) {
  // A number, not the array: a live batch re-renders this only when the peak moves.
  const peak = useDashboard((s) => peakRss(s.samplesByTarget[targetId] ?? NO_SAMPLES));
  const latestPools = useDashboard(poolsSelectors.latest(targetId));
  const efficiency = latestPools ? poolsEfficiency(latestPools.pools) : null;
  const cleanup = useDashboard(poolsSelectors.cleanupStats);
  const pct = (v: number | null): string => formatPercent(v === null ? null : v * 100);
  return (
    <>
      <Kpi
        name="pool-efficiency"
        label="Pool efficiency"
        value={pct(efficiency)}
        explain={
          efficiency === null
            ? 'Returned / borrowed over pools that count borrows; none has yet.'
            : 'Objects returned / borrowed over the pools that count them; below 100 % means some are held or lost.'
        }
      />
      <Kpi
        name="peak-rss"
        label="Peak memory"
        value={formatBytes(peak)}
        explain="The highest RSS seen in the samples held for this process."
      />
      <Kpi
        name="cleanup-success"
        label="Cleanup success"
        value={pct(cleanup?.successRate ?? null)}
        explain={
          cleanup && cleanup.attempted > 0
            ? `The dashboard's own detaches and probe removals: ${formatCount(cleanup.succeeded)} of ${formatCount(cleanup.attempted)} succeeded.`
            : "The dashboard's own detaches and probe removals that succeeded; none yet."
        }
      />
    </>
  );
});

const LeakKpiCardMemo = memo(LeakKpiCard);

/**
 * The few figures that stay in view above the sections (the cards below say what
 * each means; here the explanation is the tooltip).
 */
export const KeyFigures = memo(function KeyFigures({ kpis }: { kpis: Kpis }) {
  const figures: { name: string; label: string; value: string; title: string }[] = [
    {
      name: 'rss',
      label: 'RSS',
      value: formatBytes(kpis.rssBytes),
      title: 'Memory the OS has given the process.',
    },
    {
      name: 'heap',
      label: 'Heap used',
      value: formatBytes(kpis.heapUsedBytes),
      title: `Live JavaScript objects; the V8 limit is ${formatBytes(kpis.heapLimitBytes)}.`,
    },
    {
      name: 'cpu',
      label: 'CPU',
      value: formatPercent(kpis.cpuPercent),
      title: 'CPU time over the last interval.',
    },
    {
      name: 'event-loop-p99',
      label: 'Loop p99',
      value: formatMs(kpis.eventLoopP99Ms),
      title: '99 % of timer callbacks ran at most this late.',
    },
    {
      name: 'gc-pause',
      label: 'GC pause',
      value: formatMs(kpis.gcAvgPauseMs),
      title: 'Average garbage-collection pause over the range.',
    },
    {
      name: 'handles',
      label: 'Handles',
      value: formatCount(kpis.handles),
      title: 'Active timers, sockets, files and requests.',
    },
  ];
  return (
    <dl className="key-figures" data-testid="key-figures">
      {figures.map((f) => (
        <div key={f.name} title={f.title} data-testid={`key-${f.name}`}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
});

export function KpiCards({ kpis, targetId }: { kpis: Kpis; targetId?: TargetId }) {
  const heapPct =
    kpis.heapUsedBytes !== null && kpis.heapLimitBytes
      ? (kpis.heapUsedBytes / kpis.heapLimitBytes) * 100
      : null;
  return (
    <div className="kpis">
      <Kpi
        name="rss"
        label="RSS"
        value={formatBytes(kpis.rssBytes)}
        explain="Memory the OS has given the process: heap, code, stacks and native buffers."
      />
      <Kpi
        name="heap"
        label="Heap used"
        value={
          <>
            {formatBytes(kpis.heapUsedBytes)}
            <small> of {formatBytes(kpis.heapLimitBytes)}</small>
          </>
        }
        explain={
          heapPct !== null
            ? `${formatPercent(heapPct)} of the V8 heap limit; at 100 % the process crashes.`
            : 'Live JavaScript objects, against the V8 limit where the process would crash.'
        }
      />
      <Kpi
        name="cpu"
        label="CPU"
        value={formatPercent(kpis.cpuPercent)}
        explain="CPU time over the last interval; 100 % is one core fully busy."
      />
      <Kpi
        name="event-loop-p99"
        label="Event loop p99"
        value={formatMs(kpis.eventLoopP99Ms)}
        explain="99 % of timer callbacks ran at most this late; high means something blocks the loop."
      />
      <Kpi
        name="gc-pause"
        label="GC average pause"
        value={formatMs(kpis.gcAvgPauseMs)}
        explain={`Average garbage-collection pause over the range (${plural(kpis.gcCount, 'collection')}).`}
      />
      <Kpi
        name="handles"
        label="Handles"
        value={formatCount(kpis.handles)}
        explain="Active timers, sockets, files and requests keeping the process alive."
      />
      <Kpi
        name="fds"
        label="File descriptors"
        value={formatCount(kpis.openFds)}
        explain="Open files, sockets and pipes as the OS counts them."
      />
      {targetId !== undefined && <ResourceKpis targetId={targetId} />}
      {targetId !== undefined && <LeakKpiCardMemo targetId={targetId} />}
    </div>
  );
}

// Headline figures for one process, each with a line saying what the number means.
import type { ReactNode } from 'react';
import { formatBytes, formatCount, formatMs, formatPercent } from '../../components/format';
import type { Kpis } from './chart-data';

function Kpi(props: { name: string; label: string; value: ReactNode; explain: string }) {
  return (
    <div className="card kpi" data-testid={`kpi-${props.name}`}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value">{props.value}</div>
      <div className="explain">{props.explain}</div>
    </div>
  );
}

export function KpiCards({ kpis }: { kpis: Kpis }) {
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
        explain={`Average garbage-collection pause over the range (${formatCount(kpis.gcCount)} collections).`}
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
    </div>
  );
}

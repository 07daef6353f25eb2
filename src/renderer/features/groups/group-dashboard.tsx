// A group's dashboard: every member (each process of a cluster or supervisor tree, and
// each worker thread) as one line on the memory, event-loop and GC charts, with sums
// where a sum means something (RSS of the processes, heap of every isolate), KPIs for
// the whole group, and each member's alerts and leak verdict named after it.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Sample, TargetInfo } from '../../../shared/model';
import { groupActions } from '../../store/groups-actions';
import { groupMembers } from '../../store/groups-slice';
import { plural } from '../../components/format';
import { useDashboard } from '../../store/store';
import { targetSelectors } from '../../store/targets-slice';
import { rangeSpanMs, uiSelectors } from '../../store/ui-slice';
import { GroupChart } from './group-chart';
import { groupFields, groupSeries, groupWindow, memberName, orderMembers } from './group-data';
import { detachGroup } from './groups-client';

const EMPTY: Sample[] = [];
const formatMb = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} MB`;
const formatMs = (v: number): string => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ms`;

function latest(samples: readonly Sample[], pick: (s: Sample) => number | null): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = pick(samples[i]!);
    if (v !== null) return v;
  }
  return null;
}

function MemberStatus({ members }: { members: TargetInfo[] }) {
  const alerts = useDashboard((s) => s.alertsByTarget);
  const leaks = useDashboard((s) => s.leakByTarget);
  return (
    <table className="group-members-table" data-testid="group-members">
      <thead>
        <tr>
          <th>Member</th>
          <th>Status</th>
          <th>Active alerts</th>
          <th>Leak verdict</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => {
          const active = (alerts[m.id] ?? []).filter((a) => a.endMs === null);
          const leak = leaks[m.id];
          return (
            <tr key={m.id} data-testid={`group-member-${m.id}`}>
              <td title={m.command}>{memberName(m)}</td>
              <td>{m.status}</td>
              <td>
                {active.length === 0
                  ? '–'
                  : active.map((a) => `${a.severity}: ${a.message}`).join(' · ')}
              </td>
              <td>{leak ? leak.sentence : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function GroupDashboard({ groupId }: { groupId: string }) {
  const targets = useDashboard(useShallow(targetSelectors.list));
  const members = useMemo(() => orderMembers(groupMembers(targets, groupId)), [targets, groupId]);
  const samplesByTarget = useDashboard((s) =>
    s.paused && s.frozenSamples ? s.frozenSamples : s.samplesByTarget,
  );
  const range = useDashboard(uiSelectors.timeRange);
  const samplesOf = (id: string): readonly Sample[] => samplesByTarget[id] ?? EMPTY;
  const window = groupWindow(members, samplesOf, rangeSpanMs(range));
  const charts = useMemo(() => {
    const of = (id: string) => samplesByTarget[id] ?? EMPTY;
    const processes = (t: TargetInfo) => t.kind !== 'worker';
    return {
      heap: groupSeries(members, of, groupFields.heapUsedMb, window, { sumName: 'All heaps' }),
      rss: groupSeries(members, of, groupFields.rssMb, window, {
        sumName: 'All processes',
        only: processes,
      }),
      eld: groupSeries(members, of, groupFields.eldP99Ms, window),
      gc: groupSeries(members, of, groupFields.gcPauseMs, window),
    };
    // window is derived from the samples and the range
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [members, samplesByTarget, window.fromMs, window.toMs]);
  const live = members.filter((m) => m.status !== 'detached');
  const sum = (pick: (s: Sample) => number | null, only: (t: TargetInfo) => boolean) => {
    let total: number | null = null;
    for (const m of live.filter(only)) {
      const v = latest(samplesOf(m.id), pick);
      if (v !== null) total = (total ?? 0) + v;
    }
    return total;
  };
  const rss = sum(
    (s) => s.rssBytes,
    (t) => t.kind !== 'worker',
  );
  const heap = sum(
    (s) => s.heapUsedBytes,
    () => true,
  );
  const root = members.find((m) => m.kind !== 'worker');
  return (
    <main className="dashboard group-dashboard" data-testid="group-dashboard" aria-label="Group">
      <header className="dashboard-header">
        <div>
          <h1 title={root?.command}>Group: {root ? root.title : groupId}</h1>
          <p className="muted">
            {plural(members.filter((m) => m.kind !== 'worker').length, 'process', 'processes')} ·{' '}
            {plural(members.filter((m) => m.kind === 'worker').length, 'worker thread')} ·{' '}
            {live.length} live
          </p>
        </div>
        <div className="controls">
          <button type="button" onClick={() => groupActions.selectGroup(null)}>
            Back to the target
          </button>
          <button
            type="button"
            data-testid="detach-group"
            disabled={live.length === 0}
            onClick={() => void detachGroup(groupId)}
          >
            Detach all
          </button>
        </div>
      </header>
      <div className="kpis">
        <div className="card kpi" data-testid="group-kpi-members">
          <span className="kpi-label">Members</span>
          <span className="kpi-value">{members.length}</span>
        </div>
        <div className="card kpi" data-testid="group-kpi-rss">
          <span className="kpi-label">RSS, all processes</span>
          <span className="kpi-value">{rss === null ? '–' : formatMb(rss / 2 ** 20)}</span>
        </div>
        <div className="card kpi" data-testid="group-kpi-heap">
          <span className="kpi-label">Heap used, all isolates</span>
          <span className="kpi-value">{heap === null ? '–' : formatMb(heap / 2 ** 20)}</span>
        </div>
      </div>
      <div className="charts">
        <GroupChart
          title="Heap used per member"
          explanation="Each process and worker thread has its own V8 heap; the dashed line is their sum."
          testId="group-heap-chart"
          series={charts.heap}
          window={window}
          formatValue={formatMb}
        />
        <GroupChart
          title="RSS per process"
          explanation="What the OS sees per process (worker threads share their process's); dashed: the sum."
          testId="group-rss-chart"
          series={charts.rss}
          window={window}
          formatValue={formatMb}
        />
        <GroupChart
          title="Event-loop delay p99 per member"
          explanation="Each thread has its own event loop."
          testId="group-eld-chart"
          series={charts.eld}
          window={window}
          formatValue={formatMs}
        />
        <GroupChart
          title="GC pauses per member"
          explanation="Time each isolate was stopped for GC in each interval."
          testId="group-gc-chart"
          series={charts.gc}
          window={window}
          formatValue={formatMs}
        />
      </div>
      <MemberStatus members={members} />
    </main>
  );
}

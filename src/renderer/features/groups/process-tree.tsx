// The "Node processes" list as trees: a group (a cluster primary and its workers, a
// supervisor and its children, the Node children of one shell) is one row with its
// summed RSS and CPU and "Attach all", collapsed by default; expanded, its members
// follow indented under their parents. Processes alone are rows as before. Every
// target string is rendered as text (F23).
import { useState, type ReactNode } from 'react';
import type { DiscoveredProcess, ProcessGroup } from '../../../shared/model';
import { groupActions } from '../../store/groups-actions';
import { groupSelectors } from '../../store/groups-slice';
import { plural } from '../../components/format';
import { useDashboard } from '../../store/store';
import { uiSelectors } from '../../store/ui-slice';
import { attachGroup } from './groups-client';
import './groups.css';

const MB = 1024 * 1024;

export function formatGroupRss(bytes: number | null): string {
  if (bytes === null) return 'RSS –';
  return bytes >= 1024 * MB
    ? `${(bytes / 1024 / MB).toFixed(1)} GB`
    : `${Math.round(bytes / MB)} MB`;
}

export function formatGroupCpu(pct: number | null): string {
  return pct === null ? 'CPU –' : `CPU ${pct.toFixed(1)}%`;
}

export type TreeEntry =
  | { kind: 'group'; group: ProcessGroup; members: { p: DiscoveredProcess; depth: number }[] }
  | { kind: 'process'; p: DiscoveredProcess };

/** Groups of two or more visible processes become trees (parents first); the rest rows. */
export function buildTree(
  processes: readonly DiscoveredProcess[],
  groups: readonly ProcessGroup[],
): TreeEntry[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const byId = new Map(groups.map((g) => [g.id, g]));
  const out: TreeEntry[] = [];
  const seen = new Set<string>();
  for (const p of processes) {
    const g = p.groupId === undefined ? undefined : byId.get(p.groupId);
    const visible = g ? g.memberPids.filter((pid) => byPid.has(pid)) : [];
    if (!g || visible.length < 2) {
      out.push({ kind: 'process', p });
      continue;
    }
    if (seen.has(g.id)) continue;
    seen.add(g.id);
    const members = visible.map((pid) => byPid.get(pid)!);
    const inGroup = new Set(visible);
    const parentOf = (m: DiscoveredProcess) =>
      m.ppid !== undefined && inGroup.has(m.ppid) ? m.ppid : null;
    const ordered: { p: DiscoveredProcess; depth: number }[] = [];
    const visit = (m: DiscoveredProcess, depth: number): void => {
      ordered.push({ p: m, depth });
      for (const c of members.filter((x) => parentOf(x) === m.pid)) visit(c, depth + 1);
    };
    for (const top of members.filter((m) => parentOf(m) === null)) visit(top, 0);
    out.push({ kind: 'group', group: g, members: ordered });
  }
  return out;
}

function GroupRow({
  group,
  members,
  row,
}: {
  group: ProcessGroup;
  members: { p: DiscoveredProcess; depth: number }[];
  row: (p: DiscoveredProcess) => ReactNode;
}) {
  const expanded = useDashboard(groupSelectors.expanded(group.id));
  const busy = useDashboard(uiSelectors.busy);
  const [confirming, setConfirming] = useState(false);
  const closed = members.filter((m) => m.p.inspector.state === 'closed').length;
  const root = members[0]?.p;
  const name = root?.command ?? group.rootCommand;
  const attachAll = (): void => {
    // SIGUSR1 goes to other processes: ask once for the whole group (F5).
    if (closed > 0 && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    void attachGroup(group.id, closed > 0);
  };
  return (
    <li className="group-tree" data-testid={`group-row-${group.id}`}>
      <div className="row process-row group-head">
        <button
          type="button"
          className="row-main group-toggle"
          aria-expanded={expanded}
          data-testid={`group-toggle-${group.id}`}
          onClick={() => groupActions.toggleGroup(group.id)}
          title={group.rootCommand}
        >
          <span className="row-title">
            <span aria-hidden="true">{expanded ? '▾ ' : '▸ '}</span>
            {name}
          </span>
          <span className="row-sub" data-testid={`group-sums-${group.id}`}>
            {plural(members.length, 'process', 'processes')} · {formatGroupRss(group.rssBytes)} ·{' '}
            {formatGroupCpu(group.cpuPercent)}
            {!group.rootIsNode ? ` · under ${group.rootCommand.slice(0, 60)}` : ''}
          </span>
        </button>
        <span className="row-actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            data-testid={`attach-group-${group.id}`}
            onClick={attachAll}
          >
            Attach all
          </button>
        </span>
      </div>
      {confirming && (
        <div className="group-confirm" role="alertdialog" data-testid={`group-confirm-${group.id}`}>
          <p>
            Open the inspector of {closed} {closed === 1 ? 'process' : 'processes'} with SIGUSR1,
            one at a time? Each listens on a free 127.0.0.1 port while attached and is closed again
            on detach.
          </p>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            data-testid={`group-confirm-ok-${group.id}`}
            onClick={attachAll}
          >
            Send SIGUSR1 and attach all
          </button>
        </div>
      )}
      {expanded && (
        <ul className="rows group-members">
          {members.map(({ p, depth }) => (
            <li key={p.pid} className={`group-member depth-${Math.min(depth, 4)}`}>
              <ul className="rows">{row(p)}</ul>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The process list's rows as trees; `row` draws one process (the list's own row). */
export function ProcessTree({
  processes,
  row,
}: {
  processes: readonly DiscoveredProcess[];
  row: (p: DiscoveredProcess) => ReactNode;
}) {
  const groups = useDashboard((s) => s.processGroups);
  const entries = buildTree(processes, groups);
  return (
    <ul className="rows">
      {entries.map((e) =>
        e.kind === 'process' ? (
          row(e.p)
        ) : (
          <GroupRow key={e.group.id} group={e.group} members={e.members} row={row} />
        ),
      )}
    </ul>
  );
}

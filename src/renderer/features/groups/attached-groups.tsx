// In the "Attached" list: the groups with two or more members (the processes of one
// tree, or a process and its worker threads), each opening the group dashboard.
import { useShallow } from 'zustand/react/shallow';
import { groupActions } from '../../store/groups-actions';
import { attachedGroups, groupSelectors } from '../../store/groups-slice';
import { plural } from '../../components/format';
import { useDashboard } from '../../store/store';
import { targetSelectors } from '../../store/targets-slice';
import { detachGroup } from './groups-client';
import './groups.css';

export function AttachedGroups() {
  const targets = useDashboard(useShallow(targetSelectors.list));
  const selected = useDashboard(groupSelectors.selectedGroupId);
  const groups = attachedGroups(targets);
  if (groups.length === 0) return null;
  return (
    <ul className="attached-groups" aria-label="Attached groups">
      {groups.map(({ groupId, members }) => {
        const processes = members.filter((m) => m.kind !== 'worker');
        const threads = members.length - processes.length;
        const live = members.filter((m) => m.status !== 'detached').length;
        return (
          <li key={groupId} data-testid={`attached-group-${groupId}`}>
            <span className="row-title" title={processes[0]?.command}>
              Group {processes[0]?.title ?? groupId}:{' '}
              {plural(processes.length, 'process', 'processes')}
              {threads > 0 ? `, ${plural(threads, 'thread')}` : ''} ({live} live)
            </span>
            <span className="row-actions">
              <button
                type="button"
                aria-pressed={selected === groupId}
                data-testid={`group-view-${groupId}`}
                onClick={() => groupActions.selectGroup(groupId)}
              >
                Group view
              </button>
              {live > 0 && (
                <button
                  type="button"
                  data-testid={`detach-group-${groupId}`}
                  onClick={() => void detachGroup(groupId)}
                >
                  Detach all
                </button>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

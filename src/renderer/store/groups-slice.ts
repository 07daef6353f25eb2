// Process groups in the UI: which groups of the process list are expanded, and the
// group whose dashboard is shown (a cluster, a supervisor and its children, a process
// and its worker threads: every member on one set of charts).
import type { TargetInfo } from '../../shared/model';
import type { DashboardState } from './store';

export interface GroupsSlice {
  /** Expanded trees in the process list (collapsed by default). */
  expandedGroups: Record<string, true>;
  /** The group whose dashboard is shown instead of the selected target's. */
  selectedGroupId: string | null;
}

export const initialGroupsSlice: GroupsSlice = { expandedGroups: {}, selectedGroupId: null };

export function applyToggleGroup(state: GroupsSlice, groupId: string): Partial<GroupsSlice> {
  const expandedGroups = { ...state.expandedGroups };
  if (expandedGroups[groupId]) delete expandedGroups[groupId];
  else expandedGroups[groupId] = true;
  return { expandedGroups };
}

/** A group's members among the targets: its processes and their worker threads. */
export function groupMembers(targets: readonly TargetInfo[], groupId: string): TargetInfo[] {
  const inGroup = new Set(targets.filter((t) => t.groupId === groupId).map((t) => t.id));
  return targets.filter(
    (t) => inGroup.has(t.id) || (t.parentTargetId !== undefined && inGroup.has(t.parentTargetId)),
  );
}

/**
 * Groups worth a group dashboard: two or more members (processes of one tree, or a
 * process with worker threads). Ordered by first appearance in the target list.
 */
export function attachedGroups(targets: readonly TargetInfo[]): {
  groupId: string;
  members: TargetInfo[];
}[] {
  const ids: string[] = [];
  for (const t of targets) if (t.groupId && !ids.includes(t.groupId)) ids.push(t.groupId);
  return ids
    .map((groupId) => ({ groupId, members: groupMembers(targets, groupId) }))
    .filter((g) => g.members.length > 1);
}

export const groupSelectors = {
  expanded:
    (groupId: string) =>
    (s: DashboardState): boolean =>
      s.expandedGroups[groupId] === true,
  selectedGroupId: (s: DashboardState): string | null => s.selectedGroupId,
};

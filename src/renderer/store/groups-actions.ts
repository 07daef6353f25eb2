// The writers of the groups slice (store/groups-slice.ts).
import { applyToggleGroup } from './groups-slice';
import { dashboardStore } from './store';

export const groupActions = {
  toggleGroup(groupId: string): void {
    dashboardStore.setState((s) => applyToggleGroup(s, groupId));
  },
  /** Shows a group's dashboard (null: back to the selected target's). */
  selectGroup(groupId: string | null): void {
    dashboardStore.setState({ selectedGroupId: groupId });
  },
};

// Picking a target in the list shows that target again.
dashboardStore.subscribe((s, prev) => {
  if (s.selectedGroupId !== null && s.selectedTargetId !== prev.selectedTargetId) {
    dashboardStore.setState({ selectedGroupId: null });
  }
});

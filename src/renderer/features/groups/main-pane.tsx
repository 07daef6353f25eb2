// The right pane: the selected group's dashboard, or the selected target's.
import { groupSelectors } from '../../store/groups-slice';
import { useDashboard } from '../../store/store';
import { DashboardPane } from '../dashboard/target-dashboard';
import { GroupDashboard } from './group-dashboard';

export function MainPane() {
  const groupId = useDashboard(groupSelectors.selectedGroupId);
  return groupId !== null ? <GroupDashboard groupId={groupId} /> : <DashboardPane />;
}

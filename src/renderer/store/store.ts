// One vanilla zustand store composed of typed slices. Slices hold data and pure
// update functions; the module-level actions in actions.ts are the only writers.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { initialAlertsSlice, type AlertsSlice } from './alerts-slice';
import { initialGroupsSlice, type GroupsSlice } from './groups-slice';
import { initialHeapToolsSlice, type HeapToolsSlice } from './heap-tools-slice';
import { initialPoolsSlice, type PoolsSlice } from './pools-slice';
import { initialProcessesSlice, type ProcessesSlice } from './processes-slice';
import { initialSamplesSlice, type SamplesSlice } from './samples-slice';
import { initialTargetsSlice, type TargetsSlice } from './targets-slice';
import { initialUiSlice, type UiSlice } from './ui-slice';

export type DashboardState = ProcessesSlice &
  TargetsSlice &
  SamplesSlice &
  UiSlice &
  HeapToolsSlice &
  AlertsSlice &
  PoolsSlice &
  GroupsSlice;

export function initialDashboardState(): DashboardState {
  return {
    ...initialProcessesSlice,
    ...initialTargetsSlice,
    ...initialSamplesSlice,
    ...initialUiSlice,
    ...initialHeapToolsSlice,
    ...initialAlertsSlice,
    ...initialPoolsSlice,
    ...initialGroupsSlice,
  };
}

export type DashboardStore = StoreApi<DashboardState>;

export function createDashboardStore(): DashboardStore {
  return createStore<DashboardState>()(() => initialDashboardState());
}

/** The app's store. Tests reset it with `dashboardStore.setState(initialDashboardState(), true)`. */
export const dashboardStore = createDashboardStore();

export function useDashboard<T>(selector: (s: DashboardState) => T): T {
  return useStore(dashboardStore, selector);
}

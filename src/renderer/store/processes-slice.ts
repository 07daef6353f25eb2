// Discovered Node processes and inspectors found on user-named ports.
import type {
  DiscoveredInspector,
  DiscoveredProcess,
  ProcessGroup,
  ProcessList,
} from '../../shared/model';
import type { DashboardState } from './store';

export interface ProcessesSlice {
  processes: DiscoveredProcess[];
  inspectors: DiscoveredInspector[];
  /** Process trees (a cluster primary and its workers, …), from the same listing. */
  processGroups: ProcessGroup[];
  /** False until the first listProcesses answer, so the UI can tell "loading" from "none". */
  processesLoaded: boolean;
  processesUpdatedAtMs: number | null;
}

export const initialProcessesSlice: ProcessesSlice = {
  processes: [],
  inspectors: [],
  processGroups: [],
  processesLoaded: false,
  processesUpdatedAtMs: null,
};

export function applyProcessList(list: ProcessList, nowMs: number): Partial<ProcessesSlice> {
  const processes = [...list.processes].sort((a, b) => a.pid - b.pid);
  return {
    processes,
    inspectors: list.inspectors,
    processGroups: list.groups ?? [],
    processesLoaded: true,
    processesUpdatedAtMs: nowMs,
  };
}

export const processSelectors = {
  /** The dashboard's own processes are hidden. Derived array: use with useShallow. */
  visibleProcesses: (s: DashboardState): DiscoveredProcess[] => s.processes.filter((p) => !p.self),
  inspectors: (s: DashboardState): DiscoveredInspector[] => s.inspectors,
  groups: (s: DashboardState): ProcessGroup[] => s.processGroups,
  loaded: (s: DashboardState): boolean => s.processesLoaded,
  byPid:
    (pid: number) =>
    (s: DashboardState): DiscoveredProcess | undefined =>
      s.processes.find((p) => p.pid === pid),
};

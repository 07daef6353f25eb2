// Discovered Node processes and inspectors found on user-named ports.
import type { DiscoveredInspector, DiscoveredProcess, ProcessList } from '../../shared/model';
import type { DashboardState } from './store';

export interface ProcessesSlice {
  processes: DiscoveredProcess[];
  inspectors: DiscoveredInspector[];
  /** False until the first listProcesses answer, so the UI can tell "loading" from "none". */
  processesLoaded: boolean;
  processesUpdatedAtMs: number | null;
}

export const initialProcessesSlice: ProcessesSlice = {
  processes: [],
  inspectors: [],
  processesLoaded: false,
  processesUpdatedAtMs: null,
};

export function applyProcessList(list: ProcessList, nowMs: number): Partial<ProcessesSlice> {
  const processes = [...list.processes].sort((a, b) => a.pid - b.pid);
  return {
    processes,
    inspectors: list.inspectors,
    processesLoaded: true,
    processesUpdatedAtMs: nowMs,
  };
}

export const processSelectors = {
  /** The dashboard's own processes are hidden. Derived array: use with useShallow. */
  visibleProcesses: (s: DashboardState): DiscoveredProcess[] => s.processes.filter((p) => !p.self),
  inspectors: (s: DashboardState): DiscoveredInspector[] => s.inspectors,
  loaded: (s: DashboardState): boolean => s.processesLoaded,
  byPid:
    (pid: number) =>
    (s: DashboardState): DiscoveredProcess | undefined =>
      s.processes.find((p) => p.pid === pid),
};

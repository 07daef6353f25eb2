// Entry point of the core: every shell (Electron main, browser server, CLI) creates one
// monitor and talks to it through MonitorApi from src/shared/contract.ts.
import { ResourceManager, type Monitor, type MonitorOptions } from './resource-manager';

export type { Monitor, MonitorOptions } from './resource-manager';
export { disposalStats, type DisposalStats } from './lifecycle/disposable';

export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new ResourceManager(options);
}

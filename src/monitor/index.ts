// Entry point of the core: every shell (Electron main, browser server, CLI) creates one
// monitor and talks to it through MonitorApi from src/shared/contract.ts.
import type { MonitorOptions } from './monitor-options';
import { ResourceManager, type Monitor } from './resource-manager';

export type { Monitor } from './resource-manager';
export type { MonitorOptions } from './monitor-options';
export { disposalStats, type DisposalStats } from './lifecycle/disposable';

export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new ResourceManager(options);
}

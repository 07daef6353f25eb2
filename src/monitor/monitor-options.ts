// What createMonitor takes. Its own module so that the features (which read the part in
// FeatureSettings through their session context) never import the resource manager.
import type { AttachArgs } from '../shared/contract';
import type { ProcessList } from '../shared/model';
import type { DemoService } from './demo/start-demo';
import type { FeatureSettings, SessionFeatureFactory } from './features/session-feature';
import type { HistoryOptions } from './history/history';
import type { ConnectedTarget } from './inspector/connect';
import type { ShowInFolder } from './snapshots/show-in-folder';

export interface MonitorOptions extends FeatureSettings {
  /** Clock for sample timestamps and attach times (tests). */
  now?: () => number;
  /** How often queued samples are pushed as `samples` events; default 250 ms (F27). */
  batchIntervalMs?: number;
  history?: HistoryOptions;
  /** Seams for tests; default to the real implementations. */
  connect?: (spec: AttachArgs) => Promise<ConnectedTarget>;
  discover?: (opts: { ports?: number[] }) => Promise<ProcessList>;
  /** The process group of a pid at attach (default: read /proc, discovery/groups.ts). */
  groupOf?: (pid: number) => Promise<string | null>;
  startDemo?: () => Promise<Pick<DemoService, 'inspectorPort' | 'pid' | 'stop'>>;
  /** Per-target features (alerts, leaks, pools, ...); default: features/index.ts. */
  features?: SessionFeatureFactory[];
  /** "Open the folder"; default: the platform's opener (Electron passes its shell's). */
  showInFolder?: ShowInFolder;
}

// The core service behind every shell (Electron IPC, the WebSocket bridge, the CLI):
// it implements MonitorApi from the shared contract as a thin composition of request
// modules, one per request family, each with its own validation (arguments arrive from
// IPC / WebSocket: BAD_ARGUMENT). Sessions live in sessions/registry.ts; the lifecycle
// requests (attach, detach, ...) in sessions/requests.ts.
import type { EventName, Events, MonitorApi, RequestArgs } from '../shared/contract';
import type { CleanupStats, EmergencyCleanupResult, PoolSample } from '../shared/pool-model';
import type { ExportReportArgs } from '../shared/report-model';
import type { TargetId } from '../shared/model';
import { AlertRequests } from './alerts/requests';
import { GroupRequests } from './groups/requests';
import { startDemoService } from './demo/start-demo';
import { readProcessTree } from './discovery/groups';
import { listProcesses as discoverProcesses } from './discovery/list-processes';
import type { SessionFeature } from './features';
import { HEAP_TOOLS_FEATURE, type HeapToolsFeature } from './heap-tools/heap-tools-feature';
import { HeapToolsRequests } from './heap-tools/requests';
import { connectToTarget } from './inspector/connect';
import { DisposableStore, disposalStats, type DisposalStats } from './lifecycle/disposable';
import type { MonitorOptions } from './monitor-options';
import { POOLS_FEATURE_NAME, type PoolsFeature } from './pools/pools-feature-api';
import { poolHistory, rescanPools, runEmergencyCleanup, toCleanupStats } from './pools/requests';
import { EVENT_LOG_FEATURE, type EventLogFeature } from './report/event-log';
import { ReportRequests } from './report/report-requests';
import { DEFAULT_BATCH_INTERVAL_MS, EventHub } from './sessions/event-hub';
import { SessionRegistry } from './sessions/registry';
import { SessionRequests } from './sessions/requests';
import { argsObject } from './sessions/validate';
import { AnalysisRequests } from './snapshots/analysis/requests';
import { WorkerRequests } from './workers/requests';

export { MAX_QUEUED_SAMPLES_PER_TARGET } from './sessions/event-hub';
export { validateAttachArgs, validateInterval } from './sessions/validate';

export type Monitor = MonitorApi & {
  dispose(): Promise<void>;
  /** Disposals that succeeded / failed so far (the cleanup success rate KPI). */
  cleanupStats(): DisposalStats;
};

export class ResourceManager implements Monitor {
  readonly #hub: EventHub;
  readonly #sessions: SessionRegistry;
  readonly #store = new DisposableStore();
  readonly #lifecycle: SessionRequests;
  readonly #reports: ReportRequests;
  readonly #heapTools: HeapToolsRequests;
  readonly #analysis: AnalysisRequests;
  readonly #alerts: AlertRequests;
  readonly #groups: GroupRequests;
  readonly #workers: WorkerRequests;

  constructor(options: MonitorOptions = {}) {
    this.#hub = new EventHub(Math.max(10, options.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS));
    this.#sessions = new SessionRegistry(this.#hub, options, options.now ?? Date.now);
    const sessions = this.#sessions;
    this.#reports = new ReportRequests(
      {
        get: (targetId) => {
          const s = sessions.get(targetId);
          const log = s.features.find((f) => f.name === EVENT_LOG_FEATURE) as
            EventLogFeature | undefined;
          return {
            info: { ...s.info, warnings: [...s.info.warnings] },
            samples: (fromMs, toMs) => s.history.query({ fromMs, toMs }),
            events: () => log?.events() ?? [],
          };
        },
        addOffline: (info, samples) => sessions.addOffline(info, samples),
      },
      this,
    );
    this.#store.addFn(() => this.#reports.dispose());
    const discover = options.discover ?? ((opts) => discoverProcesses(opts));
    this.#lifecycle = new SessionRequests(sessions, {
      connect: options.connect ?? ((spec) => connectToTarget(spec)),
      discover,
      startDemo: options.startDemo ?? (() => startDemoService()),
      onRemoved: (targetId) => this.#reports.forget(targetId),
      groupOf:
        options.groupOf ?? (async (pid) => (await readProcessTree()).groupOf.get(pid) ?? null),
    });
    this.#store.addFn(() => this.#lifecycle.dispose());
    this.#groups = new GroupRequests(sessions, {
      discover,
      attach: (args, opts) => this.#lifecycle.attach(args, opts),
    });
    this.#workers = new WorkerRequests(sessions);
    this.#alerts = new AlertRequests(
      <F extends SessionFeature>(targetId: unknown, name: string, o: { live: boolean }) =>
        o.live ? sessions.liveFeature<F>(targetId, name) : sessions.anyFeature<F>(targetId, name),
    );
    this.#heapTools = new HeapToolsRequests(
      options.dataDir,
      (targetId) => sessions.liveFeature<HeapToolsFeature>(targetId, HEAP_TOOLS_FEATURE).feature,
      options.showInFolder,
    );
    this.#store.addFn(() => this.#heapTools.dispose());
    this.#analysis = new AnalysisRequests({
      getSnapshot: (id) => this.#heapTools.library.get(id),
      emit: (payload) => this.#hub.emit('analysisProgress', payload),
    });
    this.#store.addFn(() => this.#analysis.dispose());
    this.#store.addFn(() => this.#hub.dispose());
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.#hub.on(event, listener);
  }

  // ---- sessions: discovery, attach, detach, history (sessions/requests.ts) -----------
  listProcesses = (a: RequestArgs<'listProcesses'>) => this.#lifecycle.listProcesses(a);
  listTargets = (a: RequestArgs<'listTargets'>) => this.#lifecycle.listTargets(a);
  attach = (a: RequestArgs<'attach'>) => this.#lifecycle.attach(a);
  detach = (a: RequestArgs<'detach'>) => this.#lifecycle.detach(a);
  removeTarget = (a: RequestArgs<'removeTarget'>) => this.#lifecycle.removeTarget(a);
  setSampleInterval = (a: RequestArgs<'setSampleInterval'>) => this.#lifecycle.setSampleInterval(a);
  getHistory = (a: RequestArgs<'getHistory'>) => this.#lifecycle.getHistory(a);
  startDemo = (a: RequestArgs<'startDemo'>) => this.#lifecycle.startDemo(a);

  // ---- process groups (groups/requests.ts) ------------------------------------------
  attachGroup = (a: RequestArgs<'attachGroup'>) => this.#groups.attachGroup(a);
  detachGroup = (a: RequestArgs<'detachGroup'>) => this.#groups.detachGroup(a);
  listThreads = (a: RequestArgs<'listThreads'>) => this.#workers.listThreads(a);

  // ---- heap tools (logic in heap-tools/requests.ts) ---------------------------------
  collectGarbage = (a: RequestArgs<'collectGarbage'>) => this.#heapTools.collectGarbage(a);
  listMarkers = (a: RequestArgs<'listMarkers'>) => this.#heapTools.listMarkers(a);
  estimateHeapSnapshot = (a: RequestArgs<'estimateHeapSnapshot'>) => this.#heapTools.estimate(a);
  takeHeapSnapshot = (a: RequestArgs<'takeHeapSnapshot'>) => this.#heapTools.takeSnapshot(a);
  cancelHeapSnapshot = (a: RequestArgs<'cancelHeapSnapshot'>) => this.#heapTools.cancel(a);
  listSnapshots = (a: RequestArgs<'listSnapshots'>) => this.#heapTools.listSnapshots(a);
  deleteSnapshot = (a: RequestArgs<'deleteSnapshot'>) => this.#heapTools.deleteSnapshot(a);
  importSnapshot = (a: RequestArgs<'importSnapshot'>) => this.#heapTools.importSnapshot(a);
  showSnapshotFolder = (a: RequestArgs<'showSnapshotFolder'>) =>
    this.#heapTools.showSnapshotFolder(a);
  startAllocationSampling = (a: RequestArgs<'startAllocationSampling'>) =>
    this.#heapTools.startSampling(a);
  stopAllocationSampling = (a: RequestArgs<'stopAllocationSampling'>) =>
    this.#heapTools.stopSampling(a);
  uploadSnapshotBegin = (a: RequestArgs<'uploadSnapshotBegin'>) => this.#heapTools.uploadBegin(a);
  uploadSnapshotChunk = (a: RequestArgs<'uploadSnapshotChunk'>) => this.#heapTools.uploadChunk(a);
  uploadSnapshotFinish = (a: RequestArgs<'uploadSnapshotFinish'>) =>
    this.#heapTools.uploadFinish(a);
  uploadSnapshotAbort = (a: RequestArgs<'uploadSnapshotAbort'>) => this.#heapTools.uploadAbort(a);

  // ---- snapshot analysis (logic in snapshots/analysis/requests.ts) -------------------
  analyzeSnapshot = (a: RequestArgs<'analyzeSnapshot'>) => this.#analysis.analyzeSnapshot(a);
  snapshotRetainerPath = (a: RequestArgs<'snapshotRetainerPath'>) =>
    this.#analysis.snapshotRetainerPath(a);
  diffSnapshots = (a: RequestArgs<'diffSnapshots'>) => this.#analysis.diffSnapshots(a);
  cancelSnapshotAnalysis = (a: RequestArgs<'cancelSnapshotAnalysis'>) =>
    this.#analysis.cancelSnapshotAnalysis(a);
  openSnapshotExplorer = (a: RequestArgs<'openSnapshotExplorer'>) =>
    this.#analysis.openSnapshotExplorer(a);
  explorerChildren = (a: RequestArgs<'explorerChildren'>) => this.#analysis.explorerChildren(a);
  explorerRetainers = (a: RequestArgs<'explorerRetainers'>) => this.#analysis.explorerRetainers(a);
  explorerInstances = (a: RequestArgs<'explorerInstances'>) => this.#analysis.explorerInstances(a);
  explorerNode = (a: RequestArgs<'explorerNode'>) => this.#analysis.explorerNode(a);
  explorerPath = (a: RequestArgs<'explorerPath'>) => this.#analysis.explorerPath(a);
  explorerClasses = (a: RequestArgs<'explorerClasses'>) => this.#analysis.explorerClasses(a);
  closeSnapshotExplorer = (a: RequestArgs<'closeSnapshotExplorer'>) =>
    this.#analysis.closeSnapshotExplorer(a);

  // ---- recordings, reports, Prometheus (logic in report/report-requests.ts) ----------
  openRecording = (a: { path: string }) => this.#reports.openRecording(a);
  exportReport = (a: ExportReportArgs) => this.#reports.exportReport(a);
  startMetrics = (a: { port: number; host?: string }) => this.#reports.startMetrics(a);
  stopMetrics = (a: Record<string, never>) => this.#reports.stopMetrics(a);
  getMetricsStatus = (a: Record<string, never>) => this.#reports.metricsStatus(a);

  // ---- limits, alerts, leaks, recommendations (logic in alerts/requests.ts) ----------
  getLimits = (a: RequestArgs<'getLimits'>) => this.#alerts.getLimits(a);
  setLimits = (a: RequestArgs<'setLimits'>) => this.#alerts.setLimits(a);
  getAlerts = (a: RequestArgs<'getAlerts'>) => this.#alerts.getAlerts(a);
  acknowledgeAlert = (a: RequestArgs<'acknowledgeAlert'>) => this.#alerts.acknowledgeAlert(a);
  getLeakVerdict = (a: RequestArgs<'getLeakVerdict'>) => this.#alerts.getLeakVerdict(a);
  investigateLeak = (a: RequestArgs<'investigateLeak'>) => this.#alerts.investigateLeak(a);
  setLeakOptions = (a: RequestArgs<'setLeakOptions'>) => this.#alerts.setLeakOptions(a);
  getRecommendations = (a: RequestArgs<'getRecommendations'>) => this.#alerts.getRecommendations(a);

  // ---- pools, emergency cleanup (logic in src/monitor/pools) -------------------------
  async getPools(args: { targetId: TargetId; fromMs?: number }): Promise<PoolSample[]> {
    const a = argsObject(args);
    return poolHistory(this.#pools(a.targetId).feature, a);
  }

  async emergencyCleanup(args: { targetId: TargetId }): Promise<EmergencyCleanupResult> {
    const { context, feature } = this.#pools(argsObject(args).targetId);
    return runEmergencyCleanup(context, feature);
  }

  rescanPools = async (a: RequestArgs<'rescanPools'>) =>
    rescanPools(this.#pools(argsObject(a).targetId).feature);

  async getCleanupStats(): Promise<CleanupStats> {
    return toCleanupStats(this.cleanupStats());
  }

  cleanupStats(): DisposalStats {
    return disposalStats();
  }

  /** Detaches everything (probes uninstalled, sockets closed), stops the demo. */
  async dispose(): Promise<void> {
    if (!this.#sessions.disposed) await this.#sessions.dispose('The dashboard shut down.');
    await this.#store.dispose();
    this.#hub.clearListeners();
  }

  #pools(targetId: unknown) {
    return this.#sessions.liveFeature<PoolsFeature>(targetId, POOLS_FEATURE_NAME);
  }
}

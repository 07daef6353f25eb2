// The core service behind every shell (Electron IPC, the WebSocket bridge, the CLI):
// it implements MonitorApi from the shared contract. Each attached target is a session
// that owns its inspector connection, injected probe and sampling loop through one
// DisposableStore, and keeps a bounded history that survives detach (F8, F11).
// Arguments arrive from IPC / WebSocket and are validated here (BAD_ARGUMENT).
import type {
  AttachArgs,
  EventName,
  Events,
  HistoryArgs,
  MonitorApi,
  RequestArgs,
} from '../shared/contract';
import { ErrorCodes, MonitorError } from '../shared/errors';
import {
  INTERVAL_DEFAULT_MS,
  INTERVAL_MAX_MS,
  INTERVAL_MIN_MS,
  type ProcessList,
  type Sample,
  type TargetId,
  type TargetInfo,
  type TargetStatus,
} from '../shared/model';
import { listProcesses as discoverProcesses } from './discovery/list-processes';
import { startDemoService, type DemoService } from './demo/start-demo';
import { closeInspector, connectToTarget, type ConnectedTarget } from './inspector/connect';
import { SampleHistory } from './history/history';
import {
  DisposableStore,
  disposalStats,
  toDisposable,
  type DisposalStats,
} from './lifecycle/disposable';
import { retainPidusage } from './sampling/os-stats';
import type { Probe } from './sampling/probe';
import { startProbe } from './sampling/probe-start';
import { Sampler } from './sampling/sampler';
import type { CleanupStats, EmergencyCleanupResult, PoolSample } from '../shared/pool-model';
import { POOLS_FEATURE_NAME, type PoolsFeature } from './pools/pools-feature-api';
import { poolHistory, runEmergencyCleanup, toCleanupStats } from './pools/requests';
import type { MonitorOptions } from './monitor-options';
import { EVENT_LOG_FEATURE, type EventLogFeature } from './report/event-log';
import { ReportRequests } from './report/report-requests';
import type { ExportReportArgs } from '../shared/report-model';
import { HEAP_TOOLS_FEATURE, type HeapToolsFeature } from './heap-tools/heap-tools-feature';
import { HeapToolsRequests } from './heap-tools/requests';
import { AnalysisRequests } from './snapshots/analysis/requests';
import { AlertRequests } from './alerts/requests';
import { defaultFeatures, type SessionContext, type SessionFeature } from './features';

export type Monitor = MonitorApi & {
  dispose(): Promise<void>;
  /** Disposals that succeeded / failed so far (the cleanup success rate KPI). */
  cleanupStats(): DisposalStats;
};

/** Samples waiting to be pushed, per target; older ones are dropped (they are in history). */
export const MAX_QUEUED_SAMPLES_PER_TARGET = 600;
const DEFAULT_BATCH_INTERVAL_MS = 250;
const MAX_PORTS = 64;

interface Session {
  info: TargetInfo;
  history: SampleHistory;
  store: DisposableStore;
  sampler: Sampler | null;
  context: SessionContext | null;
  features: SessionFeature[];
}

export class ResourceManager implements Monitor {
  readonly #sessions = new Map<TargetId, Session>();
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();
  readonly #queue = new Map<TargetId, Sample[]>();
  readonly #store = new DisposableStore();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  #disposed = false;
  #demo: Pick<DemoService, 'inspectorPort' | 'pid' | 'stop'> | null = null;
  #demoStarting: Promise<TargetInfo> | null = null;
  readonly #now: () => number;
  readonly #batchIntervalMs: number;
  readonly #connect: (spec: AttachArgs) => Promise<ConnectedTarget>;
  readonly #discover: (opts: { ports?: number[] }) => Promise<ProcessList>;
  readonly #startDemo: () => Promise<Pick<DemoService, 'inspectorPort' | 'pid' | 'stop'>>;
  readonly #reports: ReportRequests;
  readonly #heapTools: HeapToolsRequests;
  readonly #analysis: AnalysisRequests;
  readonly #alerts: AlertRequests;

  constructor(private readonly options: MonitorOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#batchIntervalMs = Math.max(10, options.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS);
    this.#connect = options.connect ?? ((spec) => connectToTarget(spec));
    this.#discover = options.discover ?? ((opts) => discoverProcesses(opts));
    this.#startDemo = options.startDemo ?? (() => startDemoService());
    this.#reports = new ReportRequests(
      {
        get: (targetId) => {
          const s = this.#session(targetId);
          const log = s.features.find((f) => f.name === EVENT_LOG_FEATURE) as
            EventLogFeature | undefined;
          return {
            info: { ...s.info, warnings: [...s.info.warnings] },
            samples: (fromMs, toMs) => s.history.query({ fromMs, toMs }),
            events: () => log?.events() ?? [],
          };
        },
        addOffline: (info, samples) => this.#addOfflineTarget(info, samples),
      },
      this,
    );
    this.#store.addFn(() => this.#reports.dispose());
    this.#alerts = new AlertRequests(
      <F extends SessionFeature>(targetId: unknown, name: string, o: { live: boolean }) =>
        o.live ? this.#liveFeature<F>(targetId, name) : this.#anyFeature<F>(targetId, name),
    );
    this.#heapTools = new HeapToolsRequests(
      options.dataDir,
      (targetId) => this.#liveFeature<HeapToolsFeature>(targetId, HEAP_TOOLS_FEATURE).feature,
      options.showInFolder,
    );
    this.#store.addFn(() => this.#heapTools.dispose());
    this.#analysis = new AnalysisRequests({
      getSnapshot: (id) => this.#heapTools.library.get(id),
      emit: (payload) => this.#emit('analysisProgress', payload),
    });
    this.#store.addFn(() => this.#analysis.dispose());
    this.#store.addFn(() => {
      if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      this.#queue.clear();
    });
  }

  // ---- requests -------------------------------------------------------------------

  async listProcesses(args: { ports?: number[] }): Promise<ProcessList> {
    const a = argsObject(args);
    let ports: number[] | undefined;
    if (a.ports !== undefined) {
      if (!Array.isArray(a.ports) || a.ports.length > MAX_PORTS || !a.ports.every(isPort)) {
        throw bad(`ports must be a list of at most ${MAX_PORTS} TCP ports (1-65535).`);
      }
      ports = a.ports as number[];
    }
    const list = await this.#discover(ports ? { ports } : {});
    const live = [...this.#sessions.values()].filter((s) => s.info.status !== 'detached');
    for (const p of list.processes) {
      const s = live.find((x) => x.info.pid === p.pid);
      if (s) p.attachedTargetId = s.info.id;
      else delete p.attachedTargetId;
    }
    return list;
  }

  async listTargets(_args: Record<string, never>): Promise<TargetInfo[]> {
    return this.#targetList();
  }

  async attach(args: AttachArgs): Promise<TargetInfo> {
    this.#assertOpen();
    const spec = validateAttachArgs(args);
    const existing = this.#findLive(spec.pid ?? null, spec.port ?? null, spec.url ?? null);
    if (existing) throw alreadyAttached(existing.info);
    const connected = await this.#connect(spec);
    // Checked again with what the connection revealed (a port attached before by pid,
    // or two attaches racing for the same target).
    const dup = this.#findLive(connected.pid, connected.port, null);
    if (dup || this.#disposed) {
      connected.client.close();
      if (dup) throw alreadyAttached(dup.info);
      this.#assertOpen();
    }
    return this.#startSession(connected, spec.intervalMs ?? INTERVAL_DEFAULT_MS);
  }

  async detach(args: { targetId: TargetId }): Promise<TargetInfo> {
    const session = this.#session(argsObject(args).targetId);
    if (session.info.status !== 'detached') {
      await this.#endSession(session, 'Detached by the user.');
    }
    return { ...session.info };
  }

  async removeTarget(args: { targetId: TargetId }): Promise<null> {
    const session = this.#session(argsObject(args).targetId);
    if (session.info.status !== 'detached') await this.#endSession(session, 'Removed by the user.');
    this.#sessions.delete(session.info.id);
    this.#reports.forget(session.info.id);
    this.#queue.delete(session.info.id);
    this.#emit('targets', this.#targetList());
    return null;
  }

  async setSampleInterval(args: { targetId: TargetId; intervalMs: number }): Promise<TargetInfo> {
    const a = argsObject(args);
    const intervalMs = validateInterval(a.intervalMs);
    const session = this.#session(a.targetId);
    if (session.info.status === 'detached' || !session.sampler) {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Target ${session.info.id} is detached; attach again to sample it.`,
      );
    }
    session.sampler.setIntervalMs(intervalMs);
    session.info.intervalMs = intervalMs;
    this.#emit('targets', this.#targetList());
    return { ...session.info };
  }

  async getHistory(args: HistoryArgs): Promise<Sample[]> {
    const a = argsObject(args);
    const session = this.#session(a.targetId);
    const time = (v: unknown, name: string): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw bad(`${name} must be a finite time in ms.`);
      return v;
    };
    const fromMs = time(a.fromMs, 'fromMs');
    const toMs = time(a.toMs, 'toMs');
    let maxPoints: number | undefined;
    if (a.maxPoints !== undefined) {
      if (
        !Number.isInteger(a.maxPoints) ||
        (a.maxPoints as number) < 2 ||
        (a.maxPoints as number) > 1_000_000
      ) {
        throw bad('maxPoints must be an integer between 2 and 1000000.');
      }
      maxPoints = a.maxPoints as number;
    }
    return session.history.query({ fromMs, toMs, maxPoints });
  }

  async startDemo(_args: Record<string, never>): Promise<TargetInfo> {
    this.#assertOpen();
    // One demo at a time; concurrent clicks share the same start.
    this.#demoStarting ??= this.#startDemoOnce().finally(() => {
      this.#demoStarting = null;
    });
    return this.#demoStarting;
  }

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

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as (payload: never) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  // ---- pools, emergency cleanup (src/monitor/pools) ----

  async getPools(args: { targetId: TargetId; fromMs?: number }): Promise<PoolSample[]> {
    const a = argsObject(args);
    return poolHistory(this.#liveFeature<PoolsFeature>(a.targetId, POOLS_FEATURE_NAME).feature, a);
  }

  async emergencyCleanup(args: { targetId: TargetId }): Promise<EmergencyCleanupResult> {
    const a = argsObject(args);
    const { context, feature } = this.#liveFeature<PoolsFeature>(a.targetId, POOLS_FEATURE_NAME);
    return runEmergencyCleanup(context, feature);
  }

  async getCleanupStats(): Promise<CleanupStats> {
    return toCleanupStats(this.cleanupStats());
  }

  cleanupStats(): DisposalStats {
    return disposalStats();
  }

  /** Detaches everything (probes uninstalled, sockets closed), stops the demo. */
  async dispose(): Promise<void> {
    if (this.#disposed) return this.#store.dispose();
    this.#disposed = true;
    await Promise.all(
      [...this.#sessions.values()]
        .filter((s) => s.info.status !== 'detached')
        .map((s) => this.#endSession(s, 'The dashboard shut down.')),
    );
    await this.#store.dispose();
    this.#listeners.clear();
  }

  // ---- sessions -------------------------------------------------------------------

  async #startDemoOnce(): Promise<TargetInfo> {
    const demo = this.#demo;
    if (demo) {
      const live = this.#findLive(demo.pid, demo.inspectorPort, null);
      if (live) return { ...live.info };
      if (isAlive(demo.pid)) return this.attach({ port: demo.inspectorPort });
      this.#demo = null;
    }
    const started = await this.#startDemo();
    const stop = this.#store.add(toDisposable(() => started.stop()));
    this.#demo = started;
    try {
      return await this.attach({ port: started.inspectorPort });
    } catch (err) {
      this.#demo = null;
      await this.#store.delete(stop);
      throw err;
    }
  }

  async #startSession(connected: ConnectedTarget, intervalMs: number): Promise<TargetInfo> {
    const { client } = connected;
    const id = `target-${this.#nextId++}`;
    const info: TargetInfo = {
      id,
      pid: connected.pid,
      title: connected.title,
      command: connected.command,
      port: connected.port,
      status: connected.paused ? 'paused' : connected.unresponsive ? 'unresponsive' : 'attached',
      attachedAtMs: this.#now(),
      intervalMs,
      warnings: [...connected.warnings],
    };
    if (connected.nodeVersion) info.nodeVersion = connected.nodeVersion;
    const store = new DisposableStore();
    const session: Session = {
      info,
      history: new SampleHistory(this.options.history),
      store,
      sampler: null,
      context: null,
      features: [],
    };
    this.#sessions.set(id, session);
    // Disposed in reverse: sampler, probe, close listener, the inspector we opened, socket.
    store.addFn(() => client.close());
    if (connected.openedBySignal) store.addFn(() => closeInspector(client).then(() => undefined));
    store.addFn(
      client.onClose((reason) => {
        void this.#endSession(session, lostReason(connected.pid, reason));
      }),
    );
    let probe: Probe | null = null;
    if (!connected.paused) {
      const started = await startProbe(client, intervalMs, !connected.unresponsive);
      if (client.closed) {
        await this.#endSession(session, lostReason(connected.pid, 'closed while attaching'));
        return { ...info };
      }
      probe = started.probe;
      if (started.nodeVersion && !info.nodeVersion) info.nodeVersion = started.nodeVersion;
      if (started.warning) info.warnings.push(started.warning);
      if (probe) {
        const p = probe;
        // Nothing to uninstall over a closed socket: a re-attach replaces a leftover probe.
        store.addFn(async () => {
          if (!client.closed) await p.uninstall();
        });
      }
    }
    store.add(retainPidusage());
    const context: SessionContext = {
      targetId: id,
      info,
      client,
      probe,
      history: session.history,
      now: this.#now,
      emit: (event, payload) => this.#emit(event, payload),
      on: (event, listener) => this.on(event, listener),
      monitorOptions: this.options,
      feature: <F extends SessionFeature>(name: string) =>
        session.features.find((f) => f.name === name) as F | undefined,
    };
    session.context = context;
    for (const factory of this.options.features ?? defaultFeatures) {
      const feature = factory(context);
      if (feature) session.features.push(store.add(feature));
    }
    const sampler = new Sampler({
      pid: connected.pid,
      intervalMs,
      probe,
      responsive: info.status !== 'unresponsive',
      now: this.#now,
      onSample: (sample) => {
        for (const f of session.features) f.annotate?.(sample);
        session.history.push(sample);
        this.#enqueue(id, sample);
        for (const f of session.features) f.onSample?.(sample);
      },
      onResponsiveChange: (responsive) => {
        if (info.status === 'attached' || info.status === 'unresponsive') {
          this.#setStatus(session, responsive ? 'attached' : 'unresponsive');
        }
      },
      onProbeMissing: () => {
        // Something removed our global (or the target reloaded its context): put it back.
        if (probe && !client.closed) probe.install().catch(() => undefined);
      },
    });
    session.sampler = sampler;
    store.add(sampler);
    if (info.status === 'detached') return { ...info }; // closed during install
    sampler.start();
    this.#emit('targets', this.#targetList());
    return { ...info };
  }

  /** A detached, read-only target from a recording: its history is the recording. */
  #addOfflineTarget(info: Omit<TargetInfo, 'id'>, samples: readonly Sample[]): TargetInfo {
    this.#assertOpen();
    const id = `target-${this.#nextId++}`;
    const history = new SampleHistory(this.options.history);
    for (const sample of samples) history.push(sample);
    const session: Session = {
      info: { ...info, id, status: 'detached' },
      history,
      store: new DisposableStore(),
      sampler: null,
      context: null,
      features: [],
    };
    this.#sessions.set(id, session);
    this.#emit('targets', this.#targetList());
    return { ...session.info, warnings: [...session.info.warnings] };
  }

  /** Idempotent: marks detached (history kept), then releases everything the session owns. */
  async #endSession(session: Session, reason: string): Promise<void> {
    if (session.info.status !== 'detached') {
      // The last samples go out before the status change, so a UI sees them in order.
      const queued = this.#queue.get(session.info.id);
      this.#queue.delete(session.info.id);
      if (queued?.length) this.#emit('samples', { targetId: session.info.id, samples: queued });
      session.info.status = 'detached';
      session.info.detachedAtMs = this.#now();
      session.info.detachReason = reason;
      this.#emit('targets', this.#targetList());
    }
    await session.store.dispose();
    this.#flushSoon();
  }

  /** A session's context and feature, detached ones too (their logs stay readable). */
  #anyFeature<F extends SessionFeature>(
    targetId: unknown,
    name: string,
  ): { context: SessionContext; feature: F } {
    const session = this.#session(targetId);
    const feature = session.features.find((f) => f.name === name) as F | undefined;
    if (!session.context || !feature) {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Target ${session.info.id} has no ${name} data (it was never attached here).`,
      );
    }
    return { context: session.context, feature };
  }

  /** A live session's context and one of its features, for request handlers. */
  #liveFeature<F extends SessionFeature>(
    targetId: unknown,
    name: string,
  ): { context: SessionContext; feature: F } {
    const session = this.#session(targetId);
    if (session.info.status === 'detached' || !session.context) {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Target ${session.info.id} is detached; attach again first.`,
      );
    }
    const feature = session.features.find((f) => f.name === name) as F | undefined;
    if (!feature) {
      throw new MonitorError(ErrorCodes.INTERNAL, `Feature ${name} is not available.`);
    }
    return { context: session.context, feature };
  }

  #setStatus(session: Session, status: TargetStatus): void {
    if (session.info.status === status || session.info.status === 'detached') return;
    session.info.status = status;
    this.#emit('targets', this.#targetList());
  }

  #findLive(pid: number | null, port: number | null, url: string | null): Session | undefined {
    let urlPort: number | null = null;
    if (url) {
      try {
        urlPort = Number(new URL(url).port) || null;
      } catch {
        urlPort = null;
      }
    }
    for (const s of this.#sessions.values()) {
      if (s.info.status === 'detached') continue;
      if (pid !== null && s.info.pid === pid) return s;
      if (port !== null && s.info.port === port) return s;
      if (urlPort !== null && s.info.port === urlPort) return s;
    }
    return undefined;
  }

  #session(targetId: unknown): Session {
    if (typeof targetId !== 'string' || targetId.length === 0 || targetId.length > 200) {
      throw bad('targetId must be a non-empty string.');
    }
    const s = this.#sessions.get(targetId);
    if (!s) throw new MonitorError(ErrorCodes.NOT_ATTACHED, `No target with id ${targetId}.`);
    return s;
  }

  #targetList(): TargetInfo[] {
    return [...this.#sessions.values()].map((s) => ({
      ...s.info,
      warnings: [...s.info.warnings],
    }));
  }

  #assertOpen(): void {
    if (this.#disposed) {
      throw new MonitorError(ErrorCodes.INTERNAL, 'The monitor has been shut down.');
    }
  }

  // ---- events ---------------------------------------------------------------------

  #enqueue(targetId: TargetId, sample: Sample): void {
    let q = this.#queue.get(targetId);
    if (!q) this.#queue.set(targetId, (q = []));
    q.push(sample);
    if (q.length > MAX_QUEUED_SAMPLES_PER_TARGET)
      q.splice(0, q.length - MAX_QUEUED_SAMPLES_PER_TARGET);
    this.#flushSoon();
  }

  /** At most one flush per batch interval, and only while samples are waiting. */
  #flushSoon(): void {
    if (this.#flushTimer !== undefined || this.#queue.size === 0 || this.#store.isDisposed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, this.#batchIntervalMs);
  }

  #flush(): void {
    const batches = [...this.#queue.entries()];
    this.#queue.clear();
    for (const [targetId, samples] of batches) {
      if (samples.length > 0) this.#emit('samples', { targetId, samples });
    }
  }

  #emit<E extends EventName>(event: E, payload: Events[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as (p: Events[E]) => void)(payload);
      } catch {
        // a failing listener (a closed window) must not break sampling
      }
    }
  }
}

// ---- validation -------------------------------------------------------------------

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function argsObject(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw bad('Arguments must be an object.');
  return args as Record<string, unknown>;
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65_535;
}

export function validateInterval(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INTERVAL_MIN_MS || v > INTERVAL_MAX_MS) {
    throw bad(
      `intervalMs must be a whole number of ms between ${INTERVAL_MIN_MS} and ${INTERVAL_MAX_MS}.`,
    );
  }
  return v;
}

export function validateAttachArgs(args: unknown): AttachArgs {
  const a = argsObject(args);
  const out: AttachArgs = {};
  if (a.pid !== undefined) {
    if (typeof a.pid !== 'number' || !Number.isInteger(a.pid) || a.pid <= 0 || a.pid > 2 ** 31) {
      throw bad('pid must be a positive whole number.');
    }
    out.pid = a.pid;
  }
  if (a.port !== undefined) {
    if (!isPort(a.port)) throw bad('port must be a TCP port between 1 and 65535.');
    out.port = a.port;
  }
  if (a.url !== undefined) {
    if (typeof a.url !== 'string' || a.url.length > 2048 || !a.url.startsWith('ws://')) {
      throw bad('url must be a ws:// inspector URL.');
    }
    out.url = a.url;
  }
  for (const flag of ['enableInspector', 'allowRemote'] as const) {
    if (a[flag] !== undefined) {
      if (typeof a[flag] !== 'boolean') throw bad(`${flag} must be true or false.`);
      out[flag] = a[flag];
    }
  }
  if (a.intervalMs !== undefined) out.intervalMs = validateInterval(a.intervalMs);
  if (out.pid === undefined && out.port === undefined && out.url === undefined) {
    throw bad('Attach needs a pid, a port or a ws:// URL.');
  }
  return out;
}

function alreadyAttached(info: TargetInfo): MonitorError {
  return new MonitorError(
    ErrorCodes.ALREADY_ATTACHED,
    `Already attached to ${info.title} (pid ${info.pid ?? 'unknown'}, port ${info.port}) as ${info.id}.`,
  );
}

function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function lostReason(pid: number | null, reason: string): string {
  return isAlive(pid)
    ? `The inspector connection was lost (${reason}).`
    : `The process exited (${reason}).`;
}

// Every session the monitor knows, live or detached. A session owns its inspector
// connection, injected probe, features and sampling loop through one DisposableStore,
// and keeps a bounded history that survives detach (F8, F11). Starting and ending a
// session happens here; the request modules (sessions/requests.ts and the others)
// only look sessions up and call these.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { Sample, TargetId, TargetInfo, TargetStatus } from '../../shared/model';
import { defaultFeatures, type SessionContext, type SessionFeature } from '../features';
import type { ChildSessionSpec, SessionFeatureFactory } from '../features/session-feature';
import { SampleHistory } from '../history/history';
import type { CdpClient } from '../inspector/cdp-client';
import { DisposableStore } from '../lifecycle/disposable';
import type { MonitorOptions } from '../monitor-options';
import { retainPidusage } from '../sampling/os-stats';
import type { Probe } from '../sampling/probe';
import { startProbe } from '../sampling/probe-start';
import { Sampler } from '../sampling/sampler';
import type { EventHub } from './event-hub';
import { bad, lostReason } from './validate';

export interface Session {
  info: TargetInfo;
  history: SampleHistory;
  store: DisposableStore;
  sampler: Sampler | null;
  context: SessionContext | null;
  features: SessionFeature[];
}

/** What a new session is made of: a connected process, or a worker thread inside one. */
export interface SessionSpec {
  client: CdpClient;
  /** Whose OS figures (CPU, RSS, fds, threads) to read; null for none (a worker thread). */
  osPid: number | null;
  /** The target's identity; id, status and times are filled in here. */
  info: Omit<TargetInfo, 'id' | 'status' | 'attachedAtMs' | 'intervalMs'>;
  paused: boolean;
  unresponsive: boolean;
  intervalMs: number;
  /** Runs on detach while the connection is still open (e.g. close the inspector we opened). */
  beforeClose?: () => Promise<unknown>;
  /** Why the session ended when its connection closed; default: lostReason(info.pid). */
  lostReason?: (reason: string) => string;
  /** Default: the monitor's features (options.features, else features/index.ts). */
  features?: readonly SessionFeatureFactory[];
}

/** Ended worker threads kept (with their history) per process; older ones are dropped. */
export const MAX_ENDED_WORKERS_PER_PROCESS = 32;

export class SessionRegistry {
  readonly #sessions = new Map<TargetId, Session>();
  #nextId = 1;
  #disposed = false;

  constructor(
    private readonly hub: EventHub,
    private readonly options: MonitorOptions,
    readonly now: () => number,
  ) {}

  get disposed(): boolean {
    return this.#disposed;
  }

  assertOpen(): void {
    if (this.#disposed) {
      throw new MonitorError(ErrorCodes.INTERNAL, 'The monitor has been shut down.');
    }
  }

  /** A session by id; BAD_ARGUMENT for a malformed id, NOT_ATTACHED for an unknown one. */
  get(targetId: unknown): Session {
    if (typeof targetId !== 'string' || targetId.length === 0 || targetId.length > 200) {
      throw bad('targetId must be a non-empty string.');
    }
    const s = this.#sessions.get(targetId);
    if (!s) throw new MonitorError(ErrorCodes.NOT_ATTACHED, `No target with id ${targetId}.`);
    return s;
  }

  all(): Session[] {
    return [...this.#sessions.values()];
  }

  live(): Session[] {
    return this.all().filter((s) => s.info.status !== 'detached');
  }

  /** A live process session (never a worker thread) by pid, port or URL port. */
  findLive(pid: number | null, port: number | null, url: string | null): Session | undefined {
    let urlPort: number | null = null;
    if (url) {
      try {
        urlPort = Number(new URL(url).port) || null;
      } catch {
        urlPort = null;
      }
    }
    for (const s of this.#sessions.values()) {
      if (s.info.status === 'detached' || s.info.kind === 'worker') continue;
      if (pid !== null && s.info.pid === pid) return s;
      if (port !== null && s.info.port === port) return s;
      if (urlPort !== null && s.info.port === urlPort) return s;
    }
    return undefined;
  }

  targetList(): TargetInfo[] {
    return this.all().map((s) => ({ ...s.info, warnings: [...s.info.warnings] }));
  }

  emitTargets(): void {
    this.hub.emit('targets', this.targetList());
  }

  setStatus(session: Session, status: TargetStatus): void {
    if (session.info.status === status || session.info.status === 'detached') return;
    session.info.status = status;
    this.emitTargets();
  }

  /** Forgets a detached session and its history. */
  remove(session: Session): void {
    this.#sessions.delete(session.info.id);
    this.hub.drop(session.info.id);
  }

  async start(spec: SessionSpec): Promise<TargetInfo> {
    const { client } = spec;
    const id = `target-${this.#nextId++}`;
    const info: TargetInfo = {
      ...spec.info,
      id,
      status: spec.paused ? 'paused' : spec.unresponsive ? 'unresponsive' : 'attached',
      attachedAtMs: this.now(),
      intervalMs: spec.intervalMs,
      warnings: [...spec.info.warnings],
    };
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
    const lost = spec.lostReason ?? ((reason: string) => lostReason(spec.info.pid, reason));
    // Disposed in reverse: sampler, features, probe, close listener, beforeClose, socket.
    store.addFn(() => client.close());
    const beforeClose = spec.beforeClose;
    if (beforeClose) store.addFn(() => beforeClose().then(() => undefined));
    store.addFn(
      client.onClose((reason) => {
        void this.end(session, lost(reason));
      }),
    );
    let probe: Probe | null = null;
    if (!spec.paused) {
      const started = await startProbe(client, spec.intervalMs, !spec.unresponsive);
      if (client.closed) {
        await this.end(session, lost('closed while attaching'));
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
      now: this.now,
      emit: (event, payload) => this.hub.emit(event, payload),
      on: (event, listener) => this.hub.on(event, listener),
      monitorOptions: this.options,
      feature: <F extends SessionFeature>(name: string) =>
        session.features.find((f) => f.name === name) as F | undefined,
      // A process's worker threads get sessions of their own (workers feature); a
      // worker's session does not look for nested workers.
      ...(info.kind === 'worker'
        ? {}
        : {
            children: {
              start: (child: ChildSessionSpec) => {
                this.#pruneEndedWorkers(id);
                return this.start(workerSessionSpec(session, child));
              },
              end: async (targetId: string, reason: string) => {
                const s = this.#sessions.get(targetId);
                if (s) await this.end(s, reason);
              },
            },
          }),
    };
    session.context = context;
    for (const factory of spec.features ?? this.options.features ?? defaultFeatures) {
      const feature = factory(context);
      if (feature) session.features.push(store.add(feature));
    }
    const sampler = new Sampler({
      pid: spec.osPid,
      intervalMs: spec.intervalMs,
      probe,
      responsive: info.status !== 'unresponsive',
      now: this.now,
      onSample: (sample) => this.#onSample(session, sample),
      onResponsiveChange: (responsive) => {
        if (info.status === 'attached' || info.status === 'unresponsive') {
          this.setStatus(session, responsive ? 'attached' : 'unresponsive');
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
    this.emitTargets();
    return { ...info };
  }

  /** The worker-thread sessions of a process session, live and ended. */
  workersOf(parentId: TargetId): Session[] {
    return this.all().filter((s) => s.info.parentTargetId === parentId);
  }

  /** Short-lived workers (a pool per task) must not grow the target list without bound. */
  #pruneEndedWorkers(parentId: TargetId): void {
    const ended = this.workersOf(parentId).filter((s) => s.info.status === 'detached');
    const extra = ended.length - MAX_ENDED_WORKERS_PER_PROCESS + 1;
    if (extra <= 0) return;
    ended.sort((a, b) => (a.info.detachedAtMs ?? 0) - (b.info.detachedAtMs ?? 0));
    for (const s of ended.slice(0, extra)) this.remove(s);
  }

  #onSample(session: Session, sample: Sample): void {
    for (const f of session.features) f.annotate?.(sample);
    session.history.push(sample);
    this.hub.enqueue(session.info.id, sample);
    for (const f of session.features) f.onSample?.(sample);
  }

  /** A detached, read-only target from a recording: its history is the recording. */
  addOffline(info: Omit<TargetInfo, 'id'>, samples: readonly Sample[]): TargetInfo {
    this.assertOpen();
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
    this.emitTargets();
    return { ...session.info, warnings: [...session.info.warnings] };
  }

  /** Idempotent: marks detached (history kept), then releases everything the session owns. */
  async end(session: Session, reason: string): Promise<void> {
    if (session.info.status !== 'detached') {
      // The last samples go out before the status change, so a UI sees them in order.
      this.hub.flushTarget(session.info.id);
      session.info.status = 'detached';
      session.info.detachedAtMs = this.now();
      session.info.detachReason = reason;
      this.emitTargets();
    }
    await session.store.dispose();
    this.hub.flushSoon();
  }

  /** A session's context and feature, detached ones too (their logs stay readable). */
  anyFeature<F extends SessionFeature>(
    targetId: unknown,
    name: string,
  ): { context: SessionContext; feature: F } {
    const session = this.get(targetId);
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
  liveFeature<F extends SessionFeature>(
    targetId: unknown,
    name: string,
  ): { context: SessionContext; feature: F } {
    const session = this.get(targetId);
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

  /** Ends every live session (the monitor shuts down); later starts are refused. */
  async dispose(reason: string): Promise<void> {
    this.#disposed = true;
    await Promise.all(this.live().map((s) => this.end(s, reason)));
  }
}

/** The session of one worker thread of `parent`, over a child client of its connection. */
export function workerSessionSpec(parent: Session, child: ChildSessionSpec): SessionSpec {
  const p = parent.info;
  const name = child.threadName ? ` ${child.threadName}` : '';
  const parentClient = parent.context?.client;
  return {
    client: child.client,
    // OS figures (CPU, RSS, fds, threads) are the process's: its own session has them.
    osPid: null,
    info: {
      kind: 'worker',
      pid: p.pid,
      port: p.port,
      title: `${p.title} [worker ${child.threadId}${name}]`.slice(0, 300),
      command: p.command,
      warnings: [],
      parentTargetId: p.id,
      threadId: child.threadId,
      ...(child.threadName ? { threadName: child.threadName } : {}),
      ...(p.groupId !== undefined ? { groupId: p.groupId } : {}),
      ...(p.nodeVersion !== undefined ? { nodeVersion: p.nodeVersion } : {}),
    },
    paused: false,
    unresponsive: false,
    intervalMs: p.intervalMs,
    lostReason: (reason) =>
      parentClient?.closed
        ? lostReason(p.pid, reason)
        : `Worker thread ${child.threadId} ended (${reason}).`,
  };
}

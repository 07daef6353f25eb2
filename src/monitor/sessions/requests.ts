// Request handlers for the session lifecycle: discovery, attach, detach, remove, the
// sampling interval, history and the demo service. Sessions themselves are started
// and ended by the registry (registry.ts).
import type { AttachArgs, HistoryArgs } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import {
  INTERVAL_DEFAULT_MS,
  type ProcessList,
  type Sample,
  type TargetId,
  type TargetInfo,
} from '../../shared/model';
import type { DemoService } from '../demo/start-demo';
import { closeInspector, type ConnectedTarget } from '../inspector/connect';
import { DisposableStore, toDisposable } from '../lifecycle/disposable';
import type { SessionRegistry } from './registry';
import {
  alreadyAttached,
  argsObject,
  bad,
  isAlive,
  isPort,
  validateAttachArgs,
  validateInterval,
} from './validate';

const MAX_PORTS = 64;

type Demo = Pick<DemoService, 'inspectorPort' | 'pid' | 'stop'>;

export interface SessionRequestDeps {
  connect: (spec: AttachArgs) => Promise<ConnectedTarget>;
  discover: (opts: { ports?: number[] }) => Promise<ProcessList>;
  startDemo: () => Promise<Demo>;
  /** A target was removed: other request modules forget what they kept for it. */
  onRemoved?: (targetId: TargetId) => void;
  /** The process group of a pid (discovery/groups.ts); null when unknown. */
  groupOf?: (pid: number) => Promise<string | null>;
}

/** The session spec of a freshly connected process. */
export function processSessionSpec(
  connected: ConnectedTarget,
  intervalMs: number,
  groupId: string | null = null,
) {
  const { client } = connected;
  return {
    client,
    osPid: connected.pid,
    info: {
      ...(groupId !== null ? { groupId } : {}),
      pid: connected.pid,
      title: connected.title,
      command: connected.command,
      port: connected.port,
      warnings: [...connected.warnings],
      ...(connected.nodeVersion ? { nodeVersion: connected.nodeVersion } : {}),
    },
    paused: connected.paused,
    unresponsive: connected.unresponsive === true,
    intervalMs,
    // An inspector we opened with SIGUSR1 is closed again on detach; one open before stays.
    ...(connected.openedBySignal ? { beforeClose: () => closeInspector(client) } : {}),
  };
}

export class SessionRequests {
  #demo: Demo | null = null;
  #demoStarting: Promise<TargetInfo> | null = null;
  readonly #store = new DisposableStore();

  constructor(
    private readonly sessions: SessionRegistry,
    private readonly deps: SessionRequestDeps,
  ) {}

  async listProcesses(args: { ports?: number[] }): Promise<ProcessList> {
    const a = argsObject(args);
    let ports: number[] | undefined;
    if (a.ports !== undefined) {
      if (!Array.isArray(a.ports) || a.ports.length > MAX_PORTS || !a.ports.every(isPort)) {
        throw bad(`ports must be a list of at most ${MAX_PORTS} TCP ports (1-65535).`);
      }
      ports = a.ports as number[];
    }
    const list = await this.deps.discover(ports ? { ports } : {});
    const live = this.sessions.live().filter((s) => s.info.kind !== 'worker');
    for (const p of list.processes) {
      const s = live.find((x) => x.info.pid === p.pid);
      if (s) p.attachedTargetId = s.info.id;
      else delete p.attachedTargetId;
    }
    return list;
  }

  async listTargets(_args: Record<string, never>): Promise<TargetInfo[]> {
    return this.sessions.targetList();
  }

  /** `opts.groupId`: the member of attachGroup this is (else looked up by pid). */
  async attach(args: AttachArgs, opts: { groupId?: string } = {}): Promise<TargetInfo> {
    this.sessions.assertOpen();
    const spec = validateAttachArgs(args);
    const existing = this.sessions.findLive(spec.pid ?? null, spec.port ?? null, spec.url ?? null);
    if (existing) throw alreadyAttached(existing.info);
    const connected = await this.deps.connect(spec);
    let groupId = opts.groupId ?? null;
    if (groupId === null && connected.pid !== null && this.deps.groupOf) {
      groupId = await this.deps.groupOf(connected.pid).catch(() => null);
    }
    // Checked again with what the connection revealed (a port attached before by pid,
    // or two attaches racing for the same target).
    const dup = this.sessions.findLive(connected.pid, connected.port, null);
    if (dup || this.sessions.disposed) {
      connected.client.close();
      if (dup) throw alreadyAttached(dup.info);
      this.sessions.assertOpen();
    }
    return this.sessions.start(
      processSessionSpec(connected, spec.intervalMs ?? INTERVAL_DEFAULT_MS, groupId),
    );
  }

  async detach(args: { targetId: TargetId }): Promise<TargetInfo> {
    const session = this.sessions.get(argsObject(args).targetId);
    if (session.info.status !== 'detached') {
      await this.sessions.end(session, 'Detached by the user.');
    }
    return { ...session.info };
  }

  async removeTarget(args: { targetId: TargetId }): Promise<null> {
    const session = this.sessions.get(argsObject(args).targetId);
    if (session.info.status !== 'detached')
      await this.sessions.end(session, 'Removed by the user.');
    // A process goes with its worker threads.
    for (const s of [session, ...this.sessions.workersOf(session.info.id)]) {
      this.sessions.remove(s);
      this.deps.onRemoved?.(s.info.id);
    }
    this.sessions.emitTargets();
    return null;
  }

  async setSampleInterval(args: { targetId: TargetId; intervalMs: number }): Promise<TargetInfo> {
    const a = argsObject(args);
    const intervalMs = validateInterval(a.intervalMs);
    const session = this.sessions.get(a.targetId);
    if (session.info.status === 'detached' || !session.sampler) {
      throw new MonitorError(
        ErrorCodes.NOT_ATTACHED,
        `Target ${session.info.id} is detached; attach again to sample it.`,
      );
    }
    // A process's worker threads follow it.
    const live = [session, ...this.sessions.workersOf(session.info.id)].filter(
      (s) => s.info.status !== 'detached' && s.sampler,
    );
    for (const s of live) {
      s.sampler!.setIntervalMs(intervalMs);
      s.info.intervalMs = intervalMs;
    }
    this.sessions.emitTargets();
    return { ...session.info };
  }

  async getHistory(args: HistoryArgs): Promise<Sample[]> {
    const a = argsObject(args);
    const session = this.sessions.get(a.targetId);
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
    this.sessions.assertOpen();
    // One demo at a time; concurrent clicks share the same start.
    this.#demoStarting ??= this.#startDemoOnce().finally(() => {
      this.#demoStarting = null;
    });
    return this.#demoStarting;
  }

  /** Stops the demo service if we started one. */
  dispose(): Promise<void> {
    return this.#store.dispose();
  }

  async #startDemoOnce(): Promise<TargetInfo> {
    const demo = this.#demo;
    if (demo) {
      const live = this.sessions.findLive(demo.pid, demo.inspectorPort, null);
      if (live) return { ...live.info };
      if (isAlive(demo.pid)) return this.attach({ port: demo.inspectorPort });
      this.#demo = null;
    }
    const started = await this.deps.startDemo();
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
}

// A DevTools-protocol client: one callback registry with a timeout per call, typed by
// the devtools-protocol package, every pending call rejected at once on close (F11).
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { Transport } from './transport';

/**
 * Node's own NodeWorker domain (not in devtools-protocol): worker threads' sessions
 * multiplexed over the process's connection by sessionId.
 */
export interface NodeWorkerInfo {
  /** The worker's threadId, as a string. */
  workerId: string;
  type: string;
  /** "[worker N] name" (name from new Worker(…, {name})). Hostile. */
  title: string;
  url: string;
}

export interface NodeWorkerCommands {
  'NodeWorker.enable': { paramsType: [{ waitForDebuggerOnStart: boolean }]; returnType: object };
  'NodeWorker.disable': { paramsType: [undefined?]; returnType: object };
  'NodeWorker.sendMessageToWorker': {
    paramsType: [{ sessionId: string; message: string }];
    returnType: object;
  };
  'NodeWorker.detach': { paramsType: [{ sessionId: string }]; returnType: object };
}

export interface NodeWorkerEvents {
  'NodeWorker.attachedToWorker': [
    { sessionId: string; workerInfo: NodeWorkerInfo; waitingForDebugger: boolean },
  ];
  'NodeWorker.detachedFromWorker': [{ sessionId: string }];
  'NodeWorker.receivedMessageFromWorker': [
    { sessionId: string; message: string; workerId?: string },
  ];
}

export type Commands = ProtocolMapping.Commands & NodeWorkerCommands;
export type EventsMap = ProtocolMapping.Events & NodeWorkerEvents;
export type CommandParams<M extends keyof Commands> = Commands[M]['paramsType'][0];
export type CommandResult<M extends keyof Commands> = Commands[M]['returnType'];
export type EventParams<E extends keyof EventsMap> = EventsMap[E][0];

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface SendOptions {
  /** Per-call timeout; 0 disables it (heap snapshots must not time out, F16). */
  timeoutMs?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

export class CdpClient {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<(params: unknown) => void>>();
  readonly #closeListeners = new Set<(reason: string) => void>();
  #closedReason: string | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly defaultTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {
    transport.onmessage = (m) => this.#onMessage(m);
    transport.onclose = (reason) => this.#onClose(reason);
  }

  get closed(): boolean {
    return this.#closedReason !== null;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  send<M extends keyof Commands>(
    method: M,
    ...args: CommandParams<M> extends undefined
      ? [params?: CommandParams<M>, options?: SendOptions]
      : [params: CommandParams<M>, options?: SendOptions]
  ): Promise<CommandResult<M>> {
    const [params, options] = args;
    if (this.#closedReason !== null) {
      return Promise.reject(
        new MonitorError(
          ErrorCodes.TARGET_CLOSED,
          `Cannot send ${method}: the inspector connection is closed (${this.#closedReason}).`,
        ),
      );
    }
    const id = this.#nextId++;
    const timeoutMs = options?.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<CommandResult<M>>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.#pending.delete(id);
              reject(
                new MonitorError(
                  ErrorCodes.TIMEOUT,
                  `${method} got no answer within ${timeoutMs} ms.`,
                ),
              );
            }, timeoutMs)
          : undefined;
      this.#pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.transport.send(JSON.stringify({ id, method, params: params ?? {} }));
      } catch (err) {
        this.#pending.delete(id);
        if (timer) clearTimeout(timer);
        reject(
          new MonitorError(
            ErrorCodes.TARGET_CLOSED,
            `Sending ${method} failed: ${(err as Error).message}`,
            { cause: err },
          ),
        );
      }
    });
  }

  on<E extends keyof EventsMap>(event: E, listener: (params: EventParams<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  onClose(listener: (reason: string) => void): () => void {
    if (this.#closedReason !== null) {
      queueMicrotask(() => listener(this.#closedReason ?? 'closed'));
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  close(): void {
    if (this.#closedReason !== null) return;
    try {
      this.transport.close();
    } finally {
      this.#onClose('closed by the dashboard');
    }
  }

  #onMessage(raw: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return; // F9: malformed frame, ignore
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as {
      id?: unknown;
      method?: unknown;
      params?: unknown;
      result?: unknown;
      error?: unknown;
    };
    if (typeof m.id === 'number') {
      const pending = this.#pending.get(m.id);
      if (!pending) return;
      this.#pending.delete(m.id);
      if (pending.timer) clearTimeout(pending.timer);
      if (m.error !== undefined) {
        const e = m.error as { message?: unknown };
        const text = typeof e?.message === 'string' ? e.message : JSON.stringify(m.error);
        pending.reject(new MonitorError(ErrorCodes.PROTOCOL, `${pending.method} failed: ${text}`));
      } else {
        pending.resolve(m.result ?? {});
      }
      return;
    }
    if (typeof m.method === 'string') {
      const set = this.#listeners.get(m.method);
      if (!set) return; // unknown events are ignored
      for (const l of [...set]) {
        try {
          l(m.params ?? {});
        } catch {
          // a failing listener must not break the connection
        }
      }
    }
  }

  #onClose(reason: string): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    const err = new MonitorError(
      ErrorCodes.TARGET_CLOSED,
      `The inspector connection closed: ${reason}.`,
    );
    for (const p of this.#pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
    this.#listeners.clear();
    for (const l of [...this.#closeListeners]) l(reason);
    this.#closeListeners.clear();
  }
}

/**
 * The messages of every worker session of one connection, routed by sessionId: one
 * listener per event on the parent, however many workers there are.
 */
class ChildRouter {
  readonly #children = new Map<string, Transport>();

  constructor(private readonly parent: CdpClient) {
    parent.on('NodeWorker.receivedMessageFromWorker', (p) => {
      if (typeof p?.sessionId !== 'string' || typeof p.message !== 'string') return; // F9
      this.#children.get(p.sessionId)?.onmessage?.(p.message);
    });
    parent.on('NodeWorker.detachedFromWorker', (p) => {
      if (typeof p?.sessionId === 'string') this.close(p.sessionId, 'the worker thread ended');
    });
    parent.onClose((reason) => {
      for (const id of [...this.#children.keys()])
        this.close(id, `the process's connection closed: ${reason}`);
    });
  }

  transport(sessionId: string): Transport {
    const parent = this.parent;
    const t: Transport = {
      send: (message) => {
        if (!this.#children.has(sessionId)) throw new Error('the worker session is closed');
        parent.send('NodeWorker.sendMessageToWorker', { sessionId, message }).catch((err) => {
          // The process no longer knows this session: the worker is gone.
          this.close(sessionId, (err as Error).message);
        });
      },
      close: () => {
        if (!this.#children.delete(sessionId)) return;
        if (!parent.closed) parent.send('NodeWorker.detach', { sessionId }).catch(() => undefined);
      },
    };
    this.#children.set(sessionId, t);
    return t;
  }

  close(sessionId: string, reason: string): void {
    const t = this.#children.get(sessionId);
    if (!t) return;
    this.#children.delete(sessionId);
    t.onclose?.(reason);
  }
}

const routers = new WeakMap<CdpClient, ChildRouter>();

/**
 * A client for one worker thread's session (NodeWorker.attachedToWorker), multiplexed
 * over the process's connection. It is a CdpClient like any other (same send/on, the
 * same timeouts and typed errors), so the probe and every feature work over it
 * unchanged. It closes when the worker ends, when the parent closes, or on close()
 * (which sends NodeWorker.detach).
 */
export function openChildSession(parent: CdpClient, sessionId: string): CdpClient {
  let router = routers.get(parent);
  if (!router) routers.set(parent, (router = new ChildRouter(parent)));
  const child = new CdpClient(router.transport(sessionId));
  if (parent.closed) router.close(sessionId, "the process's connection is closed");
  return child;
}

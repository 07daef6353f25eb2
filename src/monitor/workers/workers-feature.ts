// Worker threads of an attached process, each as a session of its own: NodeWorker.enable
// (waitForDebuggerOnStart false: a worker never waits for us) makes the process report
// every worker thread, running and future, as NodeWorker.attachedToWorker; each gets a
// child client over the same connection (openChildSession in inspector/cdp-client.ts)
// and a session with its own probe, history and features (heap, event loop, GC, forced
// GC, snapshots of its isolate, alerts, leaks). A worker that exits ends its session,
// history kept; OS figures stay on the process (a thread has no pid of its own).
import type { ChildSessions, SessionContext, SessionFeature } from '../features/session-feature';
import type { WorkerThreadInfo } from '../../shared/model';
import { openChildSession, type CdpClient } from '../inspector/cdp-client';

export const WORKERS_FEATURE = 'workers';
const MAX_NAME_CHARS = 200;

export type WorkerThreadEntry = WorkerThreadInfo;

/**
 * The thread id from NodeWorker's title "[worker 3] hasher": workerInfo.workerId is the
 * inspector's own counter, not worker_threads.threadId (measured on Node 20).
 */
export function threadIdFromTitle(title: unknown): number | null {
  if (typeof title !== 'string') return null;
  const m = /^\[worker (\d{1,15})\]/.exec(title);
  return m ? Number(m[1]) : null;
}

/** "[worker 3] hasher" → "hasher"; null when the worker has no name. */
export function threadNameFromTitle(title: unknown): string | null {
  if (typeof title !== 'string') return null;
  const name = title.replace(/^\[worker \d+\]\s*/, '').trim();
  return name ? name.slice(0, MAX_NAME_CHARS) : null;
}

export class WorkersFeature implements SessionFeature {
  readonly name = WORKERS_FEATURE;
  readonly #threads = new Map<string, { entry: WorkerThreadEntry; started: Promise<void> }>();
  readonly #offs: (() => void)[] = [];
  #disposed = false;
  /** Why worker threads are not watched (NodeWorker missing), if so. */
  unavailable: string | null = null;
  /** Settles once NodeWorker.enable answered (tests and the CLI wait for it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly ctx: SessionContext,
    private readonly children: ChildSessions,
  ) {
    const client = ctx.client;
    this.#offs.push(client.on('NodeWorker.attachedToWorker', (p) => this.#attached(client, p)));
    this.ready = client.send('NodeWorker.enable', { waitForDebuggerOnStart: false }).then(
      () => undefined,
      (err: Error) => {
        this.unavailable = err.message;
      },
    );
  }

  /** The worker threads seen so far that are still running. */
  threads(): WorkerThreadEntry[] {
    return [...this.#threads.values()].map((t) => ({ ...t.entry }));
  }

  /** The threads once NodeWorker has reported the running ones and their sessions started. */
  async settled(): Promise<WorkerThreadEntry[]> {
    await this.ready;
    await Promise.all([...this.#threads.values()].map((t) => t.started));
    return this.threads().sort((a, b) => a.threadId - b.threadId);
  }

  #attached(parent: CdpClient, p: unknown): void {
    const msg = p as { sessionId?: unknown; workerInfo?: { workerId?: unknown; title?: unknown } };
    const sessionId = msg?.sessionId;
    const threadId = threadIdFromTitle(msg?.workerInfo?.title) ?? Number(msg?.workerInfo?.workerId);
    // F9: validate what the target sent.
    if (typeof sessionId !== 'string' || sessionId.length > 64 || !Number.isSafeInteger(threadId))
      return;
    if (this.#disposed || this.#threads.has(sessionId)) return;
    const client = openChildSession(parent, sessionId);
    const entry: WorkerThreadEntry = {
      threadId,
      threadName: threadNameFromTitle(msg.workerInfo?.title),
      targetId: null,
    };
    client.onClose(() => this.#threads.delete(sessionId));
    const started = this.children.start({ client, threadId, threadName: entry.threadName }).then(
      (info) => {
        entry.targetId = info.id;
      },
      () => client.close(),
    );
    this.#threads.set(sessionId, { entry, started });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const off of this.#offs.splice(0)) off();
    const reason = this.ctx.info.detachReason ?? 'The process was detached.';
    await Promise.all(
      [...this.#threads.values()].map(async ({ entry, started }) => {
        await started;
        if (entry.targetId !== null) await this.children.end(entry.targetId, reason);
      }),
    );
    this.#threads.clear();
    await this.ready;
    if (!this.ctx.client.closed) {
      await this.ctx.client.send('NodeWorker.disable').catch(() => undefined);
    }
  }
}

export function createWorkersFeature(ctx: SessionContext): WorkersFeature | null {
  if (!ctx.children || ctx.probe === null || ctx.monitorOptions.workerThreads === false) {
    return null;
  }
  return new WorkersFeature(ctx, ctx.children);
}

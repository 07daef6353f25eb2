// Open snapshots of the heap explorer, on the core's side: each lives in its own
// analysis process (forked like every analysis, run-analysis.ts), which parsed and
// indexed it once and answers queries over IPC. At most EXPLORER_MAX_OPEN are open per
// dashboard; opening another closes the least recently used. Closing a session ends its
// process, so no process is left once none is open. A session that is gone answers with
// a stable code saying why: closed or evicted (EXPLORER_CLOSED), its process died
// (EXPLORER_PROCESS_DIED), its snapshot was deleted (EXPLORER_SNAPSHOT_DELETED).
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { deserializeError, ErrorCodes, MonitorError, type ErrorCode } from '../../../shared/errors';
import {
  EXPLORER_MAX_OPEN,
  type AnalysisProgress,
  type ExplorerSessionInfo,
} from '../../../shared/snapshot-model';
import type { ExplorerQuery } from './explorer';
import type { ChildMessage, ExplorerRequest, Job } from './protocol';
import { findChildEntry, heapSizeForMb } from './run-analysis';
import { registerOwnChild } from '../../discovery/self-processes';

export interface OpenTarget {
  path: string;
  /** Same key, same open session (path, size and mtime). */
  key: string;
  snapshotId?: string;
  pid?: number;
  title?: string;
}

export interface ExplorerSessionsOptions {
  maxOpen?: number;
  /** A query that gets no answer in this time fails with TIMEOUT. */
  queryTimeoutMs?: number;
  /** Override the child entry (tests). */
  entry?: string;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: MonitorError) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Live {
  info: ExplorerSessionInfo;
  key: string;
  child: ChildProcess;
  pending: Map<number, Pending>;
  nextId: number;
}

interface Opening {
  key: string;
  child: ChildProcess | null;
  promise: Promise<ExplorerSessionInfo>;
  cancel: (err: MonitorError) => void;
}

const TOMBSTONES = 256;

function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

async function fileBytes(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (err) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `Cannot read snapshot file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
    );
  }
}

/** The analysis child, as run-analysis.ts starts it (heap sized to the file); stderr kept. */
function forkAnalysisChild(
  totalBytes: number,
  entry: string | undefined,
): { child: ChildProcess; heapMb: number; stderr: () => string } {
  const found = entry
    ? { entry, execArgv: entry.endsWith('.ts') ? ['--import', tsxLoader()] : [] }
    : findChildEntry();
  const heapMb = heapSizeForMb(totalBytes);
  const child = fork(found.entry, [], {
    execArgv: [...found.execArgv, `--max-old-space-size=${heapMb}`],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
    },
  });
  // Ours, not a target: the process list hides it and attach refuses it.
  child.once('exit', registerOwnChild(child.pid));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d;
  });
  return { child, heapMb, stderr: () => stderr };
}

function exitReason(
  code: number | null,
  sig: string | null,
  stderr: string,
  heapMb: number,
): string {
  return /heap out of memory|Allocation failed/i.test(stderr)
    ? `it ran out of memory (heap limit ${heapMb} MB)`
    : `it exited with ${sig ?? `code ${code ?? '?'}`}`;
}

function closedError(sessionId: string): MonitorError {
  return new MonitorError(
    ErrorCodes.EXPLORER_CLOSED,
    `The explorer session ${sessionId.slice(0, 12)} is not open (it was closed, or never opened): open the snapshot again.`,
  );
}

export class ExplorerSessions {
  /** Insertion order is recency: a used session is moved to the end. */
  readonly #live = new Map<string, Live>();
  readonly #opening = new Set<Opening>();
  readonly #ended = new Map<string, { code: ErrorCode; message: string }>();
  readonly #maxOpen: number;
  readonly #queryTimeoutMs: number;
  readonly #entry: string | undefined;

  constructor(options: ExplorerSessionsOptions = {}) {
    this.#maxOpen = Math.max(1, options.maxOpen ?? EXPLORER_MAX_OPEN);
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 60_000;
    this.#entry = options.entry;
  }

  /** Pids of the analysis processes holding open snapshots. */
  pids(): number[] {
    return [...this.#live.values()].map((l) => l.info.pid);
  }

  sessionIds(): string[] {
    return [...this.#live.keys()];
  }

  /** The open session's info, or null. */
  info(sessionId: string): ExplorerSessionInfo | null {
    return this.#live.get(sessionId)?.info ?? null;
  }

  async open(
    target: OpenTarget,
    onProgress: (p: AnalysisProgress) => void = () => undefined,
  ): Promise<ExplorerSessionInfo> {
    for (const [id, l] of this.#live) {
      if (l.key === target.key) {
        this.#touch(id);
        return l.info;
      }
    }
    for (const o of this.#opening) if (o.key === target.key) return o.promise;
    // Room first, so the new process never adds to a full set.
    while (this.#live.size + this.#opening.size >= this.#maxOpen) {
      const oldest = this.#live.keys().next();
      if (!oldest.done) {
        this.close(oldest.value, {
          code: ErrorCodes.EXPLORER_CLOSED,
          message:
            'This snapshot was closed to make room for another one (at most ' +
            `${this.#maxOpen} are open at once): open it again.`,
        });
        continue;
      }
      const first = this.#opening.values().next().value!;
      first.cancel(
        new MonitorError(
          ErrorCodes.EXPLORER_CLOSED,
          'Opening was cancelled to make room for another snapshot.',
        ),
      );
      this.#opening.delete(first);
    }
    const bytes = await fileBytes(target.path);
    let cancel: (err: MonitorError) => void = () => undefined;
    const opening: Opening = { key: target.key, child: null, promise: null!, cancel };
    opening.promise = new Promise<ExplorerSessionInfo>((resolve, reject) => {
      const { child, heapMb, stderr } = forkAnalysisChild(bytes, this.#entry);
      opening.child = child;
      let opened: Live | null = null;
      let settled = false;
      const settle = (err: MonitorError | null, info?: ExplorerSessionInfo): void => {
        if (settled) return;
        settled = true;
        this.#opening.delete(opening);
        if (err) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          reject(err);
        } else resolve(info!);
      };
      cancel = (err) => settle(err);
      opening.cancel = cancel;
      child.on('message', (msg: ChildMessage) => {
        if (msg.kind === 'progress') onProgress(msg.progress);
        else if (msg.kind === 'error') settle(deserializeError(msg.error));
        else if (msg.kind === 'opened') {
          const info: ExplorerSessionInfo = {
            ...msg.info,
            sessionId: randomUUID(),
            ...(target.snapshotId !== undefined ? { snapshotId: target.snapshotId } : {}),
            pid: child.pid ?? -1,
          };
          opened = { info, key: target.key, child, pending: new Map(), nextId: 1 };
          this.#live.set(info.sessionId, opened);
          settle(null, info);
        } else if (msg.kind === 'answer' && opened) {
          const p = opened.pending.get(msg.id);
          if (!p) return;
          opened.pending.delete(msg.id);
          clearTimeout(p.timer);
          if (msg.error) p.reject(deserializeError(msg.error));
          else p.resolve(msg.value);
        }
      });
      child.on('error', (err) =>
        settle(
          new MonitorError(
            ErrorCodes.ANALYSIS_FAILED,
            `The analysis process failed: ${err.message}.`,
          ),
        ),
      );
      child.on('exit', (code, sig) => {
        const why = exitReason(code, sig, stderr(), heapMb);
        settle(
          new MonitorError(
            ErrorCodes.ANALYSIS_FAILED,
            `The analysis process ended before the snapshot was open: ${why}.`,
          ),
        );
        const live = opened;
        if (live && this.#live.get(live.info.sessionId) === live) {
          this.#end(live, {
            code: ErrorCodes.EXPLORER_PROCESS_DIED,
            message: `The analysis process holding this snapshot ended (${why}): open the snapshot again.`,
          });
        }
      });
      const job: Job = {
        kind: 'explore',
        file: target.path,
        options: {
          ...(target.pid !== undefined ? { pid: target.pid } : {}),
          ...(target.title !== undefined ? { title: target.title } : {}),
        },
      };
      child.send(job);
    });
    this.#opening.add(opening);
    return opening.promise;
  }

  #touch(sessionId: string): void {
    const l = this.#live.get(sessionId);
    if (!l) return;
    this.#live.delete(sessionId);
    this.#live.set(sessionId, l);
  }

  /** Why a session id answers no more; throws the matching error. */
  #gone(sessionId: string): never {
    const t = this.#ended.get(sessionId);
    if (t) throw new MonitorError(t.code, t.message);
    throw closedError(sessionId);
  }

  query<T>(sessionId: string, query: ExplorerQuery): Promise<T> {
    const l = this.#live.get(sessionId);
    if (!l) this.#gone(sessionId);
    this.#touch(sessionId);
    const id = l.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        l.pending.delete(id);
        reject(
          new MonitorError(
            ErrorCodes.TIMEOUT,
            `The analysis process did not answer within ${this.#queryTimeoutMs / 1000} s.`,
          ),
        );
      }, this.#queryTimeoutMs);
      l.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const msg: ExplorerRequest = { kind: 'query', id, query };
      try {
        l.child.send(msg);
      } catch {
        // The exit handler rejects it with EXPLORER_PROCESS_DIED.
      }
    });
  }

  /** Ends a session's process; later queries get `why` (default: closed). */
  close(sessionId: string, why?: { code: ErrorCode; message: string }): boolean {
    const l = this.#live.get(sessionId);
    if (!l) return false;
    this.#end(
      l,
      why ?? { code: ErrorCodes.EXPLORER_CLOSED, message: closedError(sessionId).message },
    );
    return true;
  }

  #end(l: Live, why: { code: ErrorCode; message: string }): void {
    const id = l.info.sessionId;
    this.#live.delete(id);
    this.#ended.set(id, why);
    while (this.#ended.size > TOMBSTONES) this.#ended.delete(this.#ended.keys().next().value!);
    for (const p of l.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new MonitorError(why.code, why.message));
    }
    l.pending.clear();
    if (l.child.exitCode === null && l.child.signalCode === null) {
      try {
        l.child.send({ kind: 'close' } satisfies ExplorerRequest);
      } catch {
        // already disconnected
      }
      // A child that does not go in a second is killed.
      const kill = setTimeout(() => {
        if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill('SIGKILL');
      }, 1000);
      kill.unref();
      l.child.once('exit', () => clearTimeout(kill));
    }
  }

  /** Sessions of a library snapshot. */
  sessionsOf(snapshotId: string): string[] {
    return [...this.#live.values()]
      .filter((l) => l.info.snapshotId === snapshotId)
      .map((l) => l.info.sessionId);
  }

  /** Stops every snapshot still being opened; returns how many. */
  cancelOpening(): number {
    const n = this.#opening.size;
    for (const o of [...this.#opening]) {
      o.cancel(
        new MonitorError(ErrorCodes.ANALYSIS_CANCELLED, 'The snapshot analysis was cancelled.'),
      );
    }
    this.#opening.clear();
    return n;
  }

  dispose(): void {
    this.cancelOpening();
    for (const l of [...this.#live.values()]) {
      this.#end(l, { code: ErrorCodes.EXPLORER_CLOSED, message: 'The dashboard shut down.' });
      if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill('SIGKILL');
    }
  }
}

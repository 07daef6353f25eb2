// The analysis requests of the core service (analyzeSnapshot, snapshotRetainerPath,
// diffSnapshots, cancelSnapshotAnalysis) and the heap explorer's (openSnapshotExplorer,
// explorerChildren / Retainers / Instances / Node / Path / Classes,
// closeSnapshotExplorer): argument checks, library lookups (pid and title from the
// capture's sidecar), a small result cache, progress as events. Every analysis runs in
// a child process (run-analysis.ts; an open explorer's in explorer-sessions.ts);
// dispose() kills them all.
import { stat } from 'node:fs/promises';
import type { RequestArgs } from '../../../shared/contract';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import {
  EXPLORER_MAX_PAGE,
  type AnalysisProgressEvent,
  type ConstructorStat,
  type ExplorerInstances,
  type ExplorerNode,
  type ExplorerNodeDetails,
  type ExplorerPage,
  type ExplorerPath,
  type ExplorerRetainer,
  type ExplorerSessionInfo,
  type RetainerPath,
  type SnapshotAnalysis,
  type SnapshotDiff,
  type SnapshotRef,
} from '../../../shared/snapshot-model';
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import { ExplorerSessions, type ExplorerSessionsOptions } from './explorer-sessions';
import type { ExplorerQuery } from './explorer';
import { analyzeSnapshotFile, diffSnapshotFiles, type RunOptions } from './run-analysis';

export interface AnalysisDeps {
  /** Looks a library entry up (throws SNAPSHOT_NOT_FOUND / BAD_ARGUMENT). */
  getSnapshot: (id: string) => Promise<SnapshotRecord>;
  emit: (payload: AnalysisProgressEvent) => void;
  /** Seam for tests. */
  run?: { analyze: typeof analyzeSnapshotFile; diff: typeof diffSnapshotFiles };
  explorer?: ExplorerSessionsOptions;
}

interface Resolved {
  path: string;
  subject: string;
  pid?: number;
  title?: string;
}

const CACHE_ENTRIES = 8;
const MAX_TOP = 10_000;
const MAX_PATH_CHARS = 4096;
const MAX_CLASS_CHARS = 1024;

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function obj(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad('Arguments must be an object.');
  return v as Record<string, unknown>;
}

function optInt(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw bad(`${name} must be an integer from ${min} to ${max}.`);
  }
  return v as number;
}

function nodeIdArg(v: unknown, name = 'nodeId'): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0xffffffff) {
    throw bad(`${name} must be a node id (a whole number, as DevTools shows after "@").`);
  }
  return v as number;
}

function sessionIdArg(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(v)) {
    throw bad('sessionId must be the id openSnapshotExplorer returned.');
  }
  return v;
}

/** offset and limit of a page (limit at most EXPLORER_MAX_PAGE). */
function pageArgs(a: Record<string, unknown>): { offset?: number; limit?: number } {
  const offset = optInt(a.offset, 'offset', 0, 0xffffffff);
  const limit = optInt(a.limit, 'limit', 1, EXPLORER_MAX_PAGE);
  return {
    ...(offset !== undefined ? { offset } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function className(v: unknown, required: boolean): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_CLASS_CHARS) {
    throw bad(`className must be a non-empty string of at most ${MAX_CLASS_CHARS} characters.`);
  }
  return v;
}

export class AnalysisRequests {
  readonly #deps: AnalysisDeps;
  readonly #running = new Set<AbortController>();
  readonly #cache = new Map<string, SnapshotAnalysis>();
  readonly #run: NonNullable<AnalysisDeps['run']>;
  readonly #explorers: ExplorerSessions;

  constructor(deps: AnalysisDeps) {
    this.#deps = deps;
    this.#run = deps.run ?? { analyze: analyzeSnapshotFile, diff: diffSnapshotFiles };
    this.#explorers = new ExplorerSessions(deps.explorer);
  }

  /** The open explorer sessions (tests measure their processes). */
  get explorers(): ExplorerSessions {
    return this.#explorers;
  }

  async #resolve(ref: unknown): Promise<Resolved> {
    const r = obj(ref) as Partial<SnapshotRef>;
    if (r.snapshotId !== undefined && r.path === undefined) {
      const rec = await this.#deps.getSnapshot(r.snapshotId);
      return {
        path: rec.path,
        subject: rec.id,
        ...(rec.pid !== null ? { pid: rec.pid } : {}),
        title: rec.title,
      };
    }
    if (r.path !== undefined && r.snapshotId === undefined) {
      if (typeof r.path !== 'string' || r.path.length === 0 || r.path.length > MAX_PATH_CHARS) {
        throw bad('path must be a non-empty file path.');
      }
      return { path: r.path, subject: r.path };
    }
    throw bad('Name the snapshot by either snapshotId or path.');
  }

  async #withRun<T>(
    subject: string,
    kind: 'analyze' | 'diff',
    work: (o: RunOptions) => Promise<T>,
  ): Promise<T> {
    const abort = new AbortController();
    this.#running.add(abort);
    try {
      return await work({
        signal: abort.signal,
        onProgress: (progress) => this.#deps.emit({ subject, kind, progress }),
      });
    } finally {
      this.#running.delete(abort);
    }
  }

  async analyzeSnapshot(args: RequestArgs<'analyzeSnapshot'>): Promise<SnapshotAnalysis> {
    const a = obj(args);
    const top = optInt(a.top, 'top', 1, MAX_TOP);
    const cls = className(a.className, false);
    const ref = await this.#resolve({ snapshotId: a.snapshotId, path: a.path });
    // A path may be rewritten between requests: its size and mtime are part of the key.
    const st = await stat(ref.path).catch(() => null);
    const key = JSON.stringify([ref.path, st?.size, st?.mtimeMs, top, cls]);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const result = await this.#withRun(ref.subject, 'analyze', (o) =>
      this.#run.analyze(
        ref.path,
        {
          ...(top !== undefined ? { top } : {}),
          ...(cls !== undefined ? { className: cls } : {}),
          ...(ref.pid !== undefined ? { pid: ref.pid } : {}),
          ...(ref.title !== undefined ? { title: ref.title } : {}),
        },
        o,
      ),
    );
    this.#cache.set(key, result);
    while (this.#cache.size > CACHE_ENTRIES) this.#cache.delete(this.#cache.keys().next().value!);
    return result;
  }

  async snapshotRetainerPath(args: RequestArgs<'snapshotRetainerPath'>): Promise<RetainerPath> {
    const a = obj(args);
    const cls = className(a.className, true)!;
    const { retainerPath } = await this.analyzeSnapshot({
      ...(a as SnapshotRef),
      top: 1,
      className: cls,
    });
    if (!retainerPath)
      throw new MonitorError(ErrorCodes.CLASS_NOT_FOUND, 'No retainer path was found.');
    return retainerPath;
  }

  async diffSnapshots(args: RequestArgs<'diffSnapshots'>): Promise<SnapshotDiff> {
    const a = obj(args);
    const top = optInt(a.top, 'top', 1, MAX_TOP);
    const maxIdsPerClass = optInt(a.maxIdsPerClass, 'maxIdsPerClass', 0, 100_000);
    if (a.force !== undefined && typeof a.force !== 'boolean')
      throw bad('force must be true or false.');
    const before = await this.#resolve(a.before);
    const after = await this.#resolve(a.after);
    return this.#withRun(after.subject, 'diff', (o) =>
      this.#run.diff(
        before.path,
        after.path,
        {
          ...(top !== undefined ? { top } : {}),
          ...(maxIdsPerClass !== undefined ? { maxIdsPerClass } : {}),
          ...(before.pid !== undefined ? { beforePid: before.pid } : {}),
          ...(after.pid !== undefined ? { afterPid: after.pid } : {}),
          ...(a.force === true ? { force: true } : {}),
        },
        o,
      ),
    );
  }

  /** Kills every running analysis child; their requests fail with ANALYSIS_CANCELLED. */
  async cancelSnapshotAnalysis(
    _args: RequestArgs<'cancelSnapshotAnalysis'>,
  ): Promise<{ cancelled: number }> {
    const n = this.#running.size;
    for (const c of this.#running) c.abort();
    return { cancelled: n + this.#explorers.cancelOpening() };
  }

  // ---- heap explorer ----------------------------------------------------------------

  async openSnapshotExplorer(
    args: RequestArgs<'openSnapshotExplorer'>,
  ): Promise<ExplorerSessionInfo> {
    const ref = await this.#resolve(args);
    const st = await stat(ref.path).catch(() => null);
    if (!st?.isFile()) throw bad(`Cannot read snapshot file ${ref.path}.`);
    const snapshotId = (obj(args) as Partial<SnapshotRef>).snapshotId;
    return this.#explorers.open(
      {
        path: ref.path,
        key: JSON.stringify([ref.path, st.size, st.mtimeMs]),
        ...(snapshotId !== undefined ? { snapshotId } : {}),
        ...(ref.pid !== undefined ? { pid: ref.pid } : {}),
        ...(ref.title !== undefined ? { title: ref.title } : {}),
      },
      (progress) => this.#deps.emit({ subject: ref.subject, kind: 'explore', progress }),
    );
  }

  /** A query on an open session; a library snapshot deleted meanwhile ends it. */
  async #ask<T>(sessionId: string, query: ExplorerQuery): Promise<T> {
    const info = this.#explorers.info(sessionId);
    if (info?.snapshotId !== undefined) {
      try {
        await this.#deps.getSnapshot(info.snapshotId);
      } catch (err) {
        if (err instanceof MonitorError && err.code === ErrorCodes.SNAPSHOT_NOT_FOUND) {
          this.#explorers.close(sessionId, {
            code: ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
            message: `Snapshot ${info.snapshotId} was deleted from the library; its explorer is closed.`,
          });
        }
        throw err instanceof MonitorError && err.code === ErrorCodes.SNAPSHOT_NOT_FOUND
          ? new MonitorError(
              ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
              `Snapshot ${info.snapshotId} was deleted from the library; its explorer is closed.`,
            )
          : err;
      }
    }
    return this.#explorers.query<T>(sessionId, query);
  }

  async explorerChildren(
    args: RequestArgs<'explorerChildren'>,
  ): Promise<ExplorerPage<ExplorerNode>> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    return this.#ask(sessionId, {
      kind: 'children',
      ...(a.nodeId !== undefined ? { nodeId: nodeIdArg(a.nodeId) } : {}),
      ...pageArgs(a),
    });
  }

  async explorerRetainers(
    args: RequestArgs<'explorerRetainers'>,
  ): Promise<ExplorerPage<ExplorerRetainer>> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    return this.#ask(sessionId, { kind: 'retainers', nodeId: nodeIdArg(a.nodeId), ...pageArgs(a) });
  }

  async explorerInstances(args: RequestArgs<'explorerInstances'>): Promise<ExplorerInstances> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    const cls = className(a.className, true)!;
    return this.#ask(sessionId, {
      kind: 'instances',
      className: cls,
      ...pageArgs(a),
      ...(a.newerThanNodeId !== undefined
        ? { newerThanNodeId: nodeIdArg(a.newerThanNodeId, 'newerThanNodeId') }
        : {}),
    });
  }

  async explorerNode(args: RequestArgs<'explorerNode'>): Promise<ExplorerNodeDetails> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    return this.#ask(sessionId, { kind: 'node', nodeId: nodeIdArg(a.nodeId) });
  }

  async explorerPath(args: RequestArgs<'explorerPath'>): Promise<ExplorerPath> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    if ((a.nodeId === undefined) === (a.className === undefined)) {
      throw bad('Name the object by either nodeId or className.');
    }
    return this.#ask(sessionId, {
      kind: 'path',
      ...(a.nodeId !== undefined ? { nodeId: nodeIdArg(a.nodeId) } : {}),
      ...(a.className !== undefined ? { className: className(a.className, true)! } : {}),
    });
  }

  async explorerClasses(
    args: RequestArgs<'explorerClasses'>,
  ): Promise<ExplorerPage<ConstructorStat>> {
    const a = obj(args);
    const sessionId = sessionIdArg(a.sessionId);
    if (
      a.query !== undefined &&
      (typeof a.query !== 'string' || a.query.length > MAX_CLASS_CHARS)
    ) {
      throw bad(`query must be text of at most ${MAX_CLASS_CHARS} characters.`);
    }
    return this.#ask(sessionId, {
      kind: 'classes',
      ...(a.query !== undefined ? { query: a.query as string } : {}),
      ...pageArgs(a),
    });
  }

  async closeSnapshotExplorer(
    args: RequestArgs<'closeSnapshotExplorer'>,
  ): Promise<{ closed: boolean }> {
    const a = obj(args);
    return { closed: this.#explorers.close(sessionIdArg(a.sessionId)) };
  }

  dispose(): void {
    for (const c of this.#running) c.abort();
    this.#cache.clear();
    this.#explorers.dispose();
  }
}

// The analysis requests of the core service (analyzeSnapshot, snapshotRetainerPath,
// diffSnapshots, cancelSnapshotAnalysis): argument checks, library lookups (pid and
// title from the capture's sidecar), a small result cache, progress as events. Every
// analysis runs in a child process (run-analysis.ts); dispose() kills running ones.
import { stat } from 'node:fs/promises';
import type { RequestArgs } from '../../../shared/contract';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type {
  AnalysisProgressEvent,
  RetainerPath,
  SnapshotAnalysis,
  SnapshotDiff,
  SnapshotRef,
} from '../../../shared/snapshot-model';
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import { analyzeSnapshotFile, diffSnapshotFiles, type RunOptions } from './run-analysis';

export interface AnalysisDeps {
  /** Looks a library entry up (throws SNAPSHOT_NOT_FOUND / BAD_ARGUMENT). */
  getSnapshot: (id: string) => Promise<SnapshotRecord>;
  emit: (payload: AnalysisProgressEvent) => void;
  /** Seam for tests. */
  run?: { analyze: typeof analyzeSnapshotFile; diff: typeof diffSnapshotFiles };
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

  constructor(deps: AnalysisDeps) {
    this.#deps = deps;
    this.#run = deps.run ?? { analyze: analyzeSnapshotFile, diff: diffSnapshotFiles };
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
    return { cancelled: n };
  }

  dispose(): void {
    for (const c of this.#running) c.abort();
    this.#cache.clear();
  }
}

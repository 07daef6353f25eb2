// The parent side: every analysis runs in a forked Node process (Electron's own binary
// with ELECTRON_RUN_AS_NODE inside the app), talking over IPC: progress messages, then
// one result or one error with a stable code. Aborting the signal kills the child.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserializeError, ErrorCodes, MonitorError } from '../../../shared/errors';
import type {
  AnalysisProgress,
  AnalyzeOptions,
  DiffOptions,
  SnapshotAnalysis,
  SnapshotDiff,
} from '../../../shared/snapshot-model';
import type { ChildMessage, Job } from './protocol';
import { registerOwnChild } from '../../discovery/self-processes';

export interface RunOptions {
  onProgress?: (p: AnalysisProgress) => void;
  signal?: AbortSignal;
  /** Heap of the child in MB; default sized to the file (about 3x, at least 1 GB). */
  maxOldSpaceSizeMb?: number;
  /** Override the child entry (tests). */
  entry?: string;
}

const MB = 1024 * 1024;

/** The compiled entry next to this file when bundled, else the TypeScript one via tsx. */
export function findChildEntry(): { entry: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, 'child-entry.js'),
    path.join(here, 'analysis-child.js'),
    path.join(here, 'child-entry.ts'),
    path.resolve(here, '../../src/monitor/snapshots/analysis/child-entry.ts'),
    path.resolve(process.cwd(), 'src/monitor/snapshots/analysis/child-entry.ts'),
  ];
  const entry = candidates.find((c) => existsSync(c));
  if (!entry) {
    throw new MonitorError(
      ErrorCodes.INTERNAL,
      `The snapshot analysis entry was not found (looked in ${candidates.join(', ')}).`,
    );
  }
  return { entry, execArgv: entry.endsWith('.ts') ? ['--import', tsxLoader()] : [] };
}

/** tsx resolved from here, so a child started from any cwd finds it. */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/** Heap for the child: the typed arrays and strings take about 1.5-2.5x the file. */
export function heapSizeForMb(totalFileBytes: number): number {
  return Math.max(1024, Math.ceil((totalFileBytes * 3) / MB) + 512);
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

function runJob<T>(job: Job, totalBytes: number, options: RunOptions): Promise<T> {
  const found = options.entry
    ? {
        entry: options.entry,
        execArgv: options.entry.endsWith('.ts') ? ['--import', tsxLoader()] : [],
      }
    : findChildEntry();
  const heapMb = options.maxOldSpaceSizeMb ?? heapSizeForMb(totalBytes);
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(
        new MonitorError(ErrorCodes.ANALYSIS_CANCELLED, 'The snapshot analysis was cancelled.'),
      );
      return;
    }
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
    const unregister = registerOwnChild(child.pid);
    child.once('exit', unregister);
    let settled = false;
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (stderr.length < 8192) stderr += d;
    });
    const finish = (err: MonitorError | null, value?: T): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(value as T);
    };
    const onAbort = (): void =>
      finish(
        new MonitorError(ErrorCodes.ANALYSIS_CANCELLED, 'The snapshot analysis was cancelled.'),
      );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (msg: ChildMessage) => {
      if (msg.kind === 'progress') options.onProgress?.(msg.progress);
      else if (msg.kind === 'result') finish(null, msg.value as T);
      else if (msg.kind === 'error') finish(deserializeError(msg.error));
    });
    child.on('error', (err) =>
      finish(
        new MonitorError(
          ErrorCodes.ANALYSIS_FAILED,
          `The analysis process failed: ${err.message}.`,
        ),
      ),
    );
    child.on('exit', (code, sig) => {
      const oom = /heap out of memory|Allocation failed/i.test(stderr);
      const why = oom
        ? `it ran out of memory (heap limit ${heapMb} MB)`
        : `it exited with ${sig ?? `code ${code ?? '?'}`}`;
      finish(
        new MonitorError(
          ErrorCodes.ANALYSIS_FAILED,
          `The analysis process ended before answering: ${why}.`,
        ),
      );
    });
    child.send(job);
  });
}

export async function analyzeSnapshotFile(
  file: string,
  analyzeOptions: AnalyzeOptions = {},
  options: RunOptions = {},
): Promise<SnapshotAnalysis> {
  const abs = path.resolve(file);
  const bytes = await fileBytes(abs);
  return runJob<SnapshotAnalysis>(
    { kind: 'analyze', file: abs, options: analyzeOptions },
    bytes,
    options,
  );
}

export async function diffSnapshotFiles(
  before: string,
  after: string,
  diffOptions: DiffOptions = {},
  options: RunOptions = {},
): Promise<SnapshotDiff> {
  const a = path.resolve(before);
  const b = path.resolve(after);
  // Sides are analysed one after the other; the first leaves only its sorted ids.
  const bytes = Math.max(await fileBytes(a), await fileBytes(b));
  return runJob<SnapshotDiff>(
    { kind: 'diff', before: a, after: b, options: diffOptions },
    bytes,
    options,
  );
}

// A series of spaced heap snapshots of one target, reduced to "which classes grew at
// every step, and what retains them". The backend is a seam: the default one streams
// HeapProfiler.takeHeapSnapshot to a temp file and counts instances by class with the
// snapshot analysis (src/monitor/snapshots/analysis, in a child process), falling back
// to a small built-in counter meant for modest heaps if that fails. Files are deleted afterwards.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeakSnapshotSeries, LeakSuspect } from '../../shared/alert-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { RetainerPath } from '../../shared/snapshot-model';
import type { CdpClient } from '../inspector/cdp-client';
import { growingClasses, retainedByFromPath, type ClassCounts } from './suspects';
import { analyzeSnapshotFile } from '../snapshots/analysis/run-analysis';
import { CaptureWriter } from '../snapshots/capture-writer';
import { startCapture } from '../snapshots/snapshot-capture';
import { classCountsFromSnapshot, retainerPathFromSnapshot } from './snapshot-counts';

export interface SnapshotBackend {
  /** Writes one snapshot of the target to a file and returns its path. */
  capture(client: Pick<CdpClient, 'send' | 'on'>, dir: string, index: number): Promise<string>;
  classCounts(path: string): Promise<Map<string, { count: number; bytes: number }>>;
  retainerPath(path: string, className: string): Promise<RetainerPath | null>;
}

export interface SeriesInput {
  client: Pick<CdpClient, 'send' | 'on'>;
  count: number;
  spacingMs: number;
  now: () => number;
  signal: AbortSignal;
  backend?: SnapshotBackend | undefined;
  /**
   * Captures one snapshot to a path under the session's one-capture-at-a-time lock
   * (the heap tools' captureExclusive). Without it (no heap tools, so no other capture
   * on this session) the backend's capture is used.
   */
  captureTo?: ((path: string, signal: AbortSignal) => Promise<unknown>) | undefined;
  /**
   * Runs before each capture with the folder the snapshot goes to; throws to stop the
   * series (the heap tools' pre-flight: CONFIRM_REQUIRED when it may not fit, F14).
   */
  preflight?: ((dir: string) => Promise<unknown>) | undefined;
  onProgress(p: Partial<LeakSnapshotSeries>): void;
  /** A forced GC through the session's gate (queued with the others, marked as ours). */
  gc?: () => Promise<unknown>;
}

/** Built-in counter refuses files above this (it reads the file as one string). */
export const BUILTIN_MAX_FILE_BYTES = 256 * 1024 * 1024;

export async function runSnapshotSeries(input: SeriesInput): Promise<LeakSuspect[]> {
  const backend = input.backend ?? defaultBackend;
  const dir = await mkdtemp(join(tmpdir(), 'resdash-leak-'));
  try {
    const series: ClassCounts[] = [];
    let lastPath = '';
    for (let i = 0; i < input.count; i++) {
      if (i > 0) await sleep(input.spacingMs, input.signal);
      if (input.signal.aborted) throw new MonitorError(ErrorCodes.TARGET_CLOSED, 'Detached.');
      await input.preflight?.(dir);
      input.onProgress({ state: 'capturing', step: i + 1 });
      // Collect first so what the snapshot shows is retained, not garbage.
      await (input.gc
        ? input.gc()
        : input.client.send('HeapProfiler.collectGarbage', undefined, { timeoutMs: 60_000 }));
      const atMs = input.now();
      let path: string;
      if (input.captureTo) {
        path = join(dir, `series-${i}.heapsnapshot`);
        await input.captureTo(path, input.signal);
      } else {
        path = await backend.capture(input.client, dir, i);
      }
      input.onProgress({ state: 'analysing', step: i + 1 });
      series.push({ atMs, classes: await backend.classCounts(path) });
      if (lastPath) await rm(lastPath, { force: true });
      lastPath = path;
    }
    const suspects = growingClasses(series);
    for (const s of suspects.slice(0, 2)) {
      const path = await backend.retainerPath(lastPath, s.className).catch(() => null);
      if (path) {
        s.retainerPath = path.text;
        s.retainedBy = retainedByFromPath(path);
      }
    }
    return suspects;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The shared capture path (bounded queue, .partial renamed when complete, F15-F18). */
async function captureToFile(
  client: Pick<CdpClient, 'send' | 'on'>,
  dir: string,
  index: number,
): Promise<string> {
  const file = join(dir, `series-${index}.heapsnapshot`);
  const run = startCapture(client, new CaptureWriter(file));
  try {
    await run.result;
  } finally {
    await run.v8Done.catch(() => undefined);
  }
  return file;
}

async function readSmall(path: string): Promise<string> {
  const { size } = await stat(path);
  if (size > BUILTIN_MAX_FILE_BYTES) {
    throw new MonitorError(
      ErrorCodes.INTERNAL,
      `The snapshot is ${Math.round(size / 1024 ** 2)} MB, too big for the built-in counter; the snapshot analysis module is needed.`,
    );
  }
  return readFile(path, 'utf8');
}

export const defaultBackend: SnapshotBackend = {
  capture: captureToFile,
  async classCounts(path) {
    {
      try {
        const a = await analyzeSnapshotFile(path, { top: 100_000 });
        return new Map(
          a.summary.constructors.map((c) => [c.name, { count: c.count, bytes: c.shallowBytes }]),
        );
      } catch {
        // fall back to the built-in counter below
      }
    }
    return classCountsFromSnapshot(JSON.parse(await readSmall(path)) as unknown);
  },
  async retainerPath(path, className) {
    {
      try {
        const a = await analyzeSnapshotFile(path, { top: 1, className });
        if (a.retainerPath) return a.retainerPath;
      } catch {
        // fall back
      }
    }
    return retainerPathFromSnapshot(JSON.parse(await readSmall(path)) as unknown, className);
  },
};

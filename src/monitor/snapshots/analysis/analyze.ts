// The whole analysis of a file, in the current process: stream-parse, build the graph,
// summarize (and a retainer path, or a diff). Runs in the analysis child process
// (child-entry.ts); tests and the benchmark may call it directly.
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type {
  AnalysisProgress,
  AnalyzeOptions,
  DiffOptions,
  SnapshotAnalysis,
  SnapshotDiff,
} from '../../../shared/snapshot-model';
import { startAnalysisWorker, type AnalysisWorker } from './analysis-worker';
import { diffSides } from './diff';
import {
  classesPhase,
  dfsPhase,
  finishGraph,
  graphArrays,
  type GraphArrays,
  type HeapGraph,
  type Progress,
} from './graph';
import { SnapshotExplorer } from './explorer';
import { parseNumericRegion } from './parallel-parse';
import type { OpenedInfo } from './protocol';
import { HeapSnapshotParser, type NumberPlacer, type RawSnapshot } from './parser';
import { diffSide, retainerPath, summarize } from './summary';

export type ProgressListener = (p: AnalysisProgress) => void;

const CHUNK_BYTES = 1 << 20;
const REPORT_BYTES = 64 * CHUNK_BYTES;
/** Smaller files are parsed on one thread: starting the second costs more than it saves. */
const PARALLEL_MIN_BYTES = 16 << 20;

export interface LoadOptions {
  /**
   * The second thread (tokenizes, runs the DFS); undefined: start one for this load and
   * end it after; null: one thread only.
   */
  worker?: AnalysisWorker | null;
  /** Segment size of the parallel parse (tests use tiny ones). */
  segmentBytes?: number;
  /** Files from this size on are parsed by two threads. */
  parallelMinBytes?: number;
  /** Called once "nodes" and "edges" are in, before the strings are read. */
  onNumbers?: (placer: NumberPlacer) => void;
}

const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

async function fileSize(file: string): Promise<number> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return st.size;
  } catch (err) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `Cannot read snapshot file ${file}: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
}

export async function parseSnapshotFile(
  file: string,
  onProgress: ProgressListener = () => undefined,
  options: LoadOptions = {},
): Promise<{ raw: RawSnapshot; fileBytes: number }> {
  const fileBytes = await fileSize(file);
  const worker = options.worker ?? null;
  const parallel = worker !== null && fileBytes >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let lastReport = 0;
    let numbersSeen = false;
    const report = (offset: number): void => {
      if (offset - lastReport < REPORT_BYTES) return;
      lastReport = offset;
      onProgress({
        phase: 'parse',
        fraction: offset / fileBytes,
        bytesRead: offset,
        totalBytes: fileBytes,
      });
    };
    // Feeds the file from `pos` until the parser pauses (or the file ends).
    const feed = async (parser: HeapSnapshotParser, pos: number): Promise<void> => {
      while (pos < fileBytes) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK_BYTES, fileBytes - pos), pos);
        if (n === 0) break;
        parser.write(n === buf.length ? buf : buf.subarray(0, n));
        pos += n;
        const placer = parser.placer;
        if (!numbersSeen && placer?.nodesFilled && placer.edgesFilled) {
          numbersSeen = true;
          options.onNumbers?.(placer);
        }
        if (parser.pausedAt >= 0) return;
        if (pos - lastReport >= REPORT_BYTES) {
          report(pos);
          await yieldToLoop();
        }
      }
    };
    let parser = new HeapSnapshotParser({ totalBytes: fileBytes, pauseAtNumbers: parallel });
    await feed(parser, 0);
    if (parser.pausedAt >= 0) {
      const end = await parseNumericRegion({
        file,
        fd,
        fileBytes,
        start: parser.pausedAt,
        firstKey: parser.pausedKey,
        placer: parser.placer!,
        worker,
        ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}),
        onBytes: report,
      });
      if (end >= 0) {
        parser.resumeAt(end);
        const placer = parser.placer!;
        if (placer.nodesFilled && placer.edgesFilled) {
          numbersSeen = true;
          options.onNumbers?.(placer);
        }
        await feed(parser, end);
      } else {
        // Something the fast path does not take: the sequential parser decides.
        parser = new HeapSnapshotParser({ totalBytes: fileBytes });
        await feed(parser, 0);
      }
    }
    const raw = parser.close();
    onProgress({ phase: 'parse', fraction: 1, bytesRead: fileBytes, totalBytes: fileBytes });
    return { raw, fileBytes };
  } finally {
    closeSync(fd);
  }
}

/**
 * Parse and graph, the second thread helping: it tokenizes, then runs the DFS while
 * this thread reads the strings and groups classes.
 */
export async function loadGraph(
  file: string,
  onProgress: ProgressListener,
  options: LoadOptions = {},
): Promise<{ graph: HeapGraph; fileBytes: number }> {
  const own = options.worker === undefined;
  const worker = own ? startAnalysisWorker() : (options.worker ?? null);
  try {
    let arrays: GraphArrays | null = null;
    let dfs: Promise<void> | null = null;
    const { raw, fileBytes } = await parseSnapshotFile(file, onProgress, {
      ...options,
      worker,
      onNumbers: (placer) => {
        options.onNumbers?.(placer);
        if (!worker || worker.dead) return;
        arrays = graphArrays(placer, placer.edgeTypes);
        dfs = worker.run({ kind: 'dfs', arrays });
        // A failed DFS is run again here.
        dfs.catch(() => undefined);
      },
    });
    const progress: Progress = (phase, fraction) => onProgress({ phase, fraction });
    const classes = classesPhase(raw);
    let a = arrays as GraphArrays | null;
    if (a && dfs) {
      try {
        await dfs;
      } catch {
        dfsPhase(a);
      }
    } else {
      a = graphArrays(raw, raw.meta.edgeTypes);
      dfsPhase(a);
    }
    progress('index', 0.3);
    return { graph: finishGraph(raw, a, classes, progress), fileBytes };
  } finally {
    if (own) await worker?.close();
  }
}

export async function analyzeInProcess(
  file: string,
  options: AnalyzeOptions = {},
  onProgress: ProgressListener = () => undefined,
  load: LoadOptions = {},
): Promise<SnapshotAnalysis> {
  const t0 = performance.now();
  const abs = path.resolve(file);
  const { graph, fileBytes } = await loadGraph(abs, onProgress, load);
  onProgress({ phase: 'summary' });
  const retainer = options.className ? retainerPath(graph, options.className) : undefined;
  const summary = summarize(graph, {
    ...(options.top !== undefined ? { top: options.top } : {}),
    meta: {
      path: abs,
      fileBytes,
      ...(options.pid !== undefined ? { pid: options.pid } : {}),
      ...(options.title !== undefined ? { title: options.title } : {}),
    },
  });
  summary.analysisMs = Math.round(performance.now() - t0);
  return retainer ? { summary, retainerPath: retainer } : { summary };
}

export async function diffInProcess(
  fileBefore: string,
  fileAfter: string,
  options: DiffOptions = {},
  onProgress: ProgressListener = () => undefined,
): Promise<SnapshotDiff> {
  const t0 = performance.now();
  // One second thread for both sides.
  const worker = startAnalysisWorker();
  try {
    const side = async (file: string, pid: number | undefined) => {
      const abs = path.resolve(file);
      const { graph, fileBytes } = await loadGraph(abs, onProgress, { worker });
      // Only the sorted ids, classes and sizes survive; the graph is dropped here.
      return diffSide(graph, { path: abs, fileBytes, ...(pid !== undefined ? { pid } : {}) });
    };
    const before = await side(fileBefore, options.beforePid);
    const after = await side(fileAfter, options.afterPid);
    onProgress({ phase: 'diff' });
    return diffSides(before, after, options, Math.round(performance.now() - t0));
  } finally {
    await worker?.close();
  }
}

/** Parse, graph and index a snapshot for the heap explorer (the child keeps it open). */
export async function openExplorerInProcess(
  file: string,
  options: { pid?: number; title?: string } = {},
  onProgress: ProgressListener = () => undefined,
  load: LoadOptions = {},
): Promise<{ explorer: SnapshotExplorer; info: OpenedInfo }> {
  const t0 = performance.now();
  const abs = path.resolve(file);
  const own = load.worker === undefined;
  const worker = own ? startAnalysisWorker() : (load.worker ?? null);
  try {
    const { graph, fileBytes } = await loadGraph(abs, onProgress, { ...load, worker });
    onProgress({ phase: 'summary' });
    const explorer = await SnapshotExplorer.open(graph, worker, {
      path: abs,
      fileBytes,
      ...(options.pid !== undefined ? { pid: options.pid } : {}),
      ...(options.title !== undefined ? { title: options.title } : {}),
    });
    // What the queries do not read goes back to the allocator.
    graph.scratch.length = 0;
    const openMs = Math.round(performance.now() - t0);
    explorer.summary.analysisMs = openMs;
    return {
      explorer,
      info: {
        path: abs,
        fileBytes,
        nodeCount: graph.raw.nodeCount,
        edgeCount: graph.raw.edgeCount,
        reachableCount: graph.reachableCount,
        totalBytes: explorer.totalBytes,
        root: explorer.root,
        summary: explorer.summary,
        openMs,
      },
    };
  } finally {
    if (own) await worker?.close();
  }
}

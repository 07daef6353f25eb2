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
  assembleGraph,
  classesPhase,
  dfsOnlyPhase,
  dominatorsPhase,
  graphArrays,
  predsCountPhase,
  predsFillPhase,
  predsPrefix,
  retainedPhase,
  type ClassStats,
  type GraphArrays,
  type HeapGraph,
  type Progress,
} from './graph';
import { SnapshotExplorer } from './explorer';
import { parseNumericRegion } from './parallel-parse';
import type { OpenedInfo } from './protocol';
import { HeapSnapshotParser, sharedU32, type NumberPlacer, type RawSnapshot } from './parser';
import { classStatsOf, diffSide, retainerPath, summarize } from './summary';

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
  /** Skip the dominator tree's children (the explorer sorts its own). */
  noChildren?: boolean;
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
/** Milliseconds from the start of the last loadGraph to each step (the benchmark prints them). */
export const lastLoadTimings: Record<string, number> = {};

export async function loadGraph(
  file: string,
  onProgress: ProgressListener,
  options: LoadOptions = {},
): Promise<{ graph: HeapGraph; fileBytes: number }> {
  const t0 = performance.now();
  for (const k of Object.keys(lastLoadTimings)) delete lastLoadTimings[k];
  const mark = (name: string): void => {
    lastLoadTimings[name] = Math.round(performance.now() - t0);
  };
  const own = options.worker === undefined;
  const worker = own ? startAnalysisWorker() : (options.worker ?? null);
  try {
    let arrays: GraphArrays | null = null;
    let dfs: Promise<unknown> | null = null;
    const { raw, fileBytes } = await parseSnapshotFile(file, onProgress, {
      ...options,
      worker,
      onNumbers: (placer) => {
        mark('numbers');
        options.onNumbers?.(placer);
        if (!worker || worker.dead) return;
        // The numbers are in: the worker runs the DFS while this thread reads the
        // strings and groups the classes.
        arrays = graphArrays(placer, placer.edgeTypes);
        dfs = worker.run({ kind: 'dfsOnly', arrays });
        // A failed task is run again here.
        dfs.catch(() => undefined);
      },
    });
    mark('parsed');
    const progress: Progress = (phase, fraction) => {
      if (fraction === 1) mark(phase);
      onProgress({ phase, fraction });
    };
    const classes = classesPhase(raw);
    mark('classes');
    let a = arrays as GraphArrays | null;
    const helper = worker && !worker.dead ? worker : null;
    if (a && dfs) {
      try {
        await dfs;
      } catch {
        dfsOnlyPhase(a);
      }
    } else {
      a = graphArrays(raw, raw.meta.edgeTypes);
      dfsOnlyPhase(a);
    }
    mark('dfs');
    progress('index', 0.5);
    const r = a.info[0]!;
    // Predecessors on both threads: sources in [0, mid) here, [mid, r) on the worker,
    // counted, then written; the DFS stacks hold the counts, then the cursors.
    const mid = helper ? Math.min(r, a.info[1]!) : r;
    const cntA = a.stackA.subarray(0, r).fill(0);
    const cntB = a.stackB.subarray(0, r).fill(0);
    const countB = helper?.run({ kind: 'predsCount', arrays: a, from: mid, to: r, cnt: cntB });
    predsCountPhase(a, 0, mid, cntA);
    mark('countA');
    await settleOr(countB, () => predsCountPhase(a, mid, r, cntB));
    mark('countB');
    const p = predsPrefix(a, cntA, cntB);
    mark('prefix');
    const fillB = helper?.run({
      kind: 'predsFill',
      arrays: a,
      from: mid,
      to: r,
      cursor: cntB,
      preds: p.preds,
    });
    // And the class counts there meanwhile: they need no dominators.
    const statsInput = {
      nodeCount: raw.nodeCount,
      nodeSelfSize: raw.nodeSelfSize,
      nodeId: raw.nodeId,
      reachableCount: r,
      preToNode: a.preToNode,
      classOf: classes.classOf,
      classCount: classes.classNames.length,
    };
    const statsP = helper?.run<ClassStats>({ kind: 'stats', input: statsInput });
    statsP?.catch(() => undefined);
    predsFillPhase(a, 0, mid, cntA, p.preds);
    mark('fillA');
    await settleOr(fillB, () => predsFillPhase(a, mid, r, cntB, p.preds));
    progress('index', 1);
    const idom = sharedU32(r);
    dominatorsPhase(r, a.parentPre, p.firstPred, p.preds, a.stackA, a.stackB, idom);
    progress('dominators', 1);
    // The dominator tree's children on the worker while this thread sums retained sizes
    // (the explorer sorts its own children instead).
    const children =
      helper && !helper.dead && !options.noChildren
        ? helper.run<{ firstChild: Uint32Array; children: Uint32Array }>({
            kind: 'children',
            r,
            idom,
            // Free since the dominators are known: no new memory for the tree.
            room: { firstChild: a.retainerCount, children: a.stackA, fill: a.stackB },
          })
        : null;
    children?.catch(() => undefined);
    const retainedPre = retainedPhase(r, a.preToNode, raw.nodeSelfSize, idom, p.preds);
    progress('retained', 1);
    const graph = assembleGraph(raw, a, classes, idom, retainedPre, p.preds);
    graph.stats = (await statsP?.catch(() => undefined)) ?? classStatsOf(statsInput);
    if (children) {
      const tree = await children.catch(() => undefined);
      if (tree) {
        graph.domChildren = tree;
        // Those three arrays hold the tree now.
        const used = new Set([a.retainerCount.buffer, a.stackA.buffer, a.stackB.buffer]);
        graph.scratch = graph.scratch.filter((x) => !used.has(x.buffer));
      }
    }
    mark('graph');
    return { graph, fileBytes };
  } finally {
    if (own) await worker?.close();
  }
}

/** Waits for the worker's part, or does it here when the worker failed or is absent. */
async function settleOr(p: Promise<unknown> | undefined, here: () => void): Promise<void> {
  if (!p) return here();
  try {
    await p;
  } catch {
    here();
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
    const { graph, fileBytes } = await loadGraph(abs, onProgress, {
      ...load,
      worker,
      noChildren: true,
    });
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

// The whole analysis of a file, in the current process: stream-parse, build the graph,
// summarize (and a retainer path, or a diff). Runs in the analysis child process
// (child-entry.ts); tests and the benchmark may call it directly.
import { createReadStream } from 'node:fs';
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
import { diffSides } from './diff';
import { buildGraph, type HeapGraph } from './graph';
import { HeapSnapshotParser, type RawSnapshot } from './parser';
import { diffSide, retainerPath, summarize } from './summary';

export type ProgressListener = (p: AnalysisProgress) => void;

const CHUNK_BYTES = 1 << 20;

export async function parseSnapshotFile(
  file: string,
  onProgress: ProgressListener = () => undefined,
): Promise<{ raw: RawSnapshot; fileBytes: number }> {
  let fileBytes: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    fileBytes = st.size;
  } catch (err) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `Cannot read snapshot file ${file}: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  const parser = new HeapSnapshotParser({ totalBytes: fileBytes });
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let lastReport = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.write(chunk);
      if (parser.bytesSeen - lastReport >= 64 * CHUNK_BYTES) {
        lastReport = parser.bytesSeen;
        onProgress({
          phase: 'parse',
          fraction: parser.bytesSeen / fileBytes,
          bytesRead: parser.bytesSeen,
          totalBytes: fileBytes,
        });
      }
    }
  } finally {
    stream.destroy();
  }
  const raw = parser.close();
  onProgress({ phase: 'parse', fraction: 1, bytesRead: fileBytes, totalBytes: fileBytes });
  return { raw, fileBytes };
}

async function loadGraph(
  file: string,
  onProgress: ProgressListener,
): Promise<{ graph: HeapGraph; fileBytes: number }> {
  const { raw, fileBytes } = await parseSnapshotFile(file, onProgress);
  const graph = buildGraph(raw, (phase, fraction) => onProgress({ phase, fraction }));
  return { graph, fileBytes };
}

export async function analyzeInProcess(
  file: string,
  options: AnalyzeOptions = {},
  onProgress: ProgressListener = () => undefined,
): Promise<SnapshotAnalysis> {
  const t0 = performance.now();
  const abs = path.resolve(file);
  const { graph, fileBytes } = await loadGraph(abs, onProgress);
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
  const side = async (file: string, pid: number | undefined) => {
    const abs = path.resolve(file);
    const { graph, fileBytes } = await loadGraph(abs, onProgress);
    // Only the sorted ids, classes and sizes survive; the graph is dropped here.
    return diffSide(graph, { path: abs, fileBytes, ...(pid !== undefined ? { pid } : {}) });
  };
  const before = await side(fileBefore, options.beforePid);
  const after = await side(fileAfter, options.afterPid);
  onProgress({ phase: 'diff' });
  return diffSides(before, after, options, Math.round(performance.now() - t0));
}

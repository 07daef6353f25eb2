// A heap snapshot capture over the inspector protocol: HeapProfiler.takeHeapSnapshot with
// progress, chunks streamed to a CaptureWriter as they arrive. V8 cannot interrupt a
// snapshot, so cancel (or a write error) stops writing, deletes the partial file and
// ignores the rest; `v8Done` settles only when V8 has sent its last chunk, and the
// caller must not start another capture before that, so late chunks never reach a
// new file. No timeout on the command (F16): completion is its response.
//
// Why V8's progress counter is optional: with `reportProgress` V8 first counts the
// heap's reachable objects (an extra marking pass, V8HeapExplorer::EstimateObjectsCount)
// before it walks it; measured here that makes the target's pause 6-9 % longer
// (test/bench/snapshot-capture.ts). Without it, progress is estimated from the time so
// far and the bytes received (capture-progress.ts).
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { captureFailure } from './capture-errors';
import type { CaptureWriter } from './capture-writer';
import type { CaptureClient, CaptureOptions, CaptureRun } from './snapshot-capture';

export function startInspectorCapture(
  client: CaptureClient,
  writer: CaptureWriter,
  options: CaptureOptions = {},
): CaptureRun {
  const { reportProgress = false, onProgress, onChunk, now = Date.now } = options;
  const startedMs = now();
  let stopped = false;
  let resolveResult!: (v: { sizeBytes: number; durationMs: number }) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<{ sizeBytes: number; durationMs: number }>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });
  const stop = (err: MonitorError): void => {
    if (stopped) return;
    stopped = true;
    void writer.abort().finally(() => rejectResult(err));
  };
  const offChunk = client.on('HeapProfiler.addHeapSnapshotChunk', (p) => {
    if (stopped || typeof p.chunk !== 'string') return;
    writer.write(p.chunk);
    onChunk?.(p.chunk.length);
  });
  const offProgress = client.on('HeapProfiler.reportHeapSnapshotProgress', (p) => {
    if (!stopped && Number.isFinite(p.done) && Number.isFinite(p.total))
      onProgress?.(p.done, p.total);
  });
  const offError = writer.onError((err) => stop(err));
  const v8 = client.send('HeapProfiler.takeHeapSnapshot', { reportProgress }, { timeoutMs: 0 });
  const v8Done = v8.then(
    () => undefined,
    () => undefined,
  );
  void v8Done.finally(() => {
    offChunk();
    offProgress();
    offError();
  });
  v8.then(
    async () => {
      if (stopped) return;
      stopped = true;
      try {
        const { sizeBytes } = await writer.finish();
        resolveResult({ sizeBytes, durationMs: now() - startedMs });
      } catch (err) {
        rejectResult(err);
      }
    },
    (err: unknown) => stop(captureFailure(err)),
  );
  return {
    result,
    v8Done,
    cancel: () =>
      stop(
        new MonitorError(
          ErrorCodes.SNAPSHOT_CANCELLED,
          'The heap snapshot was cancelled; the partial file was removed (the target finishes its pause on its own).',
        ),
      ),
  };
}

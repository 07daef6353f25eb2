// One heap snapshot capture over the inspector: HeapProfiler.takeHeapSnapshot with
// progress, chunks streamed to a CaptureWriter as they arrive. V8 cannot interrupt a
// snapshot, so cancel (or a write error) stops writing, deletes the partial file and
// ignores the rest; `v8Done` settles only when V8 has sent its last chunk, and the
// caller must not start another capture before that, so late chunks never reach a
// new file. No timeout on the command (F16): completion is its response.
import type { CdpClient } from '../inspector/cdp-client';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { CaptureWriter } from './capture-writer';

export interface CaptureRun {
  /** The finished file's size, or the reason it failed (partial file already removed). */
  result: Promise<{ sizeBytes: number; durationMs: number }>;
  /** Settles when the target has finished its side of the snapshot. */
  v8Done: Promise<void>;
  cancel(): void;
}

export type CaptureClient = Pick<CdpClient, 'send' | 'on'>;

export function startCapture(
  client: CaptureClient,
  writer: CaptureWriter,
  onProgress: (done: number, total: number) => void,
  now: () => number = Date.now,
): CaptureRun {
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
    if (!stopped && typeof p.chunk === 'string') writer.write(p.chunk);
  });
  const offProgress = client.on('HeapProfiler.reportHeapSnapshotProgress', (p) => {
    if (!stopped && Number.isFinite(p.done) && Number.isFinite(p.total))
      onProgress(p.done, p.total);
  });
  const offError = writer.onError((err) => stop(err));
  const v8 = client.send(
    'HeapProfiler.takeHeapSnapshot',
    { reportProgress: true },
    { timeoutMs: 0 },
  );
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
    (err: unknown) => {
      const e =
        err instanceof MonitorError && err.code === ErrorCodes.TARGET_CLOSED
          ? new MonitorError(
              ErrorCodes.TARGET_CLOSED,
              'The target exited or its inspector closed during the heap snapshot; the partial file was removed.',
              { cause: err },
            )
          : err instanceof MonitorError
            ? err
            : new MonitorError(ErrorCodes.PROTOCOL, `The heap snapshot failed: ${String(err)}`);
      stop(e);
    },
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

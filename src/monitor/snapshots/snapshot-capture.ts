// One heap snapshot capture, by the shortest way the target allows:
// - the pipe (pipe-capture.ts): the target's own v8.writeHeapSnapshot() writes into a
//   FIFO the dashboard reads; Linux, a target on this machine with
//   process.getBuiltinModule (Node >= 20.16). Same serializer, same bytes, no protocol
//   re-encoding, real backpressure, and cancel ends the target's pause early.
// - the inspector protocol (inspector-capture.ts): HeapProfiler.takeHeapSnapshot, for
//   every other target, and when exact progress (V8's object counter) is asked for.
// Why: V8's inspector re-encodes every chunk (to UTF-16, CBOR, then escaped JSON) on
// the target's main thread while it is paused (perf: v8_crdtp's JSON encoder and
// String16 took about 10 % of the target's samples); on the 1 M-object fixture the
// protocol path took 1.08-1.15x of writeHeapSnapshot() and the pipe 1.01-1.03x
// (test/bench/snapshot-capture.ts). When the pipe cannot start (nothing read yet) the
// capture falls back to the inspector on the same writer.
import type { CdpClient } from '../inspector/cdp-client';
import type { CaptureWriter } from './capture-writer';
import { startInspectorCapture } from './inspector-capture';
import { PipeUnavailableError, startPipeCapture } from './pipe-capture';

export interface CaptureRun {
  /** The finished file's size, or the reason it failed (partial file already removed). */
  result: Promise<{ sizeBytes: number; durationMs: number }>;
  /** Settles when the target has finished its side of the snapshot. */
  v8Done: Promise<void>;
  cancel(): void;
}

export type CaptureClient = Pick<CdpClient, 'send' | 'on'>;

export type CaptureVia = 'pipe' | 'inspector';

export interface CaptureOptions {
  /** Ask V8 for its object counter (inspector only; costs the target a longer pause). */
  reportProgress?: boolean;
  /** V8's counter: objects processed of total, while it walks the heap. */
  onProgress?: (done: number, total: number) => void;
  /** Each piece of the file as it arrives, with its length in bytes. */
  onChunk?: (bytes: number) => void;
  now?: () => number;
}

export interface SnapshotCaptureOptions extends CaptureOptions {
  /** 'auto' (default): the pipe where it works, else the inspector. */
  via?: 'auto' | CaptureVia;
  /** Which way the capture goes, once known (again after a fallback). */
  onVia?: (via: CaptureVia, why?: string) => void;
}

export function startCapture(
  client: CaptureClient,
  writer: CaptureWriter,
  options: SnapshotCaptureOptions = {},
): CaptureRun {
  const via = options.via ?? 'auto';
  const usePipe =
    via === 'pipe' || (via === 'auto' && process.platform === 'linux' && !options.reportProgress);
  if (!usePipe) {
    options.onVia?.('inspector');
    return startInspectorCapture(client, writer, options);
  }
  options.onVia?.('pipe');
  let current = startPipeCapture(client, writer, options);
  let cancelled = false;
  const result = current.result.catch(async (err: unknown) => {
    if (!(err instanceof PipeUnavailableError)) throw err;
    if (cancelled || via === 'pipe') {
      await writer.abort();
      throw err.asMonitorError();
    }
    // Nothing was read: the inspector gets the same, still empty, writer.
    options.onVia?.('inspector', err.message);
    current = startInspectorCapture(client, writer, options);
    return current.result;
  });
  // Whichever way ended up running, the target is done when that way says so.
  const v8Done = result.then(
    () => current.v8Done,
    () => current.v8Done,
  );
  return {
    result,
    v8Done,
    cancel: () => {
      cancelled = true;
      current.cancel();
    },
  };
}

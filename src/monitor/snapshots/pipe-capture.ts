// A heap snapshot through a pipe: the dashboard makes a FIFO in a fresh private folder
// beside the snapshot file, opens its read end, and asks the target (Runtime.evaluate)
// to run its own v8.writeHeapSnapshot() into it. The bytes are the serializer's own
// output, as over the protocol, without the protocol's re-encoding (snapshot-capture.ts
// says why). A worker thread drains the pipe (pipe-reader.ts), with backpressure: while
// the disk is behind, it pauses, the pipe fills and the target's write waits. Cancel, or a failing
// write, closes the read end: the target's next write fails (EPIPE) and its pause ends
// early. The dashboard dying closes it too.
//
// Never hang the target: it opens the FIFO with O_NONBLOCK first, which fails at once
// (ENXIO) when nobody reads, and only then reopens it, blocking, through
// /proc/self/fd for writeHeapSnapshot (microseconds later, in the same statement).
// When the pipe cannot start (no FIFO support, another mount namespace, no
// process.getBuiltinModule, a permission model) the target has not paused yet and the
// caller falls back to the inspector (PipeUnavailableError).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { captureFailure } from './capture-errors';
import type { CaptureWriter } from './capture-writer';
import { startPipeReader, type PipeReader } from './pipe-reader';
import type { CaptureClient, CaptureOptions, CaptureRun } from './snapshot-capture';

const run = promisify(execFile);

/** The pipe could not start and nothing was read: another way may work. */
export class PipeUnavailableError extends Error {
  asMonitorError(): MonitorError {
    return new MonitorError(
      ErrorCodes.PROTOCOL,
      `The heap snapshot could not be streamed through a pipe: ${this.message}`,
      { cause: this },
    );
  }
}

/** What runs in the target. Returns 'ok' or 'unsupported: why'; throws on failure. */
export function pipeExpression(fifo: string): string {
  return `(() => {
  const p = globalThis.process;
  if (!p || typeof p.getBuiltinModule !== 'function') return 'unsupported: no process.getBuiltinModule (Node.js < 20.16)';
  const fs = p.getBuiltinModule('node:fs');
  const v8 = p.getBuiltinModule('node:v8');
  const fd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  try { v8.writeHeapSnapshot('/proc/self/fd/' + fd); } finally { fs.closeSync(fd); }
  return 'ok';
})()`;
}

export function startPipeCapture(
  client: CaptureClient,
  writer: CaptureWriter,
  options: CaptureOptions = {},
): CaptureRun {
  const { onChunk, now = Date.now } = options;
  const startedMs = now();
  let settled = false;
  let reader: PipeReader | null = null;
  let dir: string | null = null;
  let resolveV8!: () => void;
  const v8Done = new Promise<void>((r) => (resolveV8 = r));
  let resolveResult!: (v: { sizeBytes: number; durationMs: number }) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<{ sizeBytes: number; durationMs: number }>((res, rej) => {
    resolveResult = res;
    rejectResult = rej;
  });

  const cleanUp = async (): Promise<void> => {
    await reader?.stop(); // the target's next write fails (EPIPE): its pause ends early
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  /** Ends the capture now (cancel, write error, failure); the target finishes alone. */
  const fail = (err: unknown): void => {
    if (settled) return;
    settled = true;
    offError();
    // Unavailable with nothing read: the writer stays as it was, for the fallback.
    const keepWriter = err instanceof PipeUnavailableError;
    void cleanUp()
      .then(() => (keepWriter ? undefined : writer.abort()))
      .finally(() => rejectResult(err));
  };
  const offError = writer.onError((err) => fail(err));

  const flow = async (): Promise<void> => {
    let bytes = 0;
    try {
      // Beside the file: a folder the target can reach when it can reach the library.
      dir = await mkdtemp(path.join(path.dirname(writer.finalPath), '.pipe-'));
      const fifo = path.join(dir, 'snapshot.fifo');
      await run('mkfifo', ['-m', '600', fifo]);
      // What is read but not yet written stays under the writer's bound.
      reader = startPipeReader(fifo, Math.min(8 * 1024 * 1024, writer.maxQueuedBytes / 2));
      await reader.opened;
    } catch (err) {
      resolveV8(); // the target was never asked
      throw new PipeUnavailableError(`could not make a FIFO here (${(err as Error).message})`);
    }
    if (settled) {
      await cleanUp(); // cancelled while the FIFO was being made
      resolveV8();
      return;
    }
    const pipe = reader;
    const ended = new Promise<void>((resolve) => {
      pipe.onData = (buf, ack) => {
        if (settled) return ack();
        bytes += buf.length;
        onChunk?.(buf.length);
        writer.writeBytes(buf, ack); // acknowledged once written: memory stays bounded
      };
      pipe.onEnd = resolve;
    });
    // Never take a short read for the whole file.
    pipe.onError = (err) =>
      fail(
        new MonitorError(
          ErrorCodes.SNAPSHOT_WRITE_FAILED,
          `Reading the snapshot from its pipe failed (${err.message}); the partial file was removed.`,
        ),
      );
    let answer;
    try {
      answer = await client
        .send(
          'Runtime.evaluate',
          {
            expression: pipeExpression(path.join(dir, 'snapshot.fifo')),
            returnByValue: true,
            silent: true, // never stops a debugger set to pause on exceptions
          },
          { timeoutMs: 0 }, // F16: as long as the heap needs
        )
        .finally(resolveV8);
    } catch (err) {
      throw captureFailure(err);
    }
    if (settled) return;
    const value: unknown = answer.exceptionDetails ? undefined : answer.result.value;
    if (value !== 'ok') {
      const why =
        answer.exceptionDetails?.exception?.description?.split('\n')[0] ??
        answer.exceptionDetails?.text ??
        String(value);
      if (bytes === 0) throw new PipeUnavailableError(why);
      throw new MonitorError(
        ErrorCodes.PROTOCOL,
        `The target's writeHeapSnapshot failed after ${bytes} bytes: ${why}`,
      );
    }
    await ended; // what was still in the pipe
    if (settled) return;
    settled = true;
    offError();
    try {
      const { sizeBytes } = await writer.finish();
      await cleanUp();
      resolveResult({ sizeBytes, durationMs: now() - startedMs });
    } catch (err) {
      await cleanUp();
      rejectResult(err);
    }
  };
  void flow().catch(fail);

  return {
    result,
    v8Done,
    cancel: () =>
      fail(
        new MonitorError(
          ErrorCodes.SNAPSHOT_CANCELLED,
          'The heap snapshot was cancelled; the partial file was removed (the target stops at its next write).',
        ),
      ),
  };
}

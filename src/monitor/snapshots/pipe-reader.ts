// Drains the snapshot FIFO in a worker thread. Why: a Linux pipe holds 64 KB, about
// half a millisecond of the target's serializer, so any pause of the dashboard's own
// event loop (sampling, a scavenge, the UI bridge) made the target wait; read on the
// main thread the pipe capture took 1.05x of writeHeapSnapshot() in the benchmark,
// with the target's CPU time the same (1.01x). The worker does nothing else: it
// reads as the target writes and hands each piece over, pausing only when more than
// `maxOutstandingBytes` are not yet acknowledged (the main thread acknowledges what
// the capture writer has written), so memory stays bounded and backpressure still
// reaches the target when the disk is slow.
import { Worker } from 'node:worker_threads';

export interface PipeReader {
  /** Settles once the read end is open: the target may be asked to write then. */
  readonly opened: Promise<void>;
  /** Each piece, in order; call `ack` once it has been taken. */
  onData?: (chunk: Buffer, ack: () => void) => void;
  /** The writer side closed (the target finished or died), after the last piece. */
  onEnd?: () => void;
  onError?: (err: Error) => void;
  /** Closes the read end (the target's next write fails) and ends the worker. */
  stop(): Promise<void>;
}

// Plain JavaScript run with `eval: true`, so it needs no build step in any shell.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const net = require('node:net');
const { fifo, maxOutstandingBytes } = workerData;
let socket;
try {
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  socket = new net.Socket({ fd, readable: true, writable: false });
} catch (err) {
  parentPort.postMessage({ type: 'error', message: String(err && err.message) });
  process.exit(0);
}
let outstanding = 0;
socket.on('data', (buf) => {
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  outstanding += buf.length;
  parentPort.postMessage({ type: 'data', chunk: copy }, [copy]);
  if (outstanding > maxOutstandingBytes) socket.pause();
});
socket.on('end', () => parentPort.postMessage({ type: 'end' }));
socket.on('error', (err) => parentPort.postMessage({ type: 'error', message: String(err.message) }));
parentPort.on('message', (m) => {
  if (m.type === 'ack') {
    outstanding -= m.bytes;
    if (outstanding <= maxOutstandingBytes / 2 && socket.isPaused()) socket.resume();
  } else if (m.type === 'stop') {
    socket.destroy();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'open' });
`;

type FromWorker =
  | { type: 'open' }
  | { type: 'data'; chunk: ArrayBuffer }
  | { type: 'end' }
  | { type: 'error'; message: string };

export function startPipeReader(fifo: string, maxOutstandingBytes = 8 * 1024 * 1024): PipeReader {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { fifo, maxOutstandingBytes },
    // Small: it holds at most maxOutstandingBytes of pieces in flight.
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let resolveOpened!: () => void;
  let rejectOpened!: (err: Error) => void;
  const opened = new Promise<void>((res, rej) => {
    resolveOpened = res;
    rejectOpened = rej;
  });
  opened.catch(() => undefined);
  let isOpen = false;
  let done = false;
  const reader: PipeReader = {
    opened,
    async stop() {
      if (!done) {
        done = true;
        worker.postMessage({ type: 'stop' });
      }
      await exited;
    },
  };
  const fail = (err: Error): void => {
    if (done) return;
    done = true;
    if (!isOpen) rejectOpened(err);
    else reader.onError?.(err);
    void worker.terminate();
  };
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'open') {
      isOpen = true;
      resolveOpened();
    } else if (m.type === 'data') {
      const chunk = Buffer.from(m.chunk);
      reader.onData?.(chunk, () => {
        if (!done) worker.postMessage({ type: 'ack', bytes: chunk.length });
      });
    } else if (m.type === 'end') {
      if (done) return;
      done = true;
      reader.onEnd?.();
      worker.postMessage({ type: 'stop' });
    } else fail(new Error(m.message));
  });
  worker.on('error', (err) => fail(err));
  worker.on('exit', () => fail(new Error('the pipe reader stopped')));
  return reader;
}

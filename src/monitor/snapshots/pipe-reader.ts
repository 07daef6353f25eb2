// Drains the snapshot FIFO in a worker thread. Why: a Linux pipe holds 64 KB, about
// half a millisecond of the target's serializer, so any pause of the dashboard's own
// event loop (sampling, a scavenge, the UI bridge) made the target wait; read on the
// main thread the pipe capture took 1.05x of writeHeapSnapshot() in the benchmark,
// with the target's CPU time the same (1.01x). The worker does nothing else: it
// reads as the target writes and hands each piece over, pausing only when
// `maxOutstandingBytes` (in 64 KB slots) are not yet acknowledged (the main thread
// acknowledges what the capture writer has written), so memory stays bounded and
// backpressure still reaches the target when the disk is slow.
//
// Why a ring of slots in one SharedArrayBuffer, read into directly (net.Socket's
// `onread`): with a fresh buffer per read, copied and transferred to the main thread,
// every 64 KB piece left garbage in both isolates that only their GCs freed, and the
// dashboard's RSS grew by 55-66 MB capturing a 528 MB heap (975 MB file), over 100 MB
// when the writer is faster (test/integration/snapshot-memory.test.ts, F17: < 64 MB).
// Slots are reused once acknowledged, so nothing is allocated per piece.
import { Worker } from 'node:worker_threads';

export interface PipeReader {
  /** Settles once the read end is open: the target may be asked to write then. */
  readonly opened: Promise<void>;
  /**
   * Each piece, in order; call `ack` once it has been taken. The piece's memory is
   * reused after `ack`: copy it to keep it.
   */
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
const { fifo, ring, slotBytes } = workerData;
const slots = ring.byteLength / slotBytes;
const free = [];
for (let i = slots - 1; i >= 0; i--) free.push(i);
// The slot the next read goes into: never one that is out with the main thread.
let next = free.pop();
let paused = false;
let socket;
try {
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  socket = new net.Socket({
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: () => new Uint8Array(ring, next * slotBytes, slotBytes),
      callback(nread, buf) {
        parentPort.postMessage({ type: 'data', slot: buf.byteOffset / slotBytes, length: nread });
        next = free.pop();
        // The last free slot is the next read's: stop reading until some come back.
        if (free.length === 0) {
          paused = true;
          return false;
        }
        return true;
      },
    },
  });
} catch (err) {
  parentPort.postMessage({ type: 'error', message: String(err && err.message) });
  process.exit(0);
}
socket.on('end', () => parentPort.postMessage({ type: 'end' }));
socket.on('error', (err) => parentPort.postMessage({ type: 'error', message: String(err.message) }));
socket.resume();
parentPort.on('message', (m) => {
  if (m.type === 'ack') {
    free.push(m.slot);
    if (paused && free.length >= slots / 2) {
      paused = false;
      socket.resume();
    }
  } else if (m.type === 'stop') {
    socket.destroy();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'open' });
`;

/** What one read can bring: a Linux pipe's default capacity. */
const SLOT_BYTES = 64 * 1024;
const MIN_SLOTS = 4;

type FromWorker =
  | { type: 'open' }
  | { type: 'data'; slot: number; length: number }
  | { type: 'end' }
  | { type: 'error'; message: string };

export function startPipeReader(fifo: string, maxOutstandingBytes = 8 * 1024 * 1024): PipeReader {
  const slots = Math.max(MIN_SLOTS, Math.floor(maxOutstandingBytes / SLOT_BYTES));
  const ring = new SharedArrayBuffer(slots * SLOT_BYTES);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { fifo, ring, slotBytes: SLOT_BYTES },
    // Small: the pieces live in the ring, outside its heap.
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
      const chunk = Buffer.from(ring, m.slot * SLOT_BYTES, m.length);
      let acked = false; // a slot given back twice would be filled twice
      reader.onData?.(chunk, () => {
        if (acked) return;
        acked = true;
        if (!done) worker.postMessage({ type: 'ack', slot: m.slot });
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

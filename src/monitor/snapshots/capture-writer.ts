// Writes a heap snapshot as its chunks arrive (F17): to NAME.partial through one
// fs.WriteStream, renamed to NAME only when complete (F18). Chunks come as inspector
// events that cannot be paused, so what waits for the disk is bounded (maxQueuedBytes)
// and a disk that cannot keep up ends the capture with a clear error instead of growing
// the dashboard's memory. Chunks are never joined into one string. The pipe capture's
// bytes can wait, so they get real backpressure instead (writeBytes).
//
// Why a pool of reused write buffers: a chunk string held until its async write ends
// survives a scavenge or two and is promoted, so the old space of the dashboard grew by
// ~100 MB per 185 MB snapshot. Each chunk is copied into a pooled buffer at once
// instead; the string dies young and the buffers are reused.
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ErrorCodes, MonitorError } from '../../shared/errors';

export const PARTIAL_SUFFIX = '.partial';
export const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const POOL_BUFFER_BYTES = 1024 * 1024;

export interface CaptureWriterOptions {
  maxQueuedBytes?: number;
  /** Test seam: how the partial file is opened. */
  createStream?: (partialPath: string) => Writable;
}

export class CaptureWriter {
  readonly partialPath: string;
  #stream: Writable;
  #error: MonitorError | null = null;
  #closed = false;
  /** Set when the partial file existed already (another capture's): never delete it. */
  #notOurs = false;
  #bytesQueued = 0;
  #peakQueuedBytes = 0;
  #bytesWritten = 0;
  readonly #maxQueuedBytes: number;
  readonly #errorListeners = new Set<(err: MonitorError) => void>();
  readonly #streamDone: Promise<void>;
  /** Settles once the partial file is open (or opening it failed). */
  readonly opened: Promise<void>;
  /** Buffers back from the disk, ready for reuse, and the one being filled. */
  readonly #free: Buffer[] = [];
  #current: Buffer | null = null;
  #currentUsed = 0;

  constructor(
    readonly finalPath: string,
    options: CaptureWriterOptions = {},
  ) {
    this.partialPath = finalPath + PARTIAL_SUFFIX;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    const create =
      options.createStream ??
      ((p: string) => createWriteStream(p, { flags: 'wx', highWaterMark: 1024 * 1024 }));
    this.#stream = create(this.partialPath);
    this.#streamDone = new Promise<void>((resolve) => {
      this.#stream.once('close', () => resolve());
    });
    this.opened = new Promise<void>((resolve) => {
      this.#stream.once('open', () => resolve());
      this.#stream.once('close', () => resolve());
    });
    this.#stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') this.#notOurs = true;
      this.#fail(
        new MonitorError(
          ErrorCodes.SNAPSHOT_WRITE_FAILED,
          `Writing the snapshot to ${this.partialPath} failed: ${err.code ?? ''} ${err.message}`.trim(),
          { cause: err },
        ),
      );
    });
  }

  get error(): MonitorError | null {
    return this.#error;
  }
  /** Bytes handed to the OS so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }
  /** Bytes received but not yet written, now and at most. */
  get queuedBytes(): number {
    return this.#bytesQueued;
  }
  get peakQueuedBytes(): number {
    return this.#peakQueuedBytes;
  }

  onError(listener: (err: MonitorError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Synchronous: called from the inspector's event listener. Ignored after a failure. */
  write(chunk: string): void {
    if (this.#error || this.#closed) return;
    const bytes = Buffer.byteLength(chunk, 'utf8');
    if (this.#current && this.#currentUsed + bytes > this.#current.length) this.#flushCurrent();
    if (this.#queue(bytes)) return;
    if (bytes > POOL_BUFFER_BYTES) {
      this.#send(Buffer.from(chunk, 'utf8'), bytes, null);
      return;
    }
    this.#current ??= this.#free.pop() ?? Buffer.allocUnsafe(POOL_BUFFER_BYTES);
    this.#current.write(chunk, this.#currentUsed, 'utf8');
    this.#currentUsed += bytes;
    // Full enough that the next chunk (about 100 KB) would not fit: send it now.
    if (this.#currentUsed > POOL_BUFFER_BYTES - 128 * 1024) this.#flushCurrent();
  }

  /**
   * Bytes from a source that can wait (the pipe capture), written as they are, no copy;
   * `onWritten` runs once they are on their way to disk (or dropped after a failure).
   * The source holds back what is not yet written, so the bound is never reached.
   */
  writeBytes(data: Buffer, onWritten: () => void): void {
    if (this.#error || this.#closed || this.#queue(data.length)) {
      onWritten();
      return;
    }
    this.#flushCurrent();
    this.#send(data, data.length, null, onWritten);
  }

  get maxQueuedBytes(): number {
    return this.#maxQueuedBytes;
  }

  /** Accounts bytes received and not yet on disk; true when over the bound (failed). */
  #queue(bytes: number): boolean {
    this.#bytesQueued += bytes;
    if (this.#bytesQueued > this.#peakQueuedBytes) this.#peakQueuedBytes = this.#bytesQueued;
    if (this.#bytesQueued <= this.#maxQueuedBytes) return false;
    this.#fail(
      new MonitorError(
        ErrorCodes.SNAPSHOT_WRITE_FAILED,
        `The disk could not keep up with the snapshot (more than ${Math.round(this.#maxQueuedBytes / 1048576)} MB waiting to be written).`,
      ),
    );
    return true;
  }

  #flushCurrent(): void {
    const buf = this.#current;
    if (!buf || this.#currentUsed === 0) return;
    const used = this.#currentUsed;
    this.#current = null;
    this.#currentUsed = 0;
    this.#send(buf.subarray(0, used), used, buf);
  }

  #send(data: Buffer, bytes: number, pooled: Buffer | null, onWritten?: () => void): void {
    this.#stream.write(data, (err) => {
      this.#bytesQueued -= bytes;
      if (!err) this.#bytesWritten += bytes;
      // Keep a few for reuse; the queue bound caps how many exist at once.
      if (pooled && this.#free.length < 4) this.#free.push(pooled);
      onWritten?.();
    });
  }

  /** Flushes, closes and renames the partial file; on any failure removes it and throws. */
  async finish(): Promise<{ sizeBytes: number }> {
    if (this.#error) {
      await this.abort();
      throw this.#error;
    }
    this.#flushCurrent();
    this.#closed = true;
    await new Promise<void>((resolve) => {
      this.#stream.end(() => resolve());
      this.#stream.once('error', () => resolve());
    });
    await this.#streamDone;
    if (this.#error) {
      await this.#removePartial();
      throw this.#error;
    }
    try {
      await rename(this.partialPath, this.finalPath);
    } catch (err) {
      await this.#removePartial();
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_WRITE_FAILED,
        `Could not move the finished snapshot to ${this.finalPath}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return { sizeBytes: this.#bytesWritten };
  }

  /** Stops writing and deletes the partial file. Idempotent. */
  async abort(): Promise<void> {
    this.#closed = true;
    if (!this.#stream.destroyed) this.#stream.destroy();
    await this.#streamDone;
    await this.#removePartial();
  }

  #fail(err: MonitorError): void {
    if (this.#error) return;
    this.#error = err;
    this.#closed = true;
    if (!this.#stream.destroyed) this.#stream.destroy();
    for (const l of [...this.#errorListeners]) l(err);
  }

  async #removePartial(): Promise<void> {
    if (this.#notOurs) return;
    try {
      await unlink(this.partialPath);
    } catch {
      // never created, or already gone
    }
  }
}

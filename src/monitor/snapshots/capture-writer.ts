// Writes a heap snapshot as its chunks arrive (F17): to NAME.partial through one
// fs.WriteStream, renamed to NAME only when complete (F18). Chunks come as inspector
// events that cannot be paused, so the stream's own buffer is the queue: it is bounded
// (maxQueuedBytes) and a disk that cannot keep up ends the capture with a clear error
// instead of growing the dashboard's memory. Chunks are never joined.
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { ErrorCodes, MonitorError } from '../../shared/errors';

export const PARTIAL_SUFFIX = '.partial';
export const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;

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
    this.#bytesQueued += bytes;
    if (this.#bytesQueued > this.#peakQueuedBytes) this.#peakQueuedBytes = this.#bytesQueued;
    if (this.#bytesQueued > this.#maxQueuedBytes) {
      this.#fail(
        new MonitorError(
          ErrorCodes.SNAPSHOT_WRITE_FAILED,
          `The disk could not keep up with the snapshot (more than ${Math.round(this.#maxQueuedBytes / 1048576)} MB waiting to be written).`,
        ),
      );
      return;
    }
    this.#stream.write(chunk, 'utf8', (err) => {
      this.#bytesQueued -= bytes;
      if (!err) this.#bytesWritten += bytes;
    });
  }

  /** Flushes, closes and renames the partial file; on any failure removes it and throws. */
  async finish(): Promise<{ sizeBytes: number }> {
    if (this.#error) {
      await this.abort();
      throw this.#error;
    }
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

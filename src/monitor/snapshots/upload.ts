// Imports a snapshot sent in pieces (the desktop's drag and drop: a browser page cannot
// read a dropped file's path). Pieces arrive in order as base64 of at most 512 KB, are
// written at their offset to a hidden partial file in the library folder, and the file
// joins the library only after its size and header check out. Bounded: two uploads at
// a time, each at most its announced size. An upload that receives no piece for
// idleTimeoutMs (30 s) is ended: its partial file is deleted and its slot freed, so a
// client that went away never blocks later imports. The browser shell's bridge also
// aborts a connection's uploads as soon as its WebSocket closes.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { SnapshotRecord } from '../../shared/heap-tools-model';
import { checkSnapshotHeader, type SnapshotLibrary } from './library';

export const UPLOAD_CHUNK_MAX_BYTES = 512 * 1024;
export const MAX_UPLOADS = 2;
const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;
/** An upload with no piece for this long is ended and its partial file deleted. */
export const UPLOAD_IDLE_TIMEOUT_MS = 30_000;
/** Uploads ended by the idle timeout that a late piece is still told about. */
const MAX_EXPIRED_REMEMBERED = 32;

export interface SnapshotUploadsOptions {
  /** Default UPLOAD_IDLE_TIMEOUT_MS; tests shorten it. */
  idleTimeoutMs?: number;
}

interface Upload {
  id: string;
  fileName: string;
  partial: string;
  expectedBytes: number;
  receivedBytes: number;
  file: FileHandle;
  /** One piece at a time: a second one while writing is refused, never interleaved. */
  writing: boolean;
  /** Ends the upload when no piece arrives in time; not armed while a piece is written. */
  idleTimer: ReturnType<typeof setTimeout> | null;
}

const bad = (message: string): MonitorError => new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
const formatSeconds = (ms: number): string =>
  ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class SnapshotUploads {
  readonly #uploads = new Map<string, Upload>();
  /** Ids ended by the idle timeout (oldest first), so a late piece gets a clear error. */
  readonly #expired = new Set<string>();
  readonly #idleTimeoutMs: number;

  constructor(
    private readonly library: SnapshotLibrary,
    private readonly now: () => number = Date.now,
    options: SnapshotUploadsOptions = {},
  ) {
    const t = options.idleTimeoutMs ?? UPLOAD_IDLE_TIMEOUT_MS;
    if (!Number.isFinite(t) || t <= 0) throw bad('idleTimeoutMs must be more than 0.');
    this.#idleTimeoutMs = t;
  }

  /** Uploads in progress (each holds a slot and a partial file). */
  get activeCount(): number {
    return this.#uploads.size;
  }

  async begin(fileName: unknown, sizeBytes: unknown): Promise<{ uploadId: string }> {
    if (typeof fileName !== 'string' || fileName.length === 0 || fileName.length > 255) {
      throw bad('fileName must be a file name of 1 to 255 characters.');
    }
    if (
      typeof sizeBytes !== 'number' ||
      !Number.isSafeInteger(sizeBytes) ||
      sizeBytes <= 0 ||
      sizeBytes > MAX_UPLOAD_BYTES
    ) {
      throw bad('sizeBytes must be the file size in bytes (more than 0).');
    }
    if (this.#uploads.size >= MAX_UPLOADS) {
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_IN_PROGRESS,
        `At most ${MAX_UPLOADS} snapshot imports at a time; wait for one to finish.`,
      );
    }
    const dir = await this.library.ensureDir();
    const id = randomBytes(8).toString('hex');
    const partial = path.join(dir, `.upload-${id}.partial`);
    const file = await open(partial, 'wx');
    const u: Upload = {
      id,
      fileName: path.basename(fileName.replace(/\\/g, '/')).slice(0, 200) || 'upload.heapsnapshot',
      partial,
      expectedBytes: sizeBytes,
      receivedBytes: 0,
      file,
      writing: false,
      idleTimer: null,
    };
    this.#uploads.set(id, u);
    this.#arm(u);
    return { uploadId: id };
  }

  async chunk(
    uploadId: unknown,
    offset: unknown,
    dataBase64: unknown,
  ): Promise<{ receivedBytes: number }> {
    const u = this.#get(uploadId);
    if (typeof dataBase64 !== 'string' || !BASE64.test(dataBase64)) {
      throw bad('dataBase64 must be base64 text.');
    }
    if (dataBase64.length > Math.ceil(UPLOAD_CHUNK_MAX_BYTES / 3) * 4) {
      throw bad(`A piece is at most ${UPLOAD_CHUNK_MAX_BYTES} bytes.`);
    }
    if (offset !== u.receivedBytes) {
      throw bad(`Expected the piece at offset ${u.receivedBytes}; pieces must come in order.`);
    }
    if (u.writing)
      throw bad('The previous piece is still being written; send pieces one at a time.');
    const data = Buffer.from(dataBase64, 'base64');
    if (u.receivedBytes + data.length > u.expectedBytes) {
      await this.#drop(u);
      throw bad(
        `The upload is larger than the announced ${u.expectedBytes} bytes; it was dropped.`,
      );
    }
    u.writing = true;
    this.#disarm(u);
    try {
      await u.file.write(data, 0, data.length, u.receivedBytes);
    } catch (err) {
      await this.#drop(u);
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_WRITE_FAILED,
        `Writing the imported snapshot failed: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      u.writing = false;
    }
    u.receivedBytes += data.length;
    // Aborted (its socket closed) while the piece was written: it stays ended.
    if (this.#uploads.get(u.id) === u) this.#arm(u);
    return { receivedBytes: u.receivedBytes };
  }

  async finish(uploadId: unknown): Promise<SnapshotRecord> {
    const u = this.#get(uploadId);
    if (u.receivedBytes !== u.expectedBytes) {
      throw bad(
        `Only ${u.receivedBytes} of ${u.expectedBytes} bytes arrived; send the rest first.`,
      );
    }
    this.#uploads.delete(u.id);
    this.#disarm(u);
    await u.file.close();
    try {
      await checkSnapshotHeader(u.partial);
      const nowMs = this.now();
      const slot = this.library.allocate(nowMs, null);
      await rename(u.partial, slot.path);
      return await this.library.add({
        id: slot.id,
        fileName: slot.fileName,
        path: slot.path,
        source: 'imported',
        createdAtMs: nowMs,
        sizeBytes: u.receivedBytes,
        heapUsedBytes: null,
        pid: null,
        title: u.fileName,
        durationMs: null,
      });
    } finally {
      await unlink(u.partial).catch(() => undefined);
    }
  }

  async abort(uploadId: unknown): Promise<null> {
    const u = this.#uploads.get(String(uploadId));
    if (u) await this.#drop(u);
    return null;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.#uploads.values()].map((u) => this.#drop(u)));
  }

  #get(uploadId: unknown): Upload {
    const u = typeof uploadId === 'string' ? this.#uploads.get(uploadId) : undefined;
    if (u) return u;
    if (typeof uploadId === 'string' && this.#expired.has(uploadId)) {
      throw new MonitorError(
        ErrorCodes.TIMEOUT,
        `The snapshot import was ended after ${formatSeconds(this.#idleTimeoutMs)} without data and its partial file deleted; start the import again.`,
      );
    }
    throw new MonitorError(ErrorCodes.SNAPSHOT_NOT_FOUND, 'No such snapshot import in progress.');
  }

  #arm(u: Upload): void {
    this.#disarm(u);
    u.idleTimer = setTimeout(() => this.#expire(u), this.#idleTimeoutMs);
    // Never what keeps a CLI or a test process alive; dispose() ends the uploads anyway.
    u.idleTimer.unref();
  }

  #disarm(u: Upload): void {
    if (u.idleTimer !== null) clearTimeout(u.idleTimer);
    u.idleTimer = null;
  }

  #expire(u: Upload): void {
    u.idleTimer = null;
    if (this.#uploads.get(u.id) !== u || u.writing) return;
    this.#expired.add(u.id);
    if (this.#expired.size > MAX_EXPIRED_REMEMBERED) {
      this.#expired.delete(this.#expired.values().next().value!);
    }
    void this.#drop(u);
  }

  async #drop(u: Upload): Promise<void> {
    this.#uploads.delete(u.id);
    this.#disarm(u);
    await u.file.close().catch(() => undefined);
    await unlink(u.partial).catch(() => undefined);
  }
}

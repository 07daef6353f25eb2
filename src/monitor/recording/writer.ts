// Append-only, batched writer of one recording file. Lines are queued in memory and
// appended on a timer (never a sync write per sample), so a crash loses at most one
// flush interval. A file that reaches maxFileBytes is rotated: the full file becomes
// NAME.prev.ndjson (replacing an older one) and a new file starts with a header, so
// one target never holds more than two files' worth of disk.
import { appendFile, rename, stat } from 'node:fs/promises';
import { RECORDING_EXTENSION } from './format';

export const DEFAULT_FLUSH_INTERVAL_MS = 2_000;
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Lines kept while the disk refuses writes; older ones are dropped (counted). */
const MAX_PENDING_LINES = 20_000;

export interface WriterOptions {
  flushIntervalMs?: number;
  maxFileBytes?: number;
  /** The header line for a new (or rotated) file; part is 0 for the first file. */
  header: (part: number) => string;
}

export function previousPartPath(file: string): string {
  return file.endsWith(RECORDING_EXTENSION)
    ? file.slice(0, -RECORDING_EXTENSION.length) + '.prev' + RECORDING_EXTENSION
    : file + '.prev';
}

export class RecordingWriter {
  readonly #pending: string[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #maxFileBytes: number;
  #writing: Promise<void> | null = null;
  #bytes = 0;
  #part = 0;
  #closed = false;
  droppedLines = 0;
  lastError: Error | null = null;

  constructor(
    readonly path: string,
    private readonly options: WriterOptions,
  ) {
    this.#maxFileBytes = Math.max(4096, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    this.#pending.push(options.header(0));
    this.#timer = setInterval(
      () => void this.flush(),
      Math.max(10, options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS),
    );
    this.#timer.unref();
  }

  get bytesWritten(): number {
    return this.#bytes;
  }

  write(line: string): void {
    if (this.#closed) return;
    this.#pending.push(line);
    if (this.#pending.length > MAX_PENDING_LINES) {
      // Keep the header (index 0 until the first successful write) readable.
      const drop = this.#pending.length - MAX_PENDING_LINES;
      this.#pending.splice(1, drop);
      this.droppedLines += drop;
    }
  }

  /** Appends everything queued; one append at a time, in order. */
  flush(): Promise<void> {
    if (this.#writing) return this.#writing.then(() => this.flush());
    if (this.#pending.length === 0) return Promise.resolve();
    const lines = this.#pending.splice(0, this.#pending.length);
    this.#writing = this.#append(lines).finally(() => {
      this.#writing = null;
    });
    return this.#writing;
  }

  /** Writes the last lines; later writes are ignored. */
  async close(lastLine?: string): Promise<void> {
    if (this.#closed) return;
    if (lastLine) this.#pending.push(lastLine);
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
  }

  async #append(lines: string[]): Promise<void> {
    const text = lines.join('\n') + '\n';
    try {
      if (this.#bytes > 0 && this.#bytes + text.length > this.#maxFileBytes) await this.#rotate();
      await appendFile(this.path, text, { encoding: 'utf8', mode: 0o600 });
      this.#bytes += Buffer.byteLength(text);
      this.lastError = null;
    } catch (err) {
      // Keep the lines for the next tick (disk full may pass); bounded by write().
      this.lastError = err as Error;
      this.#pending.unshift(...lines);
    }
  }

  async #rotate(): Promise<void> {
    await rename(this.path, previousPartPath(this.path));
    this.#part++;
    this.#bytes = 0;
    await appendFile(this.path, this.options.header(this.#part) + '\n', { mode: 0o600 });
    this.#bytes = (await stat(this.path)).size;
  }
}

// The 'recording' session feature: every attached session is written to disk as it
// runs (F28). Samples and every per-target event (alert, leak, pools, snapshot, …
// whatever features emit with this targetId) are queued and appended by a
// RecordingWriter on a timer. It also keeps the session's events in memory (bounded)
// so a report of a live target can show them.
import { mkdirSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EVENT_NAMES, type EventName } from '../../shared/contract';
import type { Sample, TargetInfo } from '../../shared/model';
import type { RecordedEvent } from '../../shared/report-model';
import type { SessionContext, SessionFeature } from '../features/session-feature';
import { NOT_TARGET_EVENTS } from '../report/event-log';
import type { RecordingOptions } from './recording-options';

export type { RecordingOptions } from './recording-options';
import {
  RECORDING_EXTENSION,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  encodeLine,
  encodeSample,
} from './format';
import { RecordingWriter } from './writer';

export const RECORDING_FEATURE = 'recording';
export const DEFAULT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/** Recordings live in the recordings/ folder of the data dir shared with the snapshot library. */
export function defaultDataDir(root?: string): string {
  const env = process.env.RESDASH_DATA_DIR;
  const base = root ?? (env && env.length > 0 ? env : path.join(os.homedir(), '.resdash'));
  return path.join(base, 'recordings');
}

/** Target titles are hostile: only a safe subset reaches a file name. */
export function recordingFileName(info: TargetInfo, startedAtMs: number): string {
  const stamp = new Date(startedAtMs).toISOString().replace(/[:.]/g, '-');
  const title = info.title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'target';
  return `${stamp}-${title}-pid${info.pid ?? 'x'}-${info.id}${RECORDING_EXTENSION}`;
}

/** Deletes the oldest recordings until the directory holds at most maxTotalBytes. */
export async function pruneDataDir(
  dir: string,
  maxTotalBytes: number,
  keep: string,
): Promise<number> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(RECORDING_EXTENSION));
  const files = (
    await Promise.all(
      names.map(async (n) => {
        const p = path.join(dir, n);
        try {
          const st = await stat(p);
          return { p, size: st.size, mtimeMs: st.mtimeMs };
        } catch {
          return null;
        }
      }),
    )
  ).filter((f): f is { p: string; size: number; mtimeMs: number } => f !== null);
  files.sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = files.reduce((n, f) => n + f.size, 0);
  let removed = 0;
  for (const f of files) {
    if (total <= maxTotalBytes) break;
    if (f.p === keep) continue;
    await unlink(f.p).catch(() => undefined);
    total -= f.size;
    removed++;
  }
  return removed;
}

export class RecordingFeature implements SessionFeature {
  readonly name = RECORDING_FEATURE;
  readonly path: string;
  readonly #writer: RecordingWriter;
  readonly #unsubscribe: Array<() => void> = [];

  constructor(
    private readonly ctx: SessionContext,
    options: RecordingOptions = {},
  ) {
    const startedAtMs = ctx.now();
    const dir = options.dataDir ?? defaultDataDir();
    this.path = options.pathFor
      ? path.resolve(options.pathFor(ctx.info))
      : path.join(dir, recordingFileName(ctx.info, startedAtMs));
    // Once per session, not per sample: the directory must exist before the first append.
    mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
    const target = { ...ctx.info, warnings: [...ctx.info.warnings] };
    this.#writer = new RecordingWriter(this.path, {
      flushIntervalMs: options.flushIntervalMs,
      maxFileBytes: options.maxFileBytes,
      header: (part) =>
        encodeLine({
          type: 'header',
          format: RECORDING_FORMAT,
          version: RECORDING_VERSION,
          startedAtMs,
          target,
          ...(part > 0 ? { part } : {}),
        }),
    });
    if (!options.pathFor) {
      void pruneDataDir(dir, options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES, this.path).catch(
        () => undefined,
      );
    }
    for (const event of EVENT_NAMES) {
      if (NOT_TARGET_EVENTS.has(event)) continue;
      this.#unsubscribe.push(ctx.on(event, (payload) => this.#onEvent(event, payload)));
    }
  }

  onSample(sample: Sample): void {
    this.#writer.write(encodeSample(sample));
  }

  get lastError(): Error | null {
    return this.#writer.lastError;
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  async dispose(): Promise<void> {
    for (const u of this.#unsubscribe.splice(0)) u();
    await this.#writer.close(
      encodeLine({
        type: 'end',
        atMs: this.ctx.now(),
        reason: this.ctx.info.detachReason ?? 'Recording stopped.',
      }),
    );
  }

  #onEvent(event: EventName, payload: unknown): void {
    if (!payload || typeof payload !== 'object') return;
    if ((payload as { targetId?: unknown }).targetId !== this.ctx.targetId) return;
    const rec: RecordedEvent = { type: event, atMs: this.ctx.now(), data: payload };
    this.#writer.write(encodeLine(rec));
  }
}

/** The factory in features/index.ts: off when the monitor was created with recording: false. */
export function recordingFeature(ctx: SessionContext): RecordingFeature | null {
  const options = ctx.monitorOptions.recording;
  if (options === false) return null;
  const dataDir = options?.dataDir ?? defaultDataDir(ctx.monitorOptions.dataDir);
  return new RecordingFeature(ctx, { ...options, dataDir });
}

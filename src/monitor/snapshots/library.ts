// The snapshot library: captured and imported .heapsnapshot files in one folder, each
// with a small JSON sidecar (time, size, heap at capture, pid). No shared index file,
// so the CLI and the desktop can add to the same folder at once.
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import {
  copyFile,
  mkdir,
  readFile,
  readdir,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { SnapshotRecord } from '../../shared/heap-tools-model';

export const SNAPSHOT_EXT = '.heapsnapshot';
const SIDECAR_EXT = '.json';
const ID_RE = /^[A-Za-z0-9_-]{1,120}$/;
const MAX_SIDECAR_BYTES = 64 * 1024;

/** $RESDASH_DATA_DIR, else ~/.resdash. Snapshots live in its snapshots/ folder. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.RESDASH_DATA_DIR;
  return fromEnv && fromEnv.trim() ? path.resolve(fromEnv) : path.join(os.homedir(), '.resdash');
}

export function isSnapshotId(v: unknown): v is string {
  return typeof v === 'string' && ID_RE.test(v);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export class SnapshotLibrary {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'snapshots');
  }

  async ensureDir(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return this.dir;
  }

  /**
   * A fresh id and the final path for a new file (nothing is created yet). A worker
   * thread's snapshot is named after it: `…-PID-tTHREADID-…`.
   */
  allocate(
    nowMs: number,
    pid: number | null,
    threadId?: number,
  ): { id: string; fileName: string; path: string } {
    const thread = threadId === undefined ? '' : `-t${threadId}`;
    const id = `${stamp(nowMs)}-${pid ?? 'x'}${thread}-${randomBytes(3).toString('hex')}`;
    const fileName = id + SNAPSHOT_EXT;
    return { id, fileName, path: path.join(this.dir, fileName) };
  }

  async add(record: SnapshotRecord): Promise<SnapshotRecord> {
    const tmp = path.join(this.dir, record.id + SIDECAR_EXT + '.tmp');
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, path.join(this.dir, record.id + SIDECAR_EXT));
    return record;
  }

  /** Newest first. Unreadable sidecars and sidecars whose file is gone are skipped. */
  async list(): Promise<SnapshotRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: SnapshotRecord[] = [];
    for (const name of names) {
      if (!name.endsWith(SIDECAR_EXT)) continue;
      const id = name.slice(0, -SIDECAR_EXT.length);
      if (!isSnapshotId(id)) continue;
      const rec = await this.#read(id);
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  async get(id: unknown): Promise<SnapshotRecord> {
    if (!isSnapshotId(id)) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'A snapshot id is letters, digits, - and _.');
    }
    const rec = await this.#read(id);
    if (!rec)
      throw new MonitorError(ErrorCodes.SNAPSHOT_NOT_FOUND, `No snapshot ${id} in ${this.dir}.`);
    return rec;
  }

  async remove(id: unknown): Promise<void> {
    const rec = await this.get(id);
    await unlink(rec.path).catch(() => undefined);
    await unlink(path.join(this.dir, rec.id + SIDECAR_EXT));
  }

  /** Forgets an entry but leaves its file where it is (the CLI's -o moved it). */
  async forget(id: string): Promise<void> {
    await unlink(path.join(this.dir, id + SIDECAR_EXT)).catch(() => undefined);
  }

  /** Copies a .heapsnapshot from anywhere into the library after a header check. */
  async importFile(source: unknown, nowMs = Date.now()): Promise<SnapshotRecord> {
    if (typeof source !== 'string' || source.length === 0 || source.length > 4096) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'Import needs the path of a .heapsnapshot file.',
      );
    }
    const abs = path.resolve(source);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `Cannot read ${abs}: no such file.`);
    }
    if (!info.isFile()) throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${abs} is not a file.`);
    await checkSnapshotHeader(abs);
    await this.ensureDir();
    const slot = this.allocate(nowMs, null);
    const tmp = slot.path + '.partial';
    try {
      await copyFile(abs, tmp, constants.COPYFILE_EXCL);
      await rename(tmp, slot.path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_WRITE_FAILED,
        `Copying ${abs} into the library failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return this.add({
      id: slot.id,
      fileName: slot.fileName,
      path: slot.path,
      source: 'imported',
      createdAtMs: nowMs,
      sizeBytes: info.size,
      heapUsedBytes: null,
      pid: null,
      title: path.basename(abs).slice(0, 200),
      durationMs: null,
    });
  }

  async #read(id: string): Promise<SnapshotRecord | null> {
    try {
      const file = path.join(this.dir, id + SIDECAR_EXT);
      const s = await stat(file);
      if (s.size > MAX_SIDECAR_BYTES) return null;
      const v = JSON.parse(await readFile(file, 'utf8')) as Partial<SnapshotRecord>;
      if (v.id !== id || typeof v.fileName !== 'string' || typeof v.createdAtMs !== 'number')
        return null;
      const filePath = path.join(this.dir, path.basename(v.fileName));
      const size = (await stat(filePath)).size;
      return {
        id,
        fileName: path.basename(v.fileName),
        path: filePath,
        source: v.source === 'imported' ? 'imported' : 'captured',
        createdAtMs: v.createdAtMs,
        sizeBytes: size,
        heapUsedBytes: typeof v.heapUsedBytes === 'number' ? v.heapUsedBytes : null,
        pid: typeof v.pid === 'number' ? v.pid : null,
        ...(Number.isSafeInteger(v.threadId) ? { threadId: v.threadId } : {}),
        ...(typeof v.threadName === 'string' ? { threadName: v.threadName.slice(0, 200) } : {}),
        title: typeof v.title === 'string' ? v.title.slice(0, 300) : '',
        durationMs: typeof v.durationMs === 'number' ? v.durationMs : null,
      };
    } catch {
      return null;
    }
  }
}

const HEADER_BYTES = 64 * 1024;

/** Cheap check that a file starts like a V8 heap snapshot; full validation is the analysis'. */
export async function checkSnapshotHeader(file: string): Promise<void> {
  const head = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = createReadStream(file, { start: 0, end: HEADER_BYTES - 1 });
    s.on('data', (c) => chunks.push(c as Buffer));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
  const compact = head.replace(/\s+/g, '');
  if (!compact.startsWith('{"snapshot":{') || !compact.includes('"node_fields":[')) {
    throw new MonitorError(
      ErrorCodes.SNAPSHOT_INVALID,
      `${path.basename(file)} does not look like a V8 heap snapshot (no snapshot.meta header).`,
    );
  }
}

// Snapshot uploads that go quiet: the idle timeout ends them (partial file deleted,
// slot freed), a piece in time keeps them alive, a late piece gets a clear error.
// The clock is faked so "in time" and "too late" are exact, not raced.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { SnapshotLibrary } from './library';
import { MAX_UPLOADS, SnapshotUploads, UPLOAD_IDLE_TIMEOUT_MS } from './upload';

let dataDir: string;
let library: SnapshotLibrary;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-upload-'));
  library = new SnapshotLibrary(dataDir);
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dataDir, { recursive: true, force: true });
});

const partials = async (): Promise<string[]> =>
  (await readdir(library.dir)).filter((n) => n.endsWith('.partial')).sort();
const partialOf = (id: string): string => path.join(library.dir, `.upload-${id}.partial`);
const piece = (text: string): string => Buffer.from(text).toString('base64');

describe('snapshot upload idle timeout', () => {
  it('is 30 s by default and must be positive', () => {
    expect(UPLOAD_IDLE_TIMEOUT_MS).toBe(30_000);
    expect(() => new SnapshotUploads(library, Date.now, { idleTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT }),
    );
  });

  it('ends an upload that gets no piece in time; a piece in time keeps one alive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const uploads = new SnapshotUploads(library, Date.now, { idleTimeoutMs: 1_000 });
    const a = (await uploads.begin('a.heapsnapshot', 100)).uploadId;
    const b = (await uploads.begin('b.heapsnapshot', 100)).uploadId;
    expect(MAX_UPLOADS).toBe(2);
    await expect(uploads.begin('c.heapsnapshot', 100)).rejects.toMatchObject({
      code: ErrorCodes.SNAPSHOT_IN_PROGRESS,
    });
    expect(await partials()).toEqual([`.upload-${a}.partial`, `.upload-${b}.partial`].sort());

    vi.advanceTimersByTime(600);
    await uploads.chunk(a, 0, piece('{"snapshot":')); // a's clock starts again
    vi.advanceTimersByTime(600); // b: 1200 ms without a piece; a: 600 ms
    expect(uploads.activeCount).toBe(1);
    await expect(uploads.chunk(b, 0, piece('late'))).rejects.toMatchObject({
      code: ErrorCodes.TIMEOUT,
      message:
        'The snapshot import was ended after 1 s without data and its partial file deleted; start the import again.',
    });
    // The freed slot takes a new upload.
    const c = (await uploads.begin('c.heapsnapshot', 100)).uploadId;
    await expect(uploads.chunk(a, 12, piece('{"meta":'))).resolves.toEqual({ receivedBytes: 20 });

    vi.advanceTimersByTime(999);
    expect(uploads.activeCount).toBe(2);
    vi.advanceTimersByTime(1); // a and c: 1000 ms idle each
    expect(uploads.activeCount).toBe(0);
    await expect(uploads.finish(a)).rejects.toMatchObject({ code: ErrorCodes.TIMEOUT });

    vi.useRealTimers();
    // The partial files go as well (their deletion is real I/O, not on the fake clock).
    await vi.waitFor(() => {
      for (const id of [a, b, c]) expect(existsSync(partialOf(id))).toBe(false);
    });
    expect(await partials()).toEqual([]);
    await uploads.dispose();
  });

  it('a finished or aborted upload leaves no timer behind to fire', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const uploads = new SnapshotUploads(library, Date.now, { idleTimeoutMs: 1_000 });
    const a = (await uploads.begin('a.heapsnapshot', 100)).uploadId;
    expect(vi.getTimerCount()).toBe(1);
    await uploads.abort(a);
    expect(vi.getTimerCount()).toBe(0);
    // An aborted upload is simply gone, not "timed out".
    await expect(uploads.chunk(a, 0, piece('x'))).rejects.toMatchObject({
      code: ErrorCodes.SNAPSHOT_NOT_FOUND,
    });
    const text = '{"snapshot":{"meta":{"node_fields":["type"]}},"nodes":[]}';
    const b = (await uploads.begin('b.heapsnapshot', text.length)).uploadId;
    await uploads.chunk(b, 0, piece(text));
    const rec = await uploads.finish(b);
    expect(rec).toMatchObject({ source: 'imported', title: 'b.heapsnapshot' });
    expect(vi.getTimerCount()).toBe(0);
    expect(await partials()).toEqual([]);
  });
});

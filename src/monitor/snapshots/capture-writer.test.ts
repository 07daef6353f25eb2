import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { CaptureWriter } from './capture-writer';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'resdash-cw-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('CaptureWriter', () => {
  it('writes chunks in order to NAME.partial and renames it when complete', async () => {
    const dir = await tmp();
    const w = new CaptureWriter(path.join(dir, 's.heapsnapshot'));
    w.write('{"snapshot":');
    w.write('{}}');
    expect(await w.finish()).toEqual({ sizeBytes: 15 });
    expect(await readdir(dir)).toEqual(['s.heapsnapshot']);
    expect(await readFile(path.join(dir, 's.heapsnapshot'), 'utf8')).toBe('{"snapshot":{}}');
  });

  it('bounds what waits for a slow disk: over the limit it fails and removes the partial (backpressure)', async () => {
    const dir = await tmp();
    const pending: Array<() => void> = [];
    const errors: string[] = [];
    const w = new CaptureWriter(path.join(dir, 's.heapsnapshot'), {
      maxQueuedBytes: 1000,
      // A disk that never finishes a write until released.
      createStream: () =>
        new Writable({
          highWaterMark: 10,
          write(_c, _e, cb) {
            pending.push(() => cb());
          },
        }),
    });
    w.onError((e) => errors.push(e.code));
    for (let i = 0; i < 9; i++) w.write('x'.repeat(100));
    expect(w.queuedBytes).toBe(900);
    expect(w.error).toBeNull();
    w.write('x'.repeat(200));
    expect(errors).toEqual([ErrorCodes.SNAPSHOT_WRITE_FAILED]);
    expect(w.error?.message).toMatch(/could not keep up/);
    expect(w.peakQueuedBytes).toBe(1100);
    w.write('ignored after failure');
    await expect(w.finish()).rejects.toMatchObject({ code: ErrorCodes.SNAPSHOT_WRITE_FAILED });
  });

  it('abort (cancel) deletes the partial file and ignores later chunks', async () => {
    const dir = await tmp();
    const w = new CaptureWriter(path.join(dir, 's.heapsnapshot'));
    w.write('partial data');
    await w.abort();
    w.write('late chunk');
    expect(await readdir(dir)).toEqual([]);
  });

  it('a write error (disk full) fails with a clear code and leaves no partial file', async () => {
    const dir = await tmp();
    const w = new CaptureWriter(path.join(dir, 's.heapsnapshot'), {
      createStream: () =>
        new Writable({
          write(_c, _e, cb) {
            cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
          },
        }),
    });
    const seen: string[] = [];
    w.onError((e) => seen.push(e.code));
    w.write('chunk');
    await expect(w.finish()).rejects.toMatchObject({
      code: ErrorCodes.SNAPSHOT_WRITE_FAILED,
      message: expect.stringMatching(/ENOSPC/),
    });
    expect(seen).toEqual([ErrorCodes.SNAPSHOT_WRITE_FAILED]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to overwrite a partial file of another capture', async () => {
    const dir = await tmp();
    const a = new CaptureWriter(path.join(dir, 's.heapsnapshot'));
    a.write('a');
    // The two opens race in the thread pool: let the first one win before the second.
    await a.opened;
    const b = new CaptureWriter(path.join(dir, 's.heapsnapshot'));
    b.write('b');
    await expect(b.finish()).rejects.toMatchObject({ code: ErrorCodes.SNAPSHOT_WRITE_FAILED });
    await a.finish();
    expect(await readFile(path.join(dir, 's.heapsnapshot'), 'utf8')).toBe('a');
  });
});

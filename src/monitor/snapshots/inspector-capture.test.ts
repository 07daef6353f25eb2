import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { CaptureWriter } from './capture-writer';
import { startInspectorCapture as startCapture } from './inspector-capture';
import type { CaptureClient } from './snapshot-capture';

/** A client whose events and takeHeapSnapshot answer are driven by the test. */
function fakeClient() {
  const listeners = new Map<string, (p: unknown) => void>();
  let answer!: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const sent: Array<{ method: string; params: unknown; options: unknown }> = [];
  const client = {
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    send: (method: string, params: unknown, options: unknown) => {
      sent.push({ method, params, options });
      return new Promise((resolve, reject) => (answer = { resolve, reject }));
    },
  } as unknown as CaptureClient;
  return {
    client,
    sent,
    chunk: (chunk: string) => listeners.get('HeapProfiler.addHeapSnapshotChunk')?.({ chunk }),
    progress: (done: number, total: number) =>
      listeners.get('HeapProfiler.reportHeapSnapshotProgress')?.({ done, total }),
    listening: () => listeners.size,
    answer: () => answer,
  };
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function file(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'resdash-sc-'));
  dirs.push(d);
  return path.join(d, 's.heapsnapshot');
}

describe('startInspectorCapture', () => {
  it('streams chunks, reports progress, asks with no timeout and finishes on the answer', async () => {
    const f = fakeClient();
    const out = await file();
    const progress: number[] = [];
    const chunks: number[] = [];
    const run = startCapture(f.client, new CaptureWriter(out), {
      reportProgress: true,
      onProgress: (d) => progress.push(d),
      onChunk: (n) => chunks.push(n),
    });
    expect(f.sent[0]).toMatchObject({
      method: 'HeapProfiler.takeHeapSnapshot',
      params: { reportProgress: true },
      options: { timeoutMs: 0 },
    });
    f.progress(5, 10);
    f.chunk('{"a":');
    f.chunk('1}');
    f.answer().resolve({});
    expect((await run.result).sizeBytes).toBe(7);
    await run.v8Done;
    expect(f.listening()).toBe(0);
    expect(progress).toEqual([5]);
    expect(chunks).toEqual([5, 2]);
    expect(await readFile(out, 'utf8')).toBe('{"a":1}');
  });

  it('does not ask V8 to count objects unless progress is wanted (a shorter pause)', async () => {
    const f = fakeClient();
    const run = startCapture(f.client, new CaptureWriter(await file()));
    expect(f.sent[0]).toMatchObject({ params: { reportProgress: false } });
    f.answer().resolve({});
    await run.result;
  });

  it('cancel stops writing at once, removes the partial and ignores late chunks until V8 answers', async () => {
    const f = fakeClient();
    const out = await file();
    const run = startCapture(f.client, new CaptureWriter(out));
    f.chunk('first');
    run.cancel();
    await expect(run.result).rejects.toMatchObject({ code: ErrorCodes.SNAPSHOT_CANCELLED });
    f.chunk('late');
    expect(await readdir(path.dirname(out))).toEqual([]);
    let v8Finished = false;
    void run.v8Done.then(() => (v8Finished = true));
    await Promise.resolve();
    expect(v8Finished).toBe(false);
    expect(f.listening()).toBe(2); // still swallowing late chunks
    f.answer().resolve({});
    await run.v8Done;
    expect(f.listening()).toBe(0);
    expect(await readdir(path.dirname(out))).toEqual([]);
  });

  it('a closed socket mid-capture is a clear TARGET_CLOSED and no partial file', async () => {
    const f = fakeClient();
    const out = await file();
    const run = startCapture(f.client, new CaptureWriter(out));
    f.chunk('x');
    f.answer().reject(new MonitorError(ErrorCodes.TARGET_CLOSED, 'closed'));
    await expect(run.result).rejects.toMatchObject({
      code: ErrorCodes.TARGET_CLOSED,
      message: expect.stringMatching(/partial file was removed/),
    });
    expect(await readdir(path.dirname(out))).toEqual([]);
  });
});

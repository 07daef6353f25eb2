import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { CaptureWriter } from './capture-writer';
import { pipeExpression } from './pipe-capture';
import { startCapture, type CaptureClient, type CaptureVia } from './snapshot-capture';

/** A target too old for the pipe: evaluate answers 'unsupported', the inspector works. */
function oldTarget() {
  const sent: string[] = [];
  const listeners = new Map<string, (p: unknown) => void>();
  const client = {
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
    send: async (method: string) => {
      sent.push(method);
      if (method === 'Runtime.evaluate') {
        return { result: { type: 'string', value: 'unsupported: no process.getBuiltinModule' } };
      }
      listeners.get('HeapProfiler.addHeapSnapshotChunk')?.({ chunk: '{"snapshot":{}}' });
      return {};
    },
  } as unknown as CaptureClient;
  return { client, sent };
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'resdash-cap-'));
  dirs.push(d);
  return d;
}

describe.runIf(process.platform === 'linux')('startCapture (Linux: the pipe first)', () => {
  it('falls back to the inspector on the same file when the pipe cannot start', async () => {
    const d = await dir();
    const t = oldTarget();
    const vias: CaptureVia[] = [];
    const run = startCapture(t.client, new CaptureWriter(path.join(d, 's.heapsnapshot')), {
      onVia: (v) => vias.push(v),
    });
    expect((await run.result).sizeBytes).toBe(15);
    await run.v8Done;
    expect(vias).toEqual(['pipe', 'inspector']);
    expect(t.sent).toEqual(['Runtime.evaluate', 'HeapProfiler.takeHeapSnapshot']);
    expect(await readFile(path.join(d, 's.heapsnapshot'), 'utf8')).toBe('{"snapshot":{}}');
    expect(await readdir(d)).toEqual(['s.heapsnapshot']); // no FIFO folder left
  });

  it('with the pipe required, a target that cannot is one clear error and no file', async () => {
    const d = await dir();
    const t = oldTarget();
    const run = startCapture(t.client, new CaptureWriter(path.join(d, 's.heapsnapshot')), {
      via: 'pipe',
    });
    await expect(run.result).rejects.toMatchObject({
      code: ErrorCodes.PROTOCOL,
      message: expect.stringMatching(/could not be streamed through a pipe: unsupported/),
    });
    await run.v8Done;
    expect(t.sent).toEqual(['Runtime.evaluate']);
    expect(await readdir(d)).toEqual([]);
  });
});

describe('startCapture', () => {
  it('asks V8 for its counter only through the inspector', async () => {
    const d = await dir();
    const t = oldTarget();
    const vias: CaptureVia[] = [];
    const run = startCapture(t.client, new CaptureWriter(path.join(d, 's.heapsnapshot')), {
      reportProgress: true,
      onVia: (v) => vias.push(v),
    });
    await run.result;
    expect(vias).toEqual(['inspector']);
    expect(t.sent).toEqual(['HeapProfiler.takeHeapSnapshot']);
  });

  it("the target's expression never blocks on the FIFO and quotes the path as a string", () => {
    const e = pipeExpression('/tmp/a\'b"c/snapshot.fifo');
    expect(e).toContain('O_NONBLOCK');
    expect(e).toContain(JSON.stringify('/tmp/a\'b"c/snapshot.fifo'));
    expect(e).toContain("writeHeapSnapshot('/proc/self/fd/' + fd)");
  });
});

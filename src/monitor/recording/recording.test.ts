import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import type { Sample, TargetInfo } from '../../shared/model';
import { RECORDING_FORMAT, RECORDING_VERSION, encodeLine, encodeSample } from './format';
import { readRecording } from './reader';
import { pruneDataDir, recordingFileName } from './recording-feature';
import { RecordingWriter, previousPartPath } from './writer';

const TARGET: TargetInfo = {
  id: 'target-1',
  pid: 42,
  title: '</script><img src=x onerror=alert(1)>',
  command: 'node app.js',
  port: 9229,
  status: 'attached',
  attachedAtMs: 1_000,
  intervalMs: 1_000,
  warnings: [],
};

export function sample(t: number, heap = 1_000_000): Sample {
  return {
    timestampMs: t,
    late: false,
    cpuPercent: 1.23456,
    rssBytes: 50_000_000,
    heapUsedBytes: heap,
    heapTotalBytes: 2_000_000,
    heapLimitBytes: 4_000_000_000,
    externalBytes: 1000,
    arrayBuffersBytes: 10,
    eventLoopDelayP50Ms: 10.1,
    eventLoopDelayP99Ms: 11.2,
    eventLoopDelayMaxMs: 12.3,
    eventLoopUtilization: 0.01,
    gc: {
      minor: { count: 1, totalMs: 0.5, maxMs: 0.5 },
      major: { count: 0, totalMs: 0, maxMs: 0 },
      incremental: { count: 0, totalMs: 0, maxMs: 0 },
      weakcb: { count: 0, totalMs: 0, maxMs: 0 },
    },
    activeResources: { Timeout: 1, TTYWrap: 2 },
    openFds: 20,
    threads: 7,
  };
}

const header = (part: number): string =>
  encodeLine({
    type: 'header',
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    startedAtMs: 1_000,
    target: TARGET,
    ...(part > 0 ? { part } : {}),
  });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-rec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recording writer and reader', () => {
  it('writes nothing until a flush, then reads back every line in order', async () => {
    const file = path.join(dir, 'a.ndjson');
    const w = new RecordingWriter(file, { header, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) w.write(encodeSample(sample(2_000 + i * 1_000)));
    w.write(
      encodeLine({ type: 'alert', atMs: 3_500, data: { targetId: 'target-1', rule: 'heap' } }),
    );
    await expect(readFile(file, 'utf8')).rejects.toThrow();
    await w.close(encodeLine({ type: 'end', atMs: 9_000, reason: 'done' }));
    const r = await readRecording(file);
    expect(r.target.title).toBe(TARGET.title);
    expect(r.target.status).toBe('detached');
    expect(r.samples.map((s) => s.timestampMs)).toEqual([2_000, 3_000, 4_000, 5_000, 6_000]);
    expect(r.samples[0]).toEqual({ ...sample(2_000), cpuPercent: 1.235 });
    expect(r.events).toEqual([
      { type: 'alert', atMs: 3_500, data: { targetId: 'target-1', rule: 'heap' } },
    ]);
    expect(r.endReason).toBe('done');
    expect(r.tornTail).toBe(false);
  });

  it('tolerates a torn last line and counts corrupt lines in the middle', async () => {
    const file = path.join(dir, 'torn.ndjson');
    const lines = [header(0), encodeSample(sample(1)), '{"type":"sam', encodeSample(sample(2))];
    await writeFile(file, lines.join('\n') + '\n' + encodeSample(sample(3)).slice(0, 40));
    const r = await readRecording(file);
    expect(r.samples.map((s) => s.timestampMs)).toEqual([1, 2]);
    expect(r.tornTail).toBe(true);
    expect(r.skippedLines).toBe(1);
    expect(r.endedAtMs).toBeNull();
  });

  it('rejects files that are not recordings with one clear error', async () => {
    const cases: Array<[string, string]> = [
      ['empty.ndjson', ''],
      ['html.ndjson', '<html></html>\n'],
      ['json.ndjson', '{"type":"sample","timestampMs":1}\n'],
      [
        'future.ndjson',
        JSON.stringify({ type: 'header', format: RECORDING_FORMAT, version: 99, target: TARGET }) +
          '\n',
      ],
    ];
    for (const [name, text] of cases) {
      const f = path.join(dir, name);
      await writeFile(f, text);
      await expect(readRecording(f)).rejects.toMatchObject({ code: ErrorCodes.RECORDING_INVALID });
    }
    await expect(readRecording(path.join(dir, 'missing.ndjson'))).rejects.toMatchObject({
      code: ErrorCodes.RECORDING_INVALID,
    });
  });

  it('rotates at maxFileBytes and reads both parts back', async () => {
    const file = path.join(dir, 'rot.ndjson');
    const w = new RecordingWriter(file, { header, flushIntervalMs: 60_000, maxFileBytes: 4096 });
    for (let i = 0; i < 30; i++) {
      w.write(encodeSample(sample(i)));
      await w.flush();
    }
    await w.close();
    const prev = await readFile(previousPartPath(file), 'utf8');
    expect(prev.startsWith('{"type":"header"')).toBe(true);
    const current = await readFile(file, 'utf8');
    expect(JSON.parse(current.split('\n')[0]!)).toMatchObject({
      type: 'header',
      part: expect.any(Number),
    });
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(4096);
    const r = await readRecording(file);
    // The current part plus its predecessor: the newest samples, ending with the last one.
    expect(r.samples[r.samples.length - 1]!.timestampMs).toBe(29);
    expect(r.samples.length).toBeGreaterThan(5);
  });

  it('keeps lines queued while the disk refuses writes', async () => {
    const file = path.join(dir, 'no-such-dir', 'x.ndjson');
    const w = new RecordingWriter(file, { header, flushIntervalMs: 60_000 });
    w.write(encodeSample(sample(1)));
    await w.flush();
    expect(w.lastError).not.toBeNull();
    await appendFile(path.join(dir, 'placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file)));
    await w.close();
    const r = await readRecording(file);
    expect(r.samples).toHaveLength(1);
  });

  it('names files from a safe subset of the title and prunes the oldest beyond the cap', async () => {
    expect(recordingFileName(TARGET, 0)).toMatch(
      /^1970-01-01T00-00-00-000Z-_script_img_src_x_onerror_alert_1_-pid42-target-1\.ndjson$/,
    );
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(dir, `r${i}.ndjson`), 'x'.repeat(1000));
      await new Promise((r) => setTimeout(r, 5));
    }
    const removed = await pruneDataDir(dir, 2500, path.join(dir, 'r0.ndjson'));
    expect(removed).toBe(3);
    const fs = await import('node:fs/promises');
    expect((await fs.readdir(dir)).sort()).toEqual(['r0.ndjson', 'r4.ndjson']);
  });
});

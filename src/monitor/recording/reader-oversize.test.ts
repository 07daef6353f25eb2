// Hostile recordings: lines far longer than any the recorder writes. The reader must
// keep every good line around them, name the skipped ones in a warning, and hold at
// most its line cap in memory, however long the line.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import type { Sample, TargetInfo } from '../../shared/model';
import { RECORDING_FORMAT, RECORDING_VERSION, encodeLine, encodeSample } from './format';
import { MAX_LINE_CHARS, readRecording } from './reader';

const TARGET: TargetInfo = {
  id: 'target-1',
  pid: 42,
  title: 'app.js',
  command: 'node app.js',
  port: 9229,
  status: 'attached',
  attachedAtMs: 1_000,
  intervalMs: 1_000,
  warnings: ['recorded warning'],
};

const HEADER = encodeLine({
  type: 'header',
  format: RECORDING_FORMAT,
  version: RECORDING_VERSION,
  startedAtMs: 1_000,
  target: TARGET,
});

const MB = 1024 * 1024;

function sample(t: number): Sample {
  return {
    timestampMs: t,
    late: false,
    cpuPercent: 1.5,
    rssBytes: 50_000_000,
    heapUsedBytes: 1_000_000,
    heapTotalBytes: 2_000_000,
    heapLimitBytes: 4_000_000_000,
    externalBytes: 1000,
    arrayBuffersBytes: 10,
    eventLoopDelayP50Ms: 10.1,
    eventLoopDelayP99Ms: 11.2,
    eventLoopDelayMaxMs: 12.3,
    eventLoopUtilization: 0.01,
    gc: null,
    activeResources: null,
    openFds: 20,
    threads: 7,
  };
}

type Piece = string | { hugeChars: number; newline: boolean };

/** Writes pieces by streaming: a huge line goes out 1 MB at a time, never as one string. */
async function writeRecording(file: string, pieces: Iterable<Piece>): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const block = 'x'.repeat(MB);
  for (const p of pieces) {
    if (typeof p === 'string') {
      await write(p + '\n');
      continue;
    }
    // Looks like the start of a sample line, so only its length makes it bad.
    let left = p.hugeChars;
    const head = '{"type":"sample","timestampMs":1,"pad":"';
    await write(head);
    left -= head.length;
    while (left > 0) {
      const n = Math.min(left, block.length);
      await write(n === block.length ? block : block.slice(0, n));
      left -= n;
    }
    if (p.newline) await write('\n');
  }
  out.end();
  await once(out, 'close');
}

function* samples(fromMs: number, count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield encodeSample(sample(fromMs + i));
}

/** Peak RSS above the level before `run`, polled while it runs (loose, by design). */
async function peakRssGrowth<T>(run: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const poll = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, growth: peak - base };
  } finally {
    clearInterval(poll);
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-rec-huge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recording reader and oversize lines', () => {
  it('skips a 40 MB line 5000 with a warning, keeps every line around it, memory bounded', async () => {
    const file = path.join(dir, 'huge.ndjson');
    const lineSize = 40 * MB;
    await writeRecording(file, [
      HEADER,
      ...samples(10_000, 4998), // lines 2..4999
      { hugeChars: lineSize, newline: true }, // line 5000
      ...samples(20_000, 100), // lines 5001..5100
    ]);
    const { value: r, growth } = await peakRssGrowth(() =>
      readRecording(file, { maxLineChars: MB }),
    );
    expect(r.samples).toHaveLength(4998 + 100);
    expect(r.samples[4997]!.timestampMs).toBe(10_000 + 4997);
    expect(r.samples[4998]!.timestampMs).toBe(20_000);
    expect(r.samples[r.samples.length - 1]!.timestampMs).toBe(20_099);
    expect(r.warnings).toEqual([
      `Line 5000 of huge.ndjson is longer than ${MB} characters; it was skipped.`,
    ]);
    // The offline target and the report show it next to what was recorded.
    expect(r.target.warnings).toEqual(['recorded warning', r.warnings[0]]);
    expect(r.skippedLines).toBe(1);
    expect(r.tornTail).toBe(false);
    // The old reader built the whole 40 MB line (80 MB and more as it grew); the cap is 1 MB.
    expect(growth).toBeLessThan(lineSize / 2);
  });

  it('at the real cap: a line above 16 M characters is skipped and named, memory bounded', async () => {
    const file = path.join(dir, 'real-cap.ndjson');
    const lineSize = 3 * MAX_LINE_CHARS;
    await writeRecording(file, [
      HEADER,
      ...samples(1, 3),
      { hugeChars: lineSize, newline: true }, // line 5
      ...samples(100, 2),
      encodeLine({ type: 'end', atMs: 200, reason: 'done' }),
    ]);
    const { value: r, growth } = await peakRssGrowth(() => readRecording(file));
    expect(r.samples.map((s) => s.timestampMs)).toEqual([1, 2, 3, 100, 101]);
    expect(r.warnings).toEqual([
      `Line 5 of real-cap.ndjson is longer than ${MAX_LINE_CHARS} characters; it was skipped.`,
    ]);
    expect(r.endReason).toBe('done');
    // At most the 16 M-character cap is held, never the 48 M-character line.
    expect(growth).toBeLessThan(lineSize);
  });

  it('keeps a line of exactly the cap, skips one a character longer', async () => {
    const file = path.join(dir, 'edge.ndjson');
    const cap = 4096;
    const fit = encodeLine({ type: 'note', atMs: 5, data: { pad: '' } });
    const pad = 'y'.repeat(cap - fit.length);
    const exact = encodeLine({ type: 'note', atMs: 5, data: { pad } });
    const over = encodeLine({ type: 'note', atMs: 6, data: { pad: pad + 'y' } });
    expect(exact.length).toBe(cap);
    // CRLF line ends are read like LF ones.
    await writeRecording(file, [HEADER + '\r', exact + '\r', over, encodeSample(sample(7))]);
    const r = await readRecording(file, { maxLineChars: cap });
    expect(r.events.map((e) => e.atMs)).toEqual([5]);
    expect(r.samples.map((s) => s.timestampMs)).toEqual([7]);
    expect(r.warnings).toEqual([
      `Line 3 of edge.ndjson is longer than ${cap} characters; it was skipped.`,
    ]);
  });

  it('names many oversize lines in one warning, including an unterminated last one', async () => {
    const file = path.join(dir, 'many.ndjson');
    const pieces: Piece[] = [HEADER];
    for (let i = 0; i < 12; i++) {
      pieces.push(encodeSample(sample(i)), { hugeChars: 300_000, newline: true });
    }
    pieces.push({ hugeChars: 300_000, newline: false }); // line 26, no newline
    await writeRecording(file, pieces);
    const r = await readRecording(file, { maxLineChars: 100_000 });
    expect(r.samples).toHaveLength(12);
    expect(r.skippedLines).toBe(13);
    // Too long is not torn: a crash cuts a line short, it does not make one too long.
    expect(r.tornTail).toBe(false);
    expect(r.warnings).toEqual([
      'Lines 3, 5, 7, 9, 11, 13, 15, 17, 19, 21 and 3 more of many.ndjson are longer than 100000 characters; they were skipped.',
    ]);
  });

  it('warns about unreadable lines too, but not about a torn last line', async () => {
    const file = path.join(dir, 'corrupt.ndjson');
    await writeRecording(file, [
      HEADER,
      encodeSample(sample(1)),
      '{"type":"sam',
      'garbage',
      encodeSample(sample(2)),
      '{"type":"sample","timest',
    ]);
    const r = await readRecording(file);
    expect(r.samples.map((s) => s.timestampMs)).toEqual([1, 2]);
    expect(r.tornTail).toBe(true);
    expect(r.skippedLines).toBe(2);
    expect(r.warnings).toEqual([
      '2 lines of corrupt.ndjson are not readable recording lines (the first is line 3); they were skipped.',
    ]);
  });

  it('refuses a file whose first line is oversize with one clear error naming the line', async () => {
    const file = path.join(dir, 'no-header.ndjson');
    await writeRecording(file, [{ hugeChars: 2 * MB, newline: true }, HEADER]);
    const err = await readRecording(file, { maxLineChars: MB }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: ErrorCodes.RECORDING_INVALID,
      message: `${file} is not a readable resdash recording: line 1 is longer than ${MB} characters, so the file has no recording header.`,
    });
  });
});

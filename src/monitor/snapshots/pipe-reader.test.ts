import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipeReader } from './pipe-reader';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function fifo(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'resdash-fifo-'));
  dirs.push(d);
  const f = path.join(d, 'p.fifo');
  execFileSync('mkfifo', [f]);
  return f;
}

describe.runIf(process.platform === 'linux')('startPipeReader', () => {
  it('hands over every byte in order, holds back what is not acknowledged, then ends', async () => {
    const f = await fifo();
    const reader = startPipeReader(f, 256 * 1024);
    await reader.opened;
    const pieces: Buffer[] = [];
    const acks: Array<() => void> = [];
    let acking = false;
    reader.onData = (chunk, ack) => {
      pieces.push(Buffer.from(chunk)); // its slot is reused once acknowledged
      if (acking) ack();
      else acks.push(ack);
    };
    const ended = new Promise<void>((r) => (reader.onEnd = r));
    // 4 MB of a counting pattern, written by another process, as the target would.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const b = Buffer.alloc(4 << 20); for (let i = 0; i < b.length; i++) b[i] = i % 251;
         require('fs').writeFileSync(${JSON.stringify(f)}, b);`,
      ],
      { stdio: 'ignore' },
    );
    let writerDone = false;
    const exited = new Promise<void>((r) =>
      writer.once('exit', () => {
        writerDone = true;
        r();
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    // Nothing acknowledged: the worker stopped reading, the pipe filled, the writer waits.
    const held = pieces.reduce((n, p) => n + p.length, 0);
    expect(held).toBeLessThan(256 * 1024 + 2 * 64 * 1024);
    expect(writerDone).toBe(false);
    acking = true;
    for (const a of acks.splice(0)) a();
    await ended;
    await exited;
    const all = Buffer.concat(pieces);
    expect(all.length).toBe(4 << 20);
    for (const i of [0, 1, 250, 251, 65_535, 1_000_003, (4 << 20) - 1])
      expect(all[i]).toBe(i % 251);
    await reader.stop();
  });

  it('cannot open a path that is not there: opened rejects', async () => {
    const reader = startPipeReader('/nonexistent/resdash.fifo');
    await expect(reader.opened).rejects.toThrow(/ENOENT/);
    await reader.stop();
  });
});

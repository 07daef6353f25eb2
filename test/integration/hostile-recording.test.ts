// A recording with one line far past the reader's 16 M-character cap (hostile or
// damaged): the real CLI reports from it with a warning naming the line, a file whose
// first line is oversize is one clear error, and the browser shell (startServer over
// a real monitor, and `resdash serve --open`) opens it and keeps answering.
import { constants } from 'node:buffer';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { MAX_LINE_CHARS } from '../../src/monitor/recording/reader';
import { startServer, type RunningServer } from '../../src/server/index';
import type { ServerFrame } from '../../src/shared/contract';
import { ErrorCodes } from '../../src/shared/errors';
import type { TargetInfo } from '../../src/shared/model';
import type { ReportData } from '../../src/shared/report-model';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/resdash.js');
const MB = 1024 * 1024;
/**
 * Past the longest string V8 can build (about 512 M characters), as in the reported
 * 600 MB line: a reader that joins the whole line dies with "Invalid string length".
 */
const HUGE_LINE_CHARS = constants.MAX_STRING_LENGTH + 4 * MB;
/** Above the real cap, so no test seam is involved. */
const OVERSIZE_LINE_CHARS = MAX_LINE_CHARS + 4 * MB;

const TARGET: TargetInfo = {
  id: 'target-1',
  pid: 4242,
  title: 'hostile.js',
  command: 'node hostile.js',
  port: 9229,
  status: 'attached',
  attachedAtMs: 1_000,
  intervalMs: 1_000,
  warnings: [],
};

const header = JSON.stringify({
  type: 'header',
  format: 'resdash-recording',
  version: 1,
  startedAtMs: 1_000,
  target: TARGET,
});
const sampleLine = (t: number): string =>
  JSON.stringify({
    type: 'sample',
    timestampMs: t,
    late: false,
    cpuPercent: 2,
    rssBytes: 60_000_000,
    heapUsedBytes: 10_000_000,
    heapTotalBytes: 20_000_000,
    heapLimitBytes: 4_000_000_000,
  });

/** Streams the file: the huge line goes out 1 MB at a time, never as one string. */
async function writeHostile(
  file: string,
  hugeAt: 'first' | 'middle',
  hugeChars: number,
): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const huge = async (): Promise<void> => {
    const block = 'x'.repeat(MB);
    await write('{"type":"sample","timestampMs":1,"pad":"');
    for (let n = 0; n < hugeChars; n += MB) await write(block);
    await write('"}\n');
  };
  if (hugeAt === 'first') await huge();
  await write(header + '\n');
  for (let i = 0; i < 20; i++) await write(sampleLine(2_000 + i * 1_000) + '\n'); // lines 2..21
  if (hugeAt === 'middle') await huge(); // line 22
  for (let i = 0; i < 10; i++) await write(sampleLine(100_000 + i * 1_000) + '\n');
  out.end();
  await once(out, 'close');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();

function resdash(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

function killChild(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, 'SIGKILL');
  }
}

let dir: string;
let middleFile: string;
let firstFile: string;
let rendererDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-hostile-rec-'));
  middleFile = path.join(dir, 'huge-middle.ndjson');
  firstFile = path.join(dir, 'huge-first.ndjson');
  await writeHostile(middleFile, 'middle', HUGE_LINE_CHARS);
  await writeHostile(firstFile, 'first', OVERSIZE_LINE_CHARS);
  rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
});

afterAll(async () => {
  for (const child of children) killChild(child);
  await rm(dir, { recursive: true, force: true });
});

const WARNING = `Line 22 of huge-middle.ndjson is longer than ${MAX_LINE_CHARS} characters; it was skipped.`;

describe('a recording with a line past the cap', () => {
  it('resdash report --from writes the report from the good lines and warns about the line', async () => {
    const out = path.join(dir, 'report.json');
    const r = await resdash(['report', '--from', middleFile, '--json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      `resdash: warning: ${WARNING}`,
      `resdash: wrote ${out}`,
    ]);
    const report = JSON.parse(await readFile(out, 'utf8')) as ReportData;
    expect(report.kpis.sampleCount).toBe(30);
    expect(report.target.warnings).toEqual([WARNING]);
  });

  it('resdash report --from a file whose first line is oversize: one clear error line', async () => {
    const r = await resdash(['report', '--from', firstFile, '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^resdash: .*huge-first\.ndjson is not a readable resdash recording: line 1 is longer than \d+ characters, so the file has no recording header\. \(MONITOR_ERR_RECORDING_INVALID\)$/,
    );
  });

  describe('the browser shell over a real monitor', () => {
    let monitor: Monitor;
    let server: RunningServer;
    let ws: WebSocket;
    let nextId = 1;

    beforeAll(async () => {
      monitor = createMonitor({ recording: false, dataDir: path.join(dir, 'data') });
      server = await startServer({ monitor, port: 0, rendererDir });
      ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge?token=${server.token}`);
      await once(ws, 'open');
    });

    afterAll(async () => {
      ws?.terminate();
      await server?.close();
      await monitor?.dispose();
    });

    function call(method: string, args: unknown): Promise<ServerFrame & { kind: 'response' }> {
      const id = nextId++;
      return new Promise((resolve) => {
        const onMessage = (data: Buffer): void => {
          const f = JSON.parse(data.toString()) as ServerFrame;
          if (f.kind === 'response' && f.id === id) {
            ws.off('message', onMessage);
            resolve(f);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ kind: 'request', id, method, args }));
      });
    }

    it('opens it as an offline target with the warning and keeps answering', async () => {
      const opened = await call('openRecording', { path: middleFile });
      expect(opened.outcome.ok).toBe(true);
      const info = (opened.outcome as { value: TargetInfo }).value;
      expect(info.status).toBe('detached');
      expect(info.warnings).toEqual([WARNING]);
      const history = await call('getHistory', { targetId: info.id });
      expect((history.outcome as { value: unknown[] }).value).toHaveLength(30);

      const refused = await call('openRecording', { path: firstFile });
      expect(refused.outcome).toMatchObject({
        ok: false,
        error: { code: ErrorCodes.RECORDING_INVALID, message: expect.stringContaining('line 1') },
      });
      const listed = await call('listTargets', {});
      expect(listed.outcome.ok).toBe(true);
      expect((listed.outcome as { value: TargetInfo[] }).value.map((t) => t.id)).toContain(info.id);
    });
  });

  it('resdash serve --open FILE serves it instead of crashing', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--renderer-dir', rendererDir, '--open', middleFile],
      {
        env: { ...process.env, NODE_OPTIONS: '', RESDASH_DATA_DIR: path.join(dir, 'serve-data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(stdout);
          if (m) resolve(m[0]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const u = new URL(url);
      const ws = new WebSocket(
        `ws://127.0.0.1:${u.port}/bridge?token=${u.searchParams.get('token')}`,
      );
      try {
        await once(ws, 'open');
        const reply = new Promise<ServerFrame>((resolve) =>
          ws.on('message', (d: Buffer) => {
            const f = JSON.parse(d.toString()) as ServerFrame;
            if (f.kind === 'response' && f.id === 1) resolve(f);
          }),
        );
        ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'listTargets', args: {} }));
        const f = await reply;
        expect(f).toMatchObject({ kind: 'response', id: 1, outcome: { ok: true } });
        const targets = (f as { outcome: { value: TargetInfo[] } }).outcome.value;
        expect(targets).toHaveLength(1);
        expect(targets[0]!.warnings).toEqual([WARNING]);
      } finally {
        ws.terminate();
      }
    } finally {
      killChild(child);
    }
  });
});

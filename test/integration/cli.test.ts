// The resdash command as a user runs it: a real `node bin/resdash.js` process against
// real fixture processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, startFixture, stopAllFixtures } from '../fixtures/harness';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/resdash.js');
const FAILURE_LINE = /^resdash: .+ \((MONITOR_ERR_[A-Z_]+)\)$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcess>();

function start(args: string[]): { child: ChildProcess; done: Promise<Run>; stdout: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<Run>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done, stdout: () => stdout };
}

const resdash = (...args: string[]): Promise<Run> => start(args).done;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function expectOneFailureLine(run: Run): string {
  expect(run.code).not.toBe(0);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  const m = FAILURE_LINE.exec(lines[0]!);
  expect(m, `stderr was: ${run.stderr}`).not.toBeNull();
  return m![1]!;
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stopAllFixtures();
});

describe('resdash CLI', () => {
  it('prints help for the tool and every command with exit 0', async () => {
    const top = await resdash('--help');
    expect(top.code).toBe(0);
    for (const name of ['list', 'watch', 'serve']) {
      expect(top.stdout).toContain(name);
      const run = await resdash(name, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: resdash ${name}`);
      expect(run.stderr).toBe('');
    }
    const viaHelp = await resdash('help', 'watch');
    expect(viaHelp.stdout).toContain('--enable-inspector');
  });

  it('fails with one line and a code on bad arguments', async () => {
    expect(expectOneFailureLine(await resdash('watch', 'not-a-target'))).toBe(
      'MONITOR_ERR_BAD_ARGUMENT',
    );
    expect(expectOneFailureLine(await resdash('frobnicate'))).toBe('MONITOR_ERR_BAD_ARGUMENT');
    expect(expectOneFailureLine(await resdash('list', '--port', 'x'))).toBe(
      'MONITOR_ERR_BAD_ARGUMENT',
    );
    expect(
      expectOneFailureLine(await resdash('watch', ':9229', '--duration', '3 fortnights')),
    ).toBe('MONITOR_ERR_BAD_ARGUMENT');
  });

  it('fails with one line and a code when nothing listens on the port', async () => {
    const port = await freePort();
    const run = await resdash('watch', `:${port}`, '--duration', '1s');
    const code = expectOneFailureLine(run);
    expect(code).not.toBe('MONITOR_ERR_INTERNAL');
  });

  it('lists a fixture with its inspector port as JSON', async () => {
    const fixture = await startFixture('idle.js');
    const run = await resdash('list', '--json');
    expect(run.code, run.stderr).toBe(0);
    const list = JSON.parse(run.stdout) as {
      processes: Array<{ pid: number; inspector: { state: string; port?: number } }>;
    };
    const found = list.processes.find((p) => p.pid === fixture.pid);
    expect(found?.inspector).toMatchObject({ state: 'open', port: fixture.port });
  });

  it('watch --json prints sample lines with the heap figures, then detaches', async () => {
    const fixture = await startFixture('idle.js');
    const run = await resdash('watch', `:${fixture.port}`, '--duration', '3s', '--json');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; pid: number; heapUsedBytes: number | null })
      // Alert and leak-verdict lines come in the same stream.
      .filter((l) => {
        expect(['sample', 'alert', 'leak']).toContain(l.type);
        return l.type === 'sample';
      });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.pid).toBe(fixture.pid);
    expect(lines.some((l) => (l.heapUsedBytes ?? 0) > 0)).toBe(true);
    expect(isAlive(fixture.pid)).toBe(true);
  });

  it('watch of a pid whose inspector is closed says how to enable it', async () => {
    const fixture = await startFixture('idle.js', { inspect: false });
    const run = await resdash('watch', String(fixture.pid), '--duration', '1s');
    expectOneFailureLine(run);
    expect(run.stderr).toContain('--enable-inspector');
    expect(isAlive(fixture.pid)).toBe(true);
  });

  it('watch ends cleanly on SIGINT and leaves the target running', async () => {
    const fixture = await startFixture('idle.js');
    const watch = start(['watch', `:${fixture.port}`, '--interval', '200ms']);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        // The header and at least one sample row.
        if (watch.stdout().split('\n').length >= 4) resolve();
        else setTimeout(check, 50);
      };
      check();
    });
    watch.child.kill('SIGINT');
    const run = await watch.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('HEAP USED/TOTAL');
    expect(isAlive(fixture.pid)).toBe(true);
  });

  it('serve prints a tokened URL, serves the renderer with it, and stops on SIGINT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resdash-serve-'));
    try {
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>served</title>');
      const serve = start(['serve', '--renderer-dir', dir]);
      await new Promise<void>((resolve) => {
        const check = (): void =>
          serve.stdout().includes('\n') ? resolve() : void setTimeout(check, 50);
        check();
      });
      const url = new URL(serve.stdout().trim());
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.searchParams.get('token')).toBeTruthy();
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('served');
      const refused = await fetch(`${url.origin}/`);
      expect(refused.status).toBe(401);
      serve.child.kill('SIGINT');
      const run = await serve.done;
      expect(run.code, run.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve without a built renderer fails with one line telling what to run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resdash-empty-'));
    try {
      const run = await resdash('serve', '--renderer-dir', dir);
      expect(expectOneFailureLine(run)).toBe('MONITOR_ERR_RENDERER_MISSING');
      expect(run.stderr).toContain('npm run build:renderer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Runs the real `node bin/resdash.js` for integration tests, and ends every run it
// started by pid when the test file is done (stopAllResdash in afterAll / afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/resdash.js');
export const FAILURE_LINE = /^resdash: .+ \((MONITOR_ERR_[A-Z_]+)\)$/;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  pid: number;
  done: Promise<Run>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re` (already printed or later). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the run by its pid (SIGINT: a clean stop, as Ctrl-C). */
  interrupt(): Promise<Run>;
}

const running = new Set<Running>();

/** `env` is added to this process's environment; a key set to undefined is removed. */
export function startResdash(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const merged: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: merged,
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString();
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<Run>((resolve) =>
    child.once('exit', (code) => {
      running.delete(run);
      for (const w of [...waiters]) w();
      resolve({ code, stdout, stderr });
    }),
  );
  const run: Running = {
    child,
    pid: child.pid!,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForLine(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `resdash printed no line matching ${re}; stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const check = (): void => {
          const line = stdout.split('\n').find((l) => re.test(l));
          if (line !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `resdash exited before printing ${re}; stdout:\n${stdout}\nstderr:\n${stderr}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    async interrupt() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGINT');
      return done;
    },
  };
  running.add(run);
  return run;
}

export const resdash = (args: string[], env?: NodeJS.ProcessEnv): Promise<Run> =>
  startResdash(args, env).done;

/** Kills (by pid) every run still going. */
export async function stopAllResdash(): Promise<void> {
  await Promise.all(
    [...running].map((r) => {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      return r.done;
    }),
  );
}

/** Exit code non-zero and exactly one `resdash: ... (CODE)` line on stderr; returns CODE. */
export function expectOneFailureLine(run: Run): string {
  expect(run.code, `stdout: ${run.stdout}`).not.toBe(0);
  expect(run.code).not.toBeNull();
  const lines = run.stderr.trim().split('\n');
  expect(lines, `stderr was: ${run.stderr}`).toHaveLength(1);
  const m = FAILURE_LINE.exec(lines[0]!);
  expect(m, `stderr was: ${run.stderr}`).not.toBeNull();
  return m![1]!;
}

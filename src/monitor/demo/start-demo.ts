// Starts resources/demo-service.js with an inspector on a free loopback port, so the
// dashboard has a target to show on first launch. The caller owns the child: stop()
// ends it (SIGTERM, then SIGKILL).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MonitorError } from '../../shared/errors';

export interface DemoService {
  pid: number;
  inspectorPort: number;
  /** The demo's own HTTP port on 127.0.0.1. */
  httpPort: number;
  stop(): Promise<void>;
}

export interface StartDemoOptions {
  /** Defaults to resources/demo-service.js found from this file or the working directory. */
  scriptPath?: string;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const STOP_GRACE_MS = 3_000;
const OUTPUT_LIMIT_CHARS = 64 * 1024;

/** From the sources (src/monitor/demo), from a bundle (out/main) or from the cwd. */
export function findDemoScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../../resources/demo-service.js'),
    path.resolve(here, '../../resources/demo-service.js'),
    path.resolve(process.cwd(), 'resources/demo-service.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new MonitorError(
      ErrorCodes.INTERNAL,
      `The demo service script was not found (looked in ${candidates.join(', ')}).`,
    );
  }
  return found;
}

export function startDemoService(options: StartDemoOptions = {}): Promise<DemoService> {
  const script = options.scriptPath ?? findDemoScript();
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      // Inside Electron, process.execPath is Electron itself: make it behave as Node.
      ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
      ...options.env,
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<DemoService>((resolve, reject) => {
    let output = '';
    let inspectorPort: number | null = null;
    let httpPort: number | null = null;
    const finish = (err: MonitorError | null): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining the pipes so the demo never blocks on a full one.
      child.stdout.removeAllListeners('data').resume();
      child.stderr.removeAllListeners('data').resume();
      if (err) {
        void stop().then(() => reject(err));
        return;
      }
      resolve({ pid: child.pid!, inspectorPort: inspectorPort!, httpPort: httpPort!, stop });
    };
    const onData = (buf: Buffer): void => {
      if (output.length < OUTPUT_LIMIT_CHARS) output += buf.toString();
      const inspector = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (inspector) inspectorPort = Number(inspector[1]);
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready) httpPort = Number(ready[1]);
      if (inspectorPort !== null && httpPort !== null) finish(null);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      finish(
        new MonitorError(
          ErrorCodes.INTERNAL,
          `The demo service exited during start (${signal ?? `code ${code}`}): ${output.trim().split('\n').pop() ?? ''}`,
        ),
      );
    const onError = (err: Error): void =>
      finish(
        new MonitorError(ErrorCodes.INTERNAL, `The demo service could not start: ${err.message}.`, {
          cause: err,
        }),
      );
    const timer = setTimeout(
      () =>
        finish(
          new MonitorError(
            ErrorCodes.TIMEOUT,
            `The demo service did not report its inspector port within ${timeoutMs} ms.`,
          ),
        ),
      timeoutMs,
    );
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

// What commands need from the process: the monitor (loaded lazily, so `--help` and
// argument errors never start it), strict option parsing and a stop signal.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { MonitorApi } from '../shared/contract';
import { ErrorCodes, MonitorError } from '../shared/errors';

export type OwnedMonitor = MonitorApi & { dispose(): Promise<void> };

/**
 * Records its sessions only when asked: serve and record do; the one-shot commands (gc,
 * snapshot, allocations, cleanup, list) must not leave a recording behind per run.
 */
export async function openMonitor(
  options: { record?: boolean; threads?: boolean } = {},
): Promise<OwnedMonitor> {
  const { createMonitor } = await import('../monitor/index');
  return createMonitor({
    ...(options.record ? {} : { recording: false }),
    // Worker threads get sessions of their own only where a command shows them.
    ...(options.threads === false ? { workerThreads: false } : {}),
  });
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with --help added and its errors turned into BAD_ARGUMENT. */
export function parseOptions<O extends Options>(
  argv: string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & {
        help: { type: 'boolean'; short: 'h' };
      },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, ' ').replace(/\.?$/, '.');
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, message, { cause: err });
  }
}

/**
 * Resolves when the user interrupts (SIGINT, SIGTERM) or `abort` fires. While
 * waiting, the signals do not kill the process, so the caller can clean up.
 */
export function untilStopped(signal?: AbortSignal): Promise<'signal' | 'aborted'> {
  return new Promise((resolve) => {
    const done = (why: 'signal' | 'aborted'): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onSignal = (): void => {
      done('signal');
      keepCleaningUpOnSignals();
    };
    const onAbort = (): void => done('aborted');
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (signal?.aborted) done('aborted');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Duplicate signals during cleanup are normal; ignore them, exit only on a later one. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

function keepCleaningUpOnSignals(): void {
  const firstMs = Date.now();
  const again = (): void => {
    if (Date.now() - firstMs < DUPLICATE_SIGNAL_WINDOW_MS) return;
    process.stderr.write('resdash: interrupted again; exiting before cleanup finished\n');
    process.exit(130);
  };
  process.on('SIGINT', again);
  process.on('SIGTERM', again);
}

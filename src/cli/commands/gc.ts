// resdash gc TARGET: force a garbage collection in a process and print heap used
// before and after and the bytes freed. Also the attach helper the heap commands share.
import type { TargetInfo } from '../../shared/model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import type { Io } from '../io';
import { TARGET_HELP, describeTarget, parseTarget, type TargetSpec } from '../parse';
import { openMonitor, parseOptions, type OwnedMonitor } from '../runtime';
import type { Command } from './command';

/** Attaches (slow sampling: these commands need the connection, not samples), runs, detaches. */
export async function withTarget<T>(
  spec: TargetSpec,
  enableInspector: boolean,
  work: (monitor: OwnedMonitor, target: TargetInfo) => Promise<T>,
  options: { threads?: boolean } = {},
): Promise<T> {
  const monitor = await openMonitor({ threads: options.threads ?? false });
  let target: TargetInfo | null = null;
  try {
    try {
      target = await monitor.attach({ ...spec, intervalMs: 5_000, enableInspector });
    } catch (err) {
      if (
        err instanceof MonitorError &&
        err.code === ErrorCodes.INSPECTOR_CLOSED &&
        !enableInspector
      ) {
        throw new MonitorError(
          err.code,
          `The inspector of ${describeTarget(spec)} is closed: run again with --enable-inspector to open it with SIGUSR1, or start the process with node --inspect.`,
          { cause: err },
        );
      }
      throw err;
    }
    if (target.status === 'paused') {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `${describeTarget(spec)} is paused in a debugger (--inspect-brk); resume it there first.`,
      );
    }
    return await work(monitor, target);
  } finally {
    if (target !== null) await monitor.detach({ targetId: target.id }).catch(() => undefined);
    await monitor.dispose();
  }
}

export function oneTarget(positionals: string[], command: string): TargetSpec {
  if (positionals.length !== 1) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      positionals.length === 0
        ? `${command} needs a TARGET: a pid, an inspector port like :9229 or a ws:// URL.`
        : `${command} takes exactly one TARGET.`,
    );
  }
  return parseTarget(positionals[0]!);
}

const usage = `Usage: resdash gc TARGET [--json] [--enable-inspector]

Forces a full garbage collection in a Node.js process and prints its heap used
before and after and the bytes freed.

${TARGET_HELP.join('\n')}

Options:
  --json               print {"targetId","pid","heapUsedBeforeBytes","heapUsedAfterBytes","freedBytes","durationMs",...}
  --enable-inspector   if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  -h, --help           show this help`;

export const gcCommand: Command = {
  name: 'gc',
  summary: 'force a garbage collection and show the bytes freed',
  usage,
  async run(argv, io: Io) {
    const { values, positionals } = parseOptions(
      argv,
      { json: { type: 'boolean' }, 'enable-inspector': { type: 'boolean' } },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const spec = oneTarget(positionals, 'gc');
    const result = await withTarget(spec, values['enable-inspector'] ?? false, async (m, t) => ({
      pid: t.pid,
      ...(await m.collectGarbage({ targetId: t.id })),
    }));
    if (values.json) io.out(JSON.stringify(result));
    else
      io.out(
        `heap used ${formatBytes(result.heapUsedBeforeBytes)} -> ${formatBytes(result.heapUsedAfterBytes)}: ` +
          `freed ${formatBytes(result.freedBytes)} in ${result.durationMs.toFixed(0)} ms`,
      );
    return 0;
  },
};

// resdash allocations TARGET --duration D: sample allocations in a process for D and
// print the top allocation sites by self size with their stacks.
import type { AllocationProfile } from '../../shared/heap-tools-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { TARGET_HELP, parseDurationMs } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';
import { oneTarget, withTarget } from './gc';

const usage = `Usage: resdash allocations TARGET --duration D [--top N] [--interval BYTES] [--json] [--enable-inspector]

Samples the allocations of a Node.js process for D (Ctrl-C stops early) and prints
the top allocation sites by bytes allocated, with their stacks.

${TARGET_HELP.join('\n')}

Options:
  --duration D         how long to sample, e.g. 10s (required)
  --top N              how many sites (1-100, default 10)
  --interval BYTES     sample every BYTES allocated on average (default 32768)
  --json               print the AllocationProfile as JSON
  --enable-inspector   if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  -h, --help           show this help`;

function positiveInt(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `${option} must be a whole number from ${min} to ${max}.`,
    );
  }
  return n;
}

export function allocationLines(p: AllocationProfile): string[] {
  const lines = [
    `sampled ${formatBytes(p.totalBytes)} over ${((p.stoppedAtMs - p.startedAtMs) / 1000).toFixed(1)} s; top ${p.sites.length} sites by self size:`,
  ];
  p.sites.forEach((s, i) => {
    const top = s.stack[0];
    const where = top
      ? `${top.functionName} ${top.url}:${top.lineNumber}:${top.columnNumber}`
      : '(root)';
    lines.push(
      `${String(i + 1).padStart(2)}. ${formatBytes(s.selfSizeBytes).padStart(7)} ${(s.share * 100).toFixed(1).padStart(5)}%  ${printable(where)}`,
    );
    for (const f of s.stack.slice(1, 6)) {
      lines.push(
        `              at ${printable(`${f.functionName} ${f.url}:${f.lineNumber}:${f.columnNumber}`)}`,
      );
    }
  });
  return lines;
}

export const allocationsCommand: Command = {
  name: 'allocations',
  summary: 'sample allocations and print the top allocation sites',
  usage,
  async run(argv, io: Io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        duration: { type: 'string' },
        top: { type: 'string' },
        interval: { type: 'string' },
        json: { type: 'boolean' },
        'enable-inspector': { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const spec = oneTarget(positionals, 'allocations');
    if (values.duration === undefined) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'allocations needs --duration, e.g. --duration 10s.',
      );
    }
    const durationMs = parseDurationMs(values.duration, '--duration');
    const top = positiveInt(values.top, '--top', 1, 100) ?? 10;
    const samplingIntervalBytes = positiveInt(
      values.interval,
      '--interval',
      1024,
      16 * 1024 * 1024,
    );
    const profile = await withTarget(spec, values['enable-inspector'] ?? false, async (m, t) => {
      await m.startAllocationSampling(
        samplingIntervalBytes === undefined
          ? { targetId: t.id }
          : { targetId: t.id, samplingIntervalBytes },
      );
      if (!values.json)
        io.err(
          `resdash: sampling allocations for ${(durationMs / 1000).toFixed(1)} s; Ctrl-C to stop early`,
        );
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), durationMs);
      const offTargets = m.on('targets', (list) => {
        if (list.find((x) => x.id === t.id)?.status === 'detached') stop.abort();
      });
      await untilStopped(stop.signal);
      clearTimeout(timer);
      offTargets();
      return m.stopAllocationSampling({ targetId: t.id, top });
    });
    if (values.json) io.out(JSON.stringify(profile));
    else for (const line of allocationLines(profile)) io.out(line);
    return 0;
  },
};

// resdash analyze FILE: summary by class of a .heapsnapshot (and a retainer path),
// computed in a separate process. Ctrl-C kills the analysis child.
import type { AnalysisProgress, SnapshotAnalysis } from '../../shared/snapshot-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash analyze FILE [--top N] [--class NAME] [--json]

Analyses a heap snapshot (.heapsnapshot) in a separate process: object counts,
shallow and retained sizes by class (constructor), sorted by retained size.

Options:
  --top N        rows to print (default 30)
  --class NAME   also print the shortest retainer path from the GC roots to an
                 instance of class NAME
  --pid PID      record the pid the snapshot was taken from (kept in --json meta)
  --json         print the result as one JSON object
  -h, --help     show this help`;

/** Files above this size get a progress line on stderr. */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

export function parseCount(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 100_000) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `${flag} needs a whole number from 1 to 100000, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

export function parsePidOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `${flag} needs a process id, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

/** Progress lines on stderr, one per phase and per 10% of the parse. */
export function progressPrinter(io: Io): (p: AnalysisProgress) => void {
  let last = '';
  return (p) => {
    const pct = p.fraction === undefined ? '' : ` ${Math.floor(p.fraction * 10) * 10}%`;
    const line = `resdash: ${p.phase}${p.phase === 'parse' ? pct : ''}`;
    if (line !== last) io.err(line);
    last = line;
  };
}

/** Whether a file is big enough to deserve progress lines. */
export async function isBigFile(file: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(file).then(
    (st) => st.size >= PROGRESS_MIN_BYTES,
    () => false,
  );
}

/** Runs work with an AbortSignal that fires on SIGINT / SIGTERM. */
export async function cancellable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const done = new AbortController();
  void untilStopped(done.signal).then((why) => {
    if (why === 'signal') stop.abort();
  });
  try {
    return await work(stop.signal);
  } finally {
    done.abort();
  }
}

function printSummary(result: SnapshotAnalysis, io: Io): void {
  const s = result.summary;
  io.out(
    `${printable(s.meta.path)}: ${s.nodeCount} nodes, ${s.edgeCount} edges, ` +
      `${formatBytes(s.reachableShallowBytes)} reachable of ${formatBytes(s.totalShallowBytes)} (${s.analysisMs} ms)`,
  );
  io.out('');
  io.out(`${'RETAINED'.padStart(10)} ${'SHALLOW'.padStart(10)} ${'COUNT'.padStart(10)}  CLASS`);
  for (const c of s.constructors) {
    io.out(
      `${formatBytes(c.retainedBytes).padStart(10)} ${formatBytes(c.shallowBytes).padStart(10)} ${String(c.count).padStart(10)}  ${printable(c.name)}`,
    );
  }
  if (s.constructorCount > s.constructors.length) {
    io.out(`(${s.constructorCount - s.constructors.length} more classes; use --top)`);
  }
  const p = result.retainerPath;
  if (p) {
    io.out('');
    io.out(
      `Retainer path of ${printable(p.className)} (${p.instanceCount} instances; @${p.targetNodeId} retains ${formatBytes(p.targetRetainedBytes)}):`,
    );
    io.out(`  ${printable(p.text)}`);
  }
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary: 'summarize a heap snapshot by class (retained sizes, retainer path)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        top: { type: 'string' },
        class: { type: 'string' },
        pid: { type: 'string' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'analyze needs exactly one FILE (a .heapsnapshot).',
      );
    }
    const top = parseCount(values.top, '--top', 30);
    const pid = parsePidOption(values.pid, '--pid');
    const file = positionals[0]!;
    const { analyzeSnapshotFile } = await import('../../monitor/snapshots/analysis/run-analysis');
    const big = await isBigFile(file);
    const result = await cancellable((signal) =>
      analyzeSnapshotFile(
        file,
        {
          top,
          ...(values.class !== undefined ? { className: values.class } : {}),
          ...(pid !== undefined ? { pid } : {}),
        },
        { signal, ...(big && !values.json ? { onProgress: progressPrinter(io) } : {}) },
      ),
    );
    if (values.json) io.out(JSON.stringify(result));
    else printSummary(result, io);
    return 0;
  },
};

// resdash diff A B: what changed between two heap snapshots of one process, by class
// (objects added / removed by node id, count and size deltas, the new objects' ids).
import type { SnapshotDiff } from '../../shared/snapshot-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { parseOptions } from '../runtime';
import { cancellable, isBigFile, parseCount, parsePidOption, progressPrinter } from './analyze';
import type { Command } from './command';

const usage = `Usage: resdash diff A B [--top N] [--json]

Compares two heap snapshots of the same process (A taken before B), in a separate
process: per class, objects added and removed (by node id), count and size deltas,
and the ids of the new objects.

Options:
  --top N             rows to print (default 30)
  --ids N             node ids listed per class at most (default 20)
  --pid-a PID         pid A was taken from; with --pid-b, refuse different processes
  --pid-b PID
  --force             diff even if the snapshots look like different processes
  --json              print the result as one JSON object
  -h, --help          show this help`;

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function signedBytes(n: number): string {
  return n > 0 ? `+${formatBytes(n)}` : n < 0 ? `-${formatBytes(-n)}` : '0B';
}

function printDiff(d: SnapshotDiff, io: Io): void {
  io.out(`${printable(d.before.path)} -> ${printable(d.after.path)} (${d.analysisMs} ms)`);
  for (const w of d.warnings) io.out(`warning: ${printable(w)}`);
  io.out(
    `${d.totals.addedCount} objects added, ${d.totals.removedCount} removed, size ${signedBytes(d.totals.sizeDeltaBytes)}`,
  );
  io.out('');
  io.out(
    `${'SIZE Δ'.padStart(10)} ${'COUNT Δ'.padStart(9)} ${'ADDED'.padStart(9)} ${'REMOVED'.padStart(9)}  CLASS`,
  );
  for (const c of d.perConstructor) {
    io.out(
      `${signedBytes(c.sizeDeltaBytes).padStart(10)} ${signed(c.countDelta).padStart(9)} ${String(c.addedCount).padStart(9)} ${String(c.removedCount).padStart(9)}  ${printable(c.name)}`,
    );
  }
  if (d.newObjects.length > 0) {
    io.out('');
    io.out('New objects by class:');
    for (const n of d.newObjects) {
      const ids = n.nodeIds.map((id) => `@${id}`).join(' ');
      io.out(`  ${printable(n.name)} (${n.count}): ${ids}${n.truncated ? ' …' : ''}`);
    }
  }
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two heap snapshots of one process by class',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        top: { type: 'string' },
        ids: { type: 'string' },
        'pid-a': { type: 'string' },
        'pid-b': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 2) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'diff needs two files: A (before) and B (after).',
      );
    }
    const top = parseCount(values.top, '--top', 30);
    const maxIdsPerClass = parseCount(values.ids, '--ids', 20);
    const beforePid = parsePidOption(values['pid-a'], '--pid-a');
    const afterPid = parsePidOption(values['pid-b'], '--pid-b');
    const big = (await isBigFile(positionals[0]!)) || (await isBigFile(positionals[1]!));
    const { diffSnapshotFiles } = await import('../../monitor/snapshots/analysis/run-analysis');
    const result = await cancellable((signal) =>
      diffSnapshotFiles(
        positionals[0]!,
        positionals[1]!,
        {
          top,
          maxIdsPerClass,
          ...(beforePid !== undefined ? { beforePid } : {}),
          ...(afterPid !== undefined ? { afterPid } : {}),
          ...(values.force ? { force: true } : {}),
        },
        { signal, ...(big && !values.json ? { onProgress: progressPrinter(io) } : {}) },
      ),
    );
    if (values.json) io.out(JSON.stringify(result));
    else printDiff(result, io);
    return 0;
  },
};

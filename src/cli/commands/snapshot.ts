// resdash snapshot TARGET: capture a heap snapshot (pre-flight, progress on stderr,
// Ctrl-C cancels) into the snapshot library or to -o FILE; plus the library itself:
// snapshot list | import PATH | delete ID.
import { copyFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SnapshotProgress, SnapshotRecord } from '../../shared/heap-tools-model';
import type { TargetInfo } from '../../shared/model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { TARGET_HELP } from '../parse';
import { openMonitor, parseOptions, untilStopped, type OwnedMonitor } from '../runtime';
import type { Command } from './command';
import { oneTarget, withTarget } from './gc';

const usage = `Usage: resdash snapshot TARGET [--thread ID] [-o FILE] [--yes] [--exact-progress] [--json] [--enable-inspector]
       resdash snapshot list [--json]
       resdash snapshot import PATH [--json]
       resdash snapshot delete ID

Captures a heap snapshot of a Node.js process. The file opens in Chrome DevTools
(Memory tab). The target's event loop stops for the whole capture and it may need
many times its heap in extra memory: resdash estimates both first and asks for
--yes when memory or disk may not be enough. Ctrl-C cancels (the target still
finishes its pause). Without -o the file goes to the snapshot library in
$RESDASH_DATA_DIR/snapshots (default ~/.resdash/snapshots).

On Linux the target writes the snapshot itself (v8.writeHeapSnapshot) into a pipe
that resdash reads: the shortest pause, and Ctrl-C ends it early. Elsewhere, or
when the target cannot (Node.js < 20.16, another container), it comes over the
inspector protocol. Progress while the target walks its heap is estimated from
the time; --exact-progress asks V8 to count first (inspector only, longer pause).

${TARGET_HELP.join('\n')}

Options:
  --thread ID          the heap of worker thread ID (worker_threads.threadId) of the process,
                       not its main thread's; the file and the library entry name the thread
  -o, --output FILE    write the snapshot to FILE instead of the library (must not exist)
  --yes                capture even when the pre-flight says it may not fit
  --exact-progress     V8's own object counter for progress (a longer pause)
  --json               print the snapshot record (or the library) as JSON
  --enable-inspector   if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  -h, --help           show this help`;

function recordLine(r: SnapshotRecord): string {
  const when = new Date(r.createdAtMs).toISOString().replace('T', ' ').slice(0, 19);
  const heap = r.heapUsedBytes === null ? '' : ` heap ${formatBytes(r.heapUsedBytes)}`;
  return printable(
    `${r.id}  ${when}  ${formatBytes(r.sizeBytes).padStart(7)}  ${r.source}${r.pid !== null ? ` pid ${r.pid}` : ''}${heap}  ${r.title}`,
  );
}

async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(from, to);
    await unlink(from);
  }
}

async function library(sub: string, rest: string[], json: boolean, io: Io): Promise<number> {
  const m = await openMonitor();
  try {
    if (sub === 'list') {
      if (rest.length > 0)
        throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'snapshot list takes no arguments.');
      const lib = await m.listSnapshots({});
      if (json) io.out(JSON.stringify(lib));
      else {
        io.out(`${lib.snapshots.length} snapshot(s) in ${printable(lib.dir)}`);
        for (const r of lib.snapshots) io.out(recordLine(r));
      }
    } else if (sub === 'import') {
      if (rest.length !== 1)
        throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'snapshot import takes one PATH.');
      const rec = await m.importSnapshot({ path: path.resolve(rest[0]!) });
      io.out(json ? JSON.stringify(rec) : `imported ${recordLine(rec)}`);
    } else {
      if (rest.length !== 1)
        throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'snapshot delete takes one ID.');
      await m.deleteSnapshot({ snapshotId: rest[0]! });
      io.out(json ? JSON.stringify({ deleted: rest[0] }) : `deleted ${printable(rest[0]!)}`);
    }
    return 0;
  } finally {
    await m.dispose();
  }
}

export const snapshotCommand: Command = {
  name: 'snapshot',
  summary: 'capture a heap snapshot; list, import or delete library snapshots',
  usage,
  async run(argv, io: Io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        output: { type: 'string', short: 'o' },
        yes: { type: 'boolean' },
        'exact-progress': { type: 'boolean' },
        json: { type: 'boolean' },
        'enable-inspector': { type: 'boolean' },
        thread: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const [first, ...rest] = positionals;
    if (first === 'list' || first === 'import' || first === 'delete') {
      return library(first, rest, values.json ?? false, io);
    }
    const spec = oneTarget(positionals, 'snapshot');
    const threadId = values.thread === undefined ? null : parseThreadId(values.thread);
    let output: string | null = null;
    if (values.output !== undefined) {
      output = path.resolve(values.output);
      const exists = await stat(output).then(
        () => true,
        () => false,
      );
      if (exists)
        throw new MonitorError(
          ErrorCodes.BAD_ARGUMENT,
          `${output} already exists; choose another -o FILE.`,
        );
      const dir = await stat(path.dirname(output)).catch(() => null);
      if (!dir?.isDirectory()) {
        throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `The folder of ${output} does not exist.`);
      }
    }
    const rec = await withTarget(
      spec,
      values['enable-inspector'] ?? false,
      async (m, process) => {
        const t = threadId === null ? process : await threadTarget(m, process, threadId);
        const est = await m.estimateHeapSnapshot({ targetId: t.id });
        for (const w of est.warnings) io.err(`resdash: warning: ${w}`);
        if (!est.fits && !values.yes) {
          throw new MonitorError(
            ErrorCodes.CONFIRM_REQUIRED,
            `${est.warnings.join(' ')} Run again with --yes to capture anyway.`,
          );
        }
        io.err(
          `resdash: capturing a heap snapshot of ${formatBytes(est.heapUsedBytes)} heap; the target's event loop stops for about ${est.pauseSeconds.toFixed(1)} s`,
        );
        let lastLineMs = 0;
        let via = 'inspector' as SnapshotProgress['via'];
        const offProgress = m.on('snapshotProgress', (p) => {
          if (p.targetId !== t.id || (p.phase !== 'preparing' && p.phase !== 'writing')) return;
          via = p.via;
          const nowMs = Date.now();
          if (nowMs - lastLineMs < 1_000) return;
          lastLineMs = nowMs;
          io.err(`resdash: snapshot ${progressText(p)}`);
        });
        const done = new AbortController();
        const capture = m
          .takeHeapSnapshot({
            targetId: t.id,
            confirm: values.yes ?? false,
            exactProgress: values['exact-progress'] ?? false,
          })
          .finally(() => done.abort());
        capture.catch(() => undefined);
        const why = await untilStopped(done.signal);
        if (why === 'signal') {
          io.err(
            via === 'pipe'
              ? 'resdash: cancelling; the target stops at its next write'
              : 'resdash: cancelling; the target finishes its pause on its own',
          );
          await m.cancelHeapSnapshot({ targetId: t.id }).catch(() => undefined);
        }
        try {
          return await capture;
        } finally {
          offProgress();
        }
      },
      { threads: threadId !== null },
    );
    if (output !== null) {
      await moveFile(rec.path, output);
      // The file left the library: drop its entry (loaded lazily, like the monitor).
      const { SnapshotLibrary, defaultDataDir } = await import('../../monitor/snapshots/library');
      await new SnapshotLibrary(defaultDataDir()).forget(rec.id);
      const moved = { ...rec, path: output, fileName: path.basename(output) };
      io.out(
        json(values.json, moved, `wrote ${printable(output)} (${formatBytes(rec.sizeBytes)})`),
      );
      return 0;
    }
    io.out(json(values.json, rec, `saved ${recordLine(rec)}\n${printable(rec.path)}`));
    return 0;
  },
};

function parseThreadId(text: string): number {
  if (!/^\d{1,9}$/.test(text)) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `--thread takes a worker thread id (worker_threads.threadId), not ${JSON.stringify(text)}.`,
    );
  }
  return Number(text);
}

/** The target of worker thread `threadId` of an attached process; THREAD_NOT_FOUND if none. */
async function threadTarget(
  m: OwnedMonitor,
  process: TargetInfo,
  threadId: number,
): Promise<TargetInfo> {
  const threads = await m.listThreads({ targetId: process.id });
  const found = threads.find((x) => x.threadId === threadId && x.targetId !== null);
  const target = found
    ? (await m.listTargets({})).find((x) => x.id === found.targetId && x.status !== 'detached')
    : undefined;
  if (!target) {
    const running = threads.map((x) => x.threadId).join(', ') || 'none';
    throw new MonitorError(
      ErrorCodes.THREAD_NOT_FOUND,
      `PID ${process.pid ?? '?'} runs no worker thread ${threadId} (it exited, or never ran); its worker threads now: ${running}.`,
    );
  }
  return target;
}

/** "42% (estimated), walking the heap, about 3 s left" */
export function progressText(p: SnapshotProgress): string {
  const pct = `${Math.floor(p.fraction * 100)}%${p.exact ? ` (${p.done}/${p.total} objects)` : ' (estimated)'}`;
  const what =
    p.phase === 'preparing'
      ? 'the target is walking its heap'
      : `${formatBytes(p.bytesWritten)} of about ${formatBytes(p.expectedBytes)} written`;
  const left = p.remainingMs === null ? '' : `, about ${Math.ceil(p.remainingMs / 1000)} s left`;
  return `${pct}, ${what}${left} (via the ${p.via})`;
}

function json(asJson: boolean | undefined, value: unknown, text: string): string {
  return asJson ? JSON.stringify(value) : text;
}

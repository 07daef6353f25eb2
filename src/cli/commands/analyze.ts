// resdash analyze FILE: summary by class of a .heapsnapshot (and a retainer path),
// computed in a separate process; with --dominators, --retainers or --instances the
// snapshot is opened in the heap explorer's analysis process and queried instead.
// Ctrl-C kills the analysis child.
import type {
  AnalysisProgress,
  ExplorerNode,
  ExplorerPath,
  ExplorerRetainer,
  ExplorerSessionInfo,
  SnapshotAnalysis,
} from '../../shared/snapshot-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash analyze FILE [--top N] [--class NAME] [--json]
       resdash analyze FILE --dominators [--depth N] [--top N] [--json]
       resdash analyze FILE --retainers ID [--depth N] [--top N] [--json]
       resdash analyze FILE --instances CLASS [--top N] [--json]

Analyses a heap snapshot (.heapsnapshot) in a separate process: object counts,
shallow and retained sizes by class (constructor), sorted by retained size.

Options:
  --top N            rows to print (default 30; with --dominators and --retainers:
                     rows per level, default 10; with --instances: default 20)
  --class NAME       also print the shortest retainer path from the GC roots to an
                     instance of class NAME
  --pid PID          record the pid the snapshot was taken from (kept in --json meta)
  --json             print the result as one JSON object
  -h, --help         show this help

Heap explorer (node ids are the "@" numbers Chrome DevTools shows):
  --dominators       the dominator tree from the root down, biggest retained first:
                     what each object alone keeps alive
  --retainers ID     what holds object @ID: the edges into it (weak ones marked)
                     and theirs, and its shortest path from the root
  --instances CLASS  the instances of CLASS, biggest retained first, with the count
  --depth N          levels of --dominators (default 3) or --retainers (default 4)

Retained size: what would be freed if the object were gone. Self size: the
object's own bytes. Share: retained size of the whole reachable heap.`;

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

type ExplorerMode =
  | { kind: 'dominators'; depth: number; top: number }
  | { kind: 'retainers'; nodeId: number; depth: number; top: number }
  | { kind: 'instances'; className: string; top: number };

function explorerMode(values: Record<string, unknown>): ExplorerMode | null {
  const modes = ['dominators', 'retainers', 'instances'].filter((k) => values[k] !== undefined);
  if (modes.length > 1) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      'Use one of --dominators, --retainers and --instances at a time.',
    );
  }
  if (modes.length === 0) {
    if (values.depth !== undefined)
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        '--depth goes with --dominators or --retainers.',
      );
    return null;
  }
  if (values.class !== undefined) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      '--class goes with the summary, not with ' + `--${modes[0]}.`,
    );
  }
  const depthOf = (fallback: number): number => {
    const d = parseCount(values.depth as string | undefined, '--depth', fallback);
    if (d > 50) throw new MonitorError(ErrorCodes.BAD_ARGUMENT, '--depth is at most 50.');
    return d;
  };
  const topOf = (fallback: number): number =>
    Math.min(200, parseCount(values.top as string | undefined, '--top', fallback));
  if (modes[0] === 'dominators') return { kind: 'dominators', depth: depthOf(3), top: topOf(10) };
  if (modes[0] === 'retainers') {
    const raw = String(values.retainers).replace(/^@/, '');
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n > 0xffffffff) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `--retainers needs a node id (the number after "@" in DevTools), got ${JSON.stringify(values.retainers)}.`,
      );
    }
    return { kind: 'retainers', nodeId: n, depth: depthOf(4), top: topOf(10) };
  }
  const cls = String(values.instances);
  if (cls.length === 0 || cls.length > 1024) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, '--instances needs a class name.');
  }
  if (values.depth !== undefined)
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      '--depth goes with --dominators or --retainers.',
    );
  return { kind: 'instances', className: cls, top: topOf(20) };
}

const share = (bytes: number, total: number): string =>
  total > 0 ? `${((100 * bytes) / total).toFixed(1)}%` : '-';

function nodeLabel(n: ExplorerNode): string {
  const name = n.name && n.name !== n.className ? ` ${JSON.stringify(n.name.slice(0, 60))}` : '';
  const value = n.value !== undefined ? ` = ${JSON.stringify(n.value.slice(0, 60))}` : '';
  return printable(`${n.className}${name}${value} @${n.nodeId}`);
}

function sizeCols(n: ExplorerNode, total: number): string {
  return (
    `${formatBytes(n.retainedBytes).padStart(9)} ${share(n.retainedBytes, total).padStart(6)} ` +
    `${formatBytes(n.selfBytes).padStart(8)}`
  );
}

interface DomTree {
  node: ExplorerNode;
  children: DomTree[];
  /** Children not listed (past --top). */
  more: number;
}

interface RetainerTree extends ExplorerRetainer {
  retainers?: RetainerTree[];
  more?: number;
  /** The object is already shown above (a cycle, or reached twice). */
  seen?: true;
}

/** Opens FILE in an explorer session, runs the queries, closes it. */
async function runExplorer(
  file: string,
  mode: ExplorerMode,
  signal: AbortSignal,
  onProgress: ((p: AnalysisProgress) => void) | undefined,
): Promise<Record<string, unknown>> {
  const { ExplorerSessions } = await import('../../monitor/snapshots/analysis/explorer-sessions');
  const path = await import('node:path');
  const abs = path.resolve(file);
  const sessions = new ExplorerSessions({ maxOpen: 1 });
  const stop = (): void => sessions.dispose();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const info: ExplorerSessionInfo = await sessions.open({ path: abs, key: abs }, onProgress);
    const sessionId = info.sessionId;
    const meta = {
      path: info.path,
      nodeCount: info.nodeCount,
      edgeCount: info.edgeCount,
      totalBytes: info.totalBytes,
      openMs: info.openMs,
    };
    if (mode.kind === 'dominators') {
      const grow = async (node: ExplorerNode, depth: number): Promise<DomTree> => {
        if (depth === 0 || node.childCount === 0)
          return { node, children: [], more: node.childCount };
        const pg = await sessions.query<{ rows: ExplorerNode[]; total: number }>(sessionId, {
          kind: 'children',
          nodeId: node.nodeId,
          limit: mode.top,
        });
        const children: DomTree[] = [];
        for (const c of pg.rows) children.push(await grow(c, depth - 1));
        return { node, children, more: pg.total - pg.rows.length };
      };
      return { kind: 'dominators', meta, tree: await grow(info.root, mode.depth) };
    }
    if (mode.kind === 'instances') {
      const pg = await sessions.query<{ rows: ExplorerNode[]; total: number }>(sessionId, {
        kind: 'instances',
        className: mode.className,
        limit: mode.top,
      });
      return { kind: 'instances', meta, className: mode.className, total: pg.total, rows: pg.rows };
    }
    const node = await sessions.query<ExplorerNode>(sessionId, {
      kind: 'node',
      nodeId: mode.nodeId,
    });
    const path_ = await sessions.query<ExplorerPath>(sessionId, {
      kind: 'path',
      nodeId: mode.nodeId,
    });
    const seen = new Set<number>([node.nodeId]);
    const grow = async (
      id: number,
      depth: number,
    ): Promise<{ rows: RetainerTree[]; more: number }> => {
      const pg = await sessions.query<{ rows: ExplorerRetainer[]; total: number }>(sessionId, {
        kind: 'retainers',
        nodeId: id,
        limit: mode.top,
      });
      const rows: RetainerTree[] = [];
      for (const r of pg.rows) {
        if (seen.has(r.node.nodeId)) {
          rows.push({ ...r, seen: true });
          continue;
        }
        seen.add(r.node.nodeId);
        if (depth > 1 && r.node.retainerCount > 0) {
          const sub = await grow(r.node.nodeId, depth - 1);
          rows.push({ ...r, retainers: sub.rows, more: sub.more });
        } else rows.push(r);
      }
      return { rows, more: pg.total - pg.rows.length };
    };
    const tree = await grow(node.nodeId, mode.depth);
    return { kind: 'retainers', meta, node, path: path_, retainers: tree.rows, more: tree.more };
  } finally {
    signal.removeEventListener('abort', stop);
    sessions.dispose();
  }
}

function printExplorer(r: Record<string, unknown>, io: Io): void {
  const meta = r.meta as { path: string; nodeCount: number; edgeCount: number; totalBytes: number };
  const total = meta.totalBytes;
  io.out(
    `${printable(meta.path)}: ${meta.nodeCount} nodes, ${meta.edgeCount} edges, ${formatBytes(total)} reachable`,
  );
  io.out('');
  const head = `${'RETAINED'.padStart(9)} ${'SHARE'.padStart(6)} ${'SELF'.padStart(8)}  OBJECT`;
  if (r.kind === 'dominators') {
    io.out(head);
    const walk = (t: DomTree, indent: string): void => {
      io.out(`${sizeCols(t.node, total)}  ${indent}${nodeLabel(t.node)}`);
      for (const c of t.children) walk(c, `${indent}  `);
      if (t.more > 0 && t.children.length > 0)
        io.out(`${''.padStart(25)}  ${indent}  (${t.more} more)`);
    };
    walk(r.tree as DomTree, '');
    return;
  }
  if (r.kind === 'instances') {
    const rows = r.rows as ExplorerNode[];
    io.out(`${r.total as number} instances of ${printable(r.className as string)}`);
    io.out(head);
    for (const n of rows) io.out(`${sizeCols(n, total)}  ${nodeLabel(n)}`);
    if ((r.total as number) > rows.length)
      io.out(`(${(r.total as number) - rows.length} more; use --top)`);
    return;
  }
  const node = r.node as ExplorerNode;
  const p = r.path as ExplorerPath;
  io.out(`${head}`);
  io.out(`${sizeCols(node, total)}  ${nodeLabel(node)}`);
  const walk = (rows: RetainerTree[], more: number | undefined, indent: string): void => {
    for (const x of rows) {
      const edge = `${x.edgeType === 'element' || x.edgeType === 'hidden' ? `[${x.edgeName}]` : `.${x.edgeName}`}`;
      const tags = `${x.weak ? ' (weak)' : ''}${x.seen ? ' (shown above)' : ''}`;
      io.out(
        `${sizeCols(x.node, total)}  ${indent}<- ${printable(edge)} of ${nodeLabel(x.node)}${tags}`,
      );
      if (x.retainers) walk(x.retainers, x.more, `${indent}  `);
    }
    if (more && more > 0) io.out(`${''.padStart(25)}  ${indent}(${more} more)`);
  };
  walk(r.retainers as RetainerTree[], r.more as number, '  ');
  io.out('');
  io.out(
    p.steps.length > 0
      ? `Shortest path from the root: ${printable(p.text)}`
      : 'Not reachable from the root.',
  );
}

export const analyzeCommand: Command = {
  name: 'analyze',
  summary:
    'summarize a heap snapshot by class (retained sizes, retainer path); dominators, retainers, instances',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        top: { type: 'string' },
        class: { type: 'string' },
        pid: { type: 'string' },
        json: { type: 'boolean' },
        dominators: { type: 'boolean' },
        retainers: { type: 'string' },
        instances: { type: 'string' },
        depth: { type: 'string' },
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
    const mode = explorerMode(values);
    const file = positionals[0]!;
    if (mode) {
      const big = await isBigFile(file);
      const r = await cancellable((signal) =>
        runExplorer(file, mode, signal, big && !values.json ? progressPrinter(io) : undefined),
      );
      if (values.json) io.out(JSON.stringify(r));
      else printExplorer(r, io);
      return 0;
    }
    const top = parseCount(values.top, '--top', 30);
    const pid = parsePidOption(values.pid, '--pid');
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

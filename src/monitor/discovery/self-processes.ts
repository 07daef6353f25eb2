// The dashboard's own processes: the process the monitor runs in, its ancestors (npm
// start, scripts/start.js, npm exec resdash …), the children the monitor started for
// itself (snapshot analysis) and, in Electron, the runtime's helper processes. They are
// flagged `self` in the process list (hidden by default) and refused by attach: attaching
// to them would pause or probe the dashboard itself.
import { readFile } from 'node:fs/promises';
import { parseStat } from './proc-parse';

/** Deeper parent chains than this are cut (a loop guard; real chains are short). */
const MAX_ANCESTORS = 64;

/** Children the monitor started for its own work (not targets such as the demo). */
const ownChildren = new Set<number>();

/** Records a child the monitor started for itself; call the result when it exits. */
export function registerOwnChild(pid: number | undefined): () => void {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return () => undefined;
  ownChildren.add(pid);
  return () => {
    ownChildren.delete(pid);
  };
}

export function ownChildPids(): ReadonlySet<number> {
  return ownChildren;
}

async function ppidOf(pid: number): Promise<number | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'))?.ppid ?? null;
  } catch {
    return null;
  }
}

/** pid's parent chain from /proc/PID/stat, nearest first, without pid 0 and 1 (init). */
export async function ancestorsOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  let cur = pid;
  while (out.length < MAX_ANCESTORS) {
    const ppid = await ppidOf(cur);
    if (ppid === null || ppid <= 1 || out.includes(ppid) || ppid === pid) break;
    out.push(ppid);
    cur = ppid;
  }
  return out;
}

export interface ProcLink {
  pid: number;
  ppid: number;
  exe: string | null;
  argv: readonly string[];
}

/** A Chromium helper of this Electron app (renderer, GPU, zygote, utility): `--type=…`. */
function isRuntimeHelper(p: ProcLink, execPath: string): boolean {
  return p.exe === execPath && p.argv.some((a) => a.startsWith('--type='));
}

/**
 * Which of `procs` belong to the dashboard: `selfPid`, its `ancestors`, the children in
 * `own`, and (when `electron`) descendants of selfPid that are the runtime's helpers.
 * Pure, so the rule is unit-tested on made-up process tables.
 */
export function selfPidsAmong(
  procs: readonly ProcLink[],
  ctx: {
    selfPid: number;
    ancestors: readonly number[];
    own: ReadonlySet<number>;
    execPath: string;
    electron: boolean;
  },
): Set<number> {
  const self = new Set<number>([ctx.selfPid, ...ctx.ancestors]);
  for (const p of procs) if (ctx.own.has(p.pid) && p.ppid === ctx.selfPid) self.add(p.pid);
  if (ctx.electron) {
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const descends = (p: ProcLink): boolean => {
      let cur: ProcLink | undefined = p;
      for (let i = 0; cur && i < MAX_ANCESTORS; i++) {
        if (cur.ppid === ctx.selfPid) return true;
        cur = byPid.get(cur.ppid);
      }
      return false;
    };
    for (const p of procs) if (isRuntimeHelper(p, ctx.execPath) && descends(p)) self.add(p.pid);
  }
  return self;
}

/** The context selfPidsAmong needs, read now. */
export async function selfContext(): Promise<Parameters<typeof selfPidsAmong>[1]> {
  return {
    selfPid: process.pid,
    ancestors: await ancestorsOf(process.pid),
    own: ownChildren,
    execPath: process.execPath,
    electron: typeof process.versions.electron === 'string',
  };
}

/** Is this one process the dashboard's own (the rule of selfPidsAmong, for one pid)? */
export async function isOwnProcess(p: ProcLink): Promise<boolean> {
  const ctx = await selfContext();
  if (p.pid === ctx.selfPid || ctx.ancestors.includes(p.pid)) return true;
  if (ctx.own.has(p.pid) && p.ppid === ctx.selfPid) return true;
  if (ctx.electron && isRuntimeHelper(p, ctx.execPath)) {
    return (await ancestorsOf(p.pid)).includes(ctx.selfPid);
  }
  return false;
}

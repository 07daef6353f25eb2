// Process groups for the process list and for attachGroup: the tree rules are in
// process-tree.ts (pure); this file reads /proc for them and adds each listed
// process's parent pid, group id, RSS and CPU, and the groups with their sums.
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { ProcessGroup, ProcessList } from '../../shared/model';
import { parseRssBytes } from '../sampling/os-stats';
import type { ProcInfo } from './list-processes';
import { ancestorsOf, buildProcessTree, type ProcessTree, type TreeProc } from './process-tree';
import {
  CLOCK_TICKS_PER_SECOND,
  cleanExePath,
  isNodeExecutable,
  parseBootTimeSeconds,
  parseCmdline,
  parseStat,
  startTimeMs,
} from './proc-parse';

const MAX_COMMAND_CHARS = 4096;

/** CPU ticks per pid at the previous listing, for the CPU share between two listings. */
const lastTicks = new Map<number, { ticks: number; atMs: number; startTimeMs: number }>();

function treeProcOf(info: ProcInfo): TreeProc {
  return {
    pid: info.pid,
    ppid: info.ppid,
    isNode: info.isNode,
    argv: info.argv,
    exe: info.exe,
    startTimeMs: info.startTimeMs,
  };
}

async function rssOf(pid: number): Promise<number | null> {
  try {
    return parseRssBytes(await readFile(`/proc/${pid}/status`, 'latin1'));
  } catch {
    return null;
  }
}

function cpuOf(info: ProcInfo, nowMs: number): number | null {
  const prev = lastTicks.get(info.pid);
  lastTicks.set(info.pid, { ticks: info.cpuTicks, atMs: nowMs, startTimeMs: info.startTimeMs });
  if (!prev || prev.startTimeMs !== info.startTimeMs || nowMs - prev.atMs < 100) return null;
  const pct =
    ((info.cpuTicks - prev.ticks) / CLOCK_TICKS_PER_SECOND / ((nowMs - prev.atMs) / 1000)) * 100;
  return Number.isFinite(pct) && pct >= 0 ? pct : null;
}

/** Adds ppid, groupId, RSS and CPU to the listed processes, and the groups, to a list. */
export async function withProcessGroups(
  list: ProcessList,
  infos: readonly (ProcInfo | null)[],
): Promise<ProcessList> {
  const all = infos.filter((i): i is ProcInfo => i !== null);
  const byPid = new Map(all.map((i) => [i.pid, treeProcOf(i)]));
  const infoByPid = new Map(all.map((i) => [i.pid, i]));
  const hidden = new Set(list.processes.filter((p) => p.self).map((p) => p.pid));
  const tree = buildProcessTree([...byPid.values()], ancestorsOf(process.pid, byPid), hidden);
  const nowMs = performance.now();
  const usage = new Map<number, { rssBytes: number | null; cpuPercent: number | null }>();
  await Promise.all(
    list.processes.map(async (p) => {
      const info = infoByPid.get(p.pid);
      usage.set(p.pid, {
        rssBytes: await rssOf(p.pid),
        cpuPercent: info ? cpuOf(info, nowMs) : null,
      });
    }),
  );
  for (const pid of lastTicks.keys()) if (!infoByPid.has(pid)) lastTicks.delete(pid);
  const groups = new Map<string, ProcessGroup>();
  for (const p of list.processes) {
    const info = infoByPid.get(p.pid);
    if (info) p.ppid = info.ppid;
    const u = usage.get(p.pid);
    p.rssBytes = u?.rssBytes ?? null;
    p.cpuPercent = u?.cpuPercent ?? null;
    const groupId = tree.groupOf.get(p.pid);
    if (groupId === undefined) continue;
    p.groupId = groupId;
    const g = tree.groups.get(groupId)!;
    let out = groups.get(groupId);
    if (!out) {
      const root = infoByPid.get(g.rootPid);
      out = {
        id: g.id,
        rootPid: g.rootPid,
        rootCommand: (root?.argv ?? []).join(' ').trimEnd().slice(0, MAX_COMMAND_CHARS),
        rootIsNode: g.rootIsNode,
        memberPids: [],
        rssBytes: null,
        cpuPercent: null,
      };
      groups.set(groupId, out);
    }
    out.memberPids.push(p.pid);
    if (p.rssBytes !== null) out.rssBytes = (out.rssBytes ?? 0) + p.rssBytes;
    if (p.cpuPercent !== null) out.cpuPercent = (out.cpuPercent ?? 0) + p.cpuPercent;
  }
  for (const out of groups.values()) {
    const order = tree.groups.get(out.id)!.memberPids;
    out.memberPids.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
  return { ...list, groups: [...groups.values()] };
}

let bootSeconds: number | null = null;

/** Every process's tree fields, read from /proc without probing any port. */
async function scanTreeProcs(): Promise<TreeProc[]> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  bootSeconds ??= parseBootTimeSeconds(await readFile('/proc/stat', 'utf8')) ?? 0;
  const boot = bootSeconds;
  const read = async (pid: number): Promise<TreeProc | null> => {
    const stat = parseStat(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''));
    if (!stat || stat.state === 'Z' || stat.state === 'X') return null;
    const [exeLink, cmdline] = await Promise.all([
      readlink(`/proc/${pid}/exe`).catch(() => null),
      readFile(`/proc/${pid}/cmdline`).catch(() => null),
    ]);
    const argv = cmdline ? parseCmdline(cmdline) : [];
    const exe = exeLink === null ? null : cleanExePath(exeLink);
    return {
      pid,
      ppid: stat.ppid,
      isNode: isNodeExecutable(exe ?? argv[0] ?? null, process.execPath),
      argv,
      exe,
      startTimeMs: startTimeMs(stat, boot),
    };
  };
  const procs = await Promise.all(names.map((n) => read(Number(n))));
  return procs.filter((p): p is TreeProc => p !== null);
}

/** The current process tree (no inspector probing); group ids as in the process list. */
export async function readProcessTree(): Promise<ProcessTree> {
  const procs = await scanTreeProcs();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  return buildProcessTree(procs, ancestorsOf(process.pid, byPid));
}

/** The Node processes whose parent is pid (read from /proc, nothing probed). */
export async function nodeChildrenOf(pid: number): Promise<number[]> {
  return (await scanTreeProcs()).filter((p) => p.ppid === pid && p.isNode).map((p) => p.pid);
}

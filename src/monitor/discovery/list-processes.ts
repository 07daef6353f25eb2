// Finds local Node processes and their inspector ports by reading /proc only: no
// signal is sent to anyone. A port counts as the inspector only when its /json/list
// answers validly (a Node HTTP server listens too).
import { readFile, readdir, readlink } from 'node:fs/promises';
import type {
  DiscoveredInspector,
  DiscoveredProcess,
  InspectorState,
  ProcessList,
} from '../../shared/model';
import { fetchInspectorTargets, type InspectorTarget } from '../inspector/json-list';
import { readPackageName, titleFromParts } from './process-title';
import { isOwnProcess, selfContext, selfPidsAmong } from './self-processes';
import { withProcessGroups } from './groups';
import {
  cleanExePath,
  isLoopbackAddress,
  isNodeExecutable,
  isWildcardAddress,
  parseBootTimeSeconds,
  parseCmdline,
  parseProcNetTcp,
  parseStat,
  probeHostFor,
  socketInodeFromLink,
  startTimeMs,
  nodeOptionsFromEnviron,
  type ListenSocket,
} from './proc-parse';

export const PROBE_TIMEOUT_MS = 700;
/** A process with more listening sockets than this gets only its first ones probed. */
const MAX_PORTS_PROBED_PER_PID = 16;
const MAX_COMMAND_CHARS = 4096;

export interface ProcInfo {
  pid: number;
  /** readlink of /proc/PID/exe, or null when not readable (another user's process). */
  exe: string | null;
  argv: string[];
  /** NODE_OPTIONS from /proc/PID/environ when readable, else ''. */
  nodeOptions: string;
  isNode: boolean;
  startTimeMs: number;
  /** readlink of /proc/PID/cwd for Node processes, when readable. */
  cwd: string | null;
  /** Parent pid, from /proc/PID/stat. */
  ppid: number;
  /** User + system CPU so far, in clock ticks. */
  cpuTicks: number;
}

export interface ListOptions {
  ports?: number[];
  probeTimeoutMs?: number;
}

let bootTimeSecondsCache: number | null = null;

async function bootTimeSeconds(): Promise<number> {
  if (bootTimeSecondsCache === null) {
    bootTimeSecondsCache = parseBootTimeSeconds(await readFile('/proc/stat', 'utf8')) ?? 0;
  }
  return bootTimeSecondsCache;
}

/** Reads one process from /proc; null when it does not exist (or vanished meanwhile). */
export async function readProcInfo(pid: number): Promise<ProcInfo | null> {
  let statText: string;
  try {
    statText = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const stat = parseStat(statText);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return null;
  const [exeLink, cmdline] = await Promise.all([
    readlink(`/proc/${pid}/exe`).catch(() => null),
    readFile(`/proc/${pid}/cmdline`).catch(() => null),
  ]);
  const argv = cmdline ? parseCmdline(cmdline) : [];
  const exe = exeLink === null ? null : cleanExePath(exeLink);
  // Kernel threads have no exe and no cmdline; EACCES on exe falls back to argv[0].
  const isNode = isNodeExecutable(exe ?? argv[0] ?? null, process.execPath);
  // NODE_OPTIONS can move the SIGUSR1 port; only worth reading for Node processes, as
  // the working directory (the process's title comes from it).
  const [environ, cwd] = isNode
    ? await Promise.all([
        readFile(`/proc/${pid}/environ`).catch(() => null),
        readlink(`/proc/${pid}/cwd`).catch(() => null),
      ])
    : [null, null];
  return {
    pid,
    cwd,
    exe,
    argv,
    nodeOptions: environ ? nodeOptionsFromEnviron(environ) : '',
    isNode,
    startTimeMs: startTimeMs(stat, await bootTimeSeconds()),
    ppid: stat.ppid,
    cpuTicks: stat.cpuTicks,
  };
}

/** Every LISTEN socket of this network namespace, by inode. */
export async function readListeningSockets(): Promise<Map<string, ListenSocket>> {
  const [v4, v6] = await Promise.all([
    readFile('/proc/net/tcp', 'utf8').catch(() => ''),
    readFile('/proc/net/tcp6', 'utf8').catch(() => ''),
  ]);
  const map = new Map<string, ListenSocket>();
  for (const s of [...parseProcNetTcp(v4, 4), ...parseProcNetTcp(v6, 6)]) map.set(s.inode, s);
  return map;
}

/** Socket inodes held open by pid; empty when its fds are not readable. */
export async function socketInodesOf(pid: number): Promise<string[]> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const links = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')),
  );
  const out: string[] = [];
  for (const l of links) {
    const inode = socketInodeFromLink(l);
    if (inode) out.push(inode);
  }
  return out;
}

/** The listening sockets pid owns, one per port (prefer the widest bind for the exposure flag). */
export async function listeningSocketsOf(
  pid: number,
  listening?: Map<string, ListenSocket>,
): Promise<ListenSocket[]> {
  const all = listening ?? (await readListeningSockets());
  const byPort = new Map<number, ListenSocket>();
  for (const inode of await socketInodesOf(pid)) {
    const s = all.get(inode);
    if (!s) continue;
    const prev = byPort.get(s.port);
    if (!prev || (isLoopbackAddress(prev.address) && !isLoopbackAddress(s.address))) {
      byPort.set(s.port, s);
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

export interface FoundInspector {
  state: InspectorState;
  targets: InspectorTarget[];
}

/** Probes pid's listening ports; the first whose /json/list validates is the inspector. */
export async function findInspectorOf(
  pid: number,
  opts: { listening?: Map<string, ListenSocket>; probeTimeoutMs?: number } = {},
): Promise<FoundInspector> {
  const sockets = (await listeningSocketsOf(pid, opts.listening)).slice(
    0,
    MAX_PORTS_PROBED_PER_PID,
  );
  const results = await Promise.all(
    sockets.map((s) =>
      fetchInspectorTargets(s.port, {
        host: probeHostFor(s.address, s.family),
        timeoutMs: opts.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
      }).then(
        (targets) => ({ s, targets }),
        () => null,
      ),
    ),
  );
  const hit = results.find((r) => r !== null);
  if (!hit) return { state: { state: 'closed' }, targets: [] };
  return {
    state: {
      state: 'open',
      port: hit.s.port,
      bindAddress: hit.s.address,
      exposed: !isLoopbackAddress(hit.s.address),
    },
    targets: hit.targets,
  };
}

/** Which pid owns the LISTEN socket on port (loopback or wildcard bind); null if none is visible. */
export async function findPidListeningOn(port: number): Promise<number | null> {
  const listening = await readListeningSockets();
  const inodes = new Set(
    [...listening.values()]
      .filter(
        (s) => s.port === port && (isLoopbackAddress(s.address) || isWildcardAddress(s.address)),
      )
      .map((s) => s.inode),
  );
  if (inodes.size === 0) return null;
  for (const pid of await listPids()) {
    for (const inode of await socketInodesOf(pid)) if (inodes.has(inode)) return pid;
  }
  return null;
}

/** The LISTEN sockets on port, whoever owns them. */
export async function listenersOnPort(port: number): Promise<ListenSocket[]> {
  return [...(await readListeningSockets()).values()].filter((s) => s.port === port);
}

async function listPids(): Promise<number[]> {
  const names = await readdir('/proc');
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

export function commandOf(info: Pick<ProcInfo, 'argv'>): string {
  return info.argv.join(' ').trimEnd().slice(0, MAX_COMMAND_CHARS);
}

/** The process's short name (process-title.ts): its package, or its script and folder. */
export async function titleOf(info: Pick<ProcInfo, 'pid' | 'argv' | 'cwd' | 'startTimeMs'>) {
  const packageName = info.cwd === null ? null : await readPackageName(info.pid, info.startTimeMs);
  return titleFromParts({ argv: info.argv, cwd: info.cwd, packageName });
}

/** One process as the process list shows it; null if it does not exist. */
export async function describeProcess(
  pid: number,
  opts: { listening?: Map<string, ListenSocket>; probeTimeoutMs?: number } = {},
): Promise<(DiscoveredProcess & { isNode: boolean; info: ProcInfo }) | null> {
  const info = await readProcInfo(pid);
  if (!info) return null;
  const [inspector, title, self] = await Promise.all([
    info.isNode ? findInspectorOf(pid, opts).then((f) => f.state) : { state: 'closed' as const },
    titleOf(info),
    isOwnProcess(info),
  ]);
  return {
    pid,
    title,
    command: commandOf(info),
    startTimeMs: info.startTimeMs,
    inspector,
    ...(self ? { self: true } : {}),
    isNode: info.isNode,
    info,
  };
}

/** Local Node processes with their inspector state, plus inspectors on the ports the user named. */
export async function listProcesses(opts: ListOptions = {}): Promise<ProcessList> {
  const listening = await readListeningSockets();
  const pids = await listPids();
  const infos = await Promise.all(pids.map((pid) => readProcInfo(pid)));
  const live = infos.filter((i): i is ProcInfo => i !== null);
  const nodes = live.filter((i) => i.isNode);
  // The dashboard's own processes (self-processes.ts): flagged, hidden by the UIs.
  const self = selfPidsAmong(live, await selfContext());
  const probeTimeoutMs = opts.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
  const processes = await Promise.all(
    nodes.map(async (info): Promise<DiscoveredProcess> => {
      const [{ state }, title] = await Promise.all([
        findInspectorOf(info.pid, { listening, probeTimeoutMs }),
        titleOf(info),
      ]);
      return {
        pid: info.pid,
        title,
        command: commandOf(info),
        startTimeMs: info.startTimeMs,
        inspector: state,
        ...(self.has(info.pid) ? { self: true } : {}),
      };
    }),
  );
  const inspectors: DiscoveredInspector[] = [];
  const ports = [...new Set(opts.ports ?? [])];
  const found = await Promise.all(
    ports.map((port) =>
      fetchInspectorTargets(port, { timeoutMs: probeTimeoutMs * 2 }).catch(() => []),
    ),
  );
  for (const targets of found) {
    for (const t of targets)
      inspectors.push({ port: t.port, id: t.id, title: t.title, url: t.url });
  }
  return withProcessGroups({ processes, inspectors }, infos);
}

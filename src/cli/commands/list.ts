// resdash list: Node processes on this machine and their inspector state, plus any
// inspectors found on ports the user names.
import type { DiscoveredProcess, ProcessGroup, ProcessList } from '../../shared/model';
import { formatBytes } from '../format';
import { printable, type Io } from '../io';
import { parsePort } from '../parse';
import { openMonitor, parseOptions } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash list [--json] [--all] [--port N ...]

Lists the Node.js processes on this machine and whether their inspector is open.
Processes that belong together (a cluster primary and its workers, a supervisor and its
children, the Node children of one shell) are printed as a tree under one group line
with their summed RSS and CPU; --json adds each process's "ppid" and "groupId" and the
"groups".

Options:
  --json        print the process list as one JSON object
  --all         include resdash's own processes (this command, what started it, its
                helpers), marked [resdash] and "self": true
  --port N      also probe inspector port N on 127.0.0.1 (repeatable)
  -h, --help    show this help`;

function inspectorCell(p: DiscoveredProcess): string {
  if (p.inspector.state === 'closed') return 'closed';
  const where = `${p.inspector.bindAddress}:${p.inspector.port}`;
  return p.inspector.exposed ? `${where} EXPOSED` : where;
}

function printTable(list: ProcessList, io: Io, all: boolean): void {
  const processes = list.processes.filter((p) => all || !p.self);
  io.out(`${'PID'.padEnd(8)} ${'INSPECTOR'.padEnd(24)} COMMAND`);
  const row = (p: DiscoveredProcess, depth: number): void => {
    const tree = depth > 0 ? `${'  '.repeat(depth - 1)}└ ` : '';
    const command = tree + (p.self ? '[resdash] ' : '') + printable(p.command);
    io.out(
      `${String(p.pid).padEnd(8)} ${inspectorCell(p).padEnd(24)} ${command.length > 100 ? command.slice(0, 99) + '…' : command}`,
    );
  };
  // Process trees (a cluster primary and its workers, …): the group's line, then its
  // members indented under their parents. Processes alone are one line each.
  for (const item of treeOrder(processes, list.groups ?? [])) {
    if ('group' in item) {
      const g = item.group;
      const sums = `RSS ${formatBytes(g.rssBytes)}, CPU ${g.cpuPercent === null ? '-' : `${g.cpuPercent.toFixed(1)}%`}`;
      io.out(
        printable(
          `group ${g.id}: ${g.memberPids.length} processes, ${sums}${g.rootIsNode ? '' : `, under ${g.rootCommand.slice(0, 60)} (pid ${g.rootPid})`}`,
        ),
      );
    } else row(item.p, item.depth);
  }
  if (processes.length === 0) io.out('(no Node.js processes found)');
  if (list.inspectors.length > 0) {
    io.out('');
    io.out(`${'PORT'.padEnd(8)} ${'ID'.padEnd(38)} TITLE`);
    for (const i of list.inspectors) {
      io.out(`${String(i.port).padEnd(8)} ${printable(i.id).padEnd(38)} ${printable(i.title)}`);
    }
  }
}

type TreeItem = { group: ProcessGroup } | { p: DiscoveredProcess; depth: number };

/** Groups of two or more in tree order (parents before children), the rest by pid. */
export function treeOrder(processes: DiscoveredProcess[], groups: ProcessGroup[]): TreeItem[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const shownGroups = new Map<string, ProcessGroup>();
  for (const g of groups) {
    if (g.memberPids.filter((pid) => byPid.has(pid)).length > 1) shownGroups.set(g.id, g);
  }
  const out: TreeItem[] = [];
  const done = new Set<string>();
  for (const p of [...processes].sort((a, b) => a.pid - b.pid)) {
    const g = p.groupId === undefined ? undefined : shownGroups.get(p.groupId);
    if (!g) {
      out.push({ p, depth: 0 });
      continue;
    }
    if (done.has(g.id)) continue;
    done.add(g.id);
    out.push({ group: g });
    const members = g.memberPids.map((pid) => byPid.get(pid)).filter((m) => m !== undefined);
    const inGroup = new Set(members.map((m) => m.pid));
    const children = (ppid: number | undefined) =>
      members.filter((m) => (inGroup.has(m.ppid ?? -1) ? m.ppid : undefined) === ppid);
    const visit = (m: DiscoveredProcess, depth: number): void => {
      out.push({ p: m, depth });
      for (const c of children(m.pid)) visit(c, depth + 1);
    };
    for (const top of children(undefined)) visit(top, 1);
  }
  return out;
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list Node.js processes and their inspector state',
  usage,
  async run(argv, io) {
    const { values } = parseOptions(
      argv,
      {
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        port: { type: 'string', multiple: true },
      },
      false,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const ports = (values.port ?? []).map((p) => parsePort(p, '--port'));
    const monitor = await openMonitor();
    try {
      const list = await monitor.listProcesses(ports.length > 0 ? { ports } : {});
      if (values.json) {
        const shown = values.all
          ? list
          : { ...list, processes: list.processes.filter((p) => !p.self) };
        io.out(JSON.stringify(shown));
      } else {
        printTable(list, io, values.all ?? false);
      }
      return 0;
    } finally {
      await monitor.dispose();
    }
  },
};

// resdash list: Node processes on this machine and their inspector state, plus any
// inspectors found on ports the user names.
import type { DiscoveredProcess, ProcessList } from '../../shared/model';
import { printable, type Io } from '../io';
import { parsePort } from '../parse';
import { openMonitor, parseOptions } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash list [--json] [--all] [--port N ...]

Lists the Node.js processes on this machine and whether their inspector is open.

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
  for (const p of processes) {
    const command = (p.self ? '[resdash] ' : '') + printable(p.command);
    io.out(
      `${String(p.pid).padEnd(8)} ${inspectorCell(p).padEnd(24)} ${command.length > 100 ? command.slice(0, 99) + '…' : command}`,
    );
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

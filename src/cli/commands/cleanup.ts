// resdash cleanup TARGET: emergency cleanup. Every pool in the process releases its
// idle resources (agent-tracked pools; without the agent, the global http agents' free
// sockets), then a forced GC; prints what was freed.
import { formatBytes } from '../format';
import type { Io } from '../io';
import { printable } from '../io';
import { TARGET_HELP } from '../parse';
import { parseOptions } from '../runtime';
import type { Command } from './command';
import { oneTarget, withTarget } from './gc';

const usage = `Usage: resdash cleanup TARGET [--json] [--enable-inspector]

Emergency cleanup: asks every pool in a Node.js process to release its idle
resources (pools published with the resdash agent; without it, the free sockets of
http/https.globalAgent), then forces a garbage collection. Prints the heap before
and after and what each pool released, or why it could not (undici, pg).

${TARGET_HELP.join('\n')}

Options:
  --json               print {"targetId","pid","heapUsedBeforeBytes","heapUsedAfterBytes","freedBytes","gcOk","pools":[...],"durationMs"}
  --enable-inspector   if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  -h, --help           show this help`;

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'release idle pool resources and force a GC (emergency cleanup)',
  usage,
  async run(argv, io: Io) {
    const { values, positionals } = parseOptions(
      argv,
      { json: { type: 'boolean' }, 'enable-inspector': { type: 'boolean' } },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const spec = oneTarget(positionals, 'cleanup');
    const result = await withTarget(spec, values['enable-inspector'] ?? false, async (m, t) => ({
      pid: t.pid,
      ...(await m.emergencyCleanup({ targetId: t.id })),
    }));
    if (values.json) {
      io.out(JSON.stringify(result));
      return 0;
    }
    io.out(
      `heap used ${formatBytes(result.heapUsedBeforeBytes)} -> ${formatBytes(result.heapUsedAfterBytes)}: ` +
        `freed ${formatBytes(result.freedBytes)}${result.gcOk ? '' : ' (the GC did not complete)'}`,
    );
    if (result.pools.length === 0) io.out('no pools found');
    for (const p of result.pools) {
      io.out(
        `  ${printable(p.name)} (${p.kind}): ` +
          (p.released !== null
            ? `${p.released} idle released`
            : printable(p.message ?? 'not supported')),
      );
    }
    return 0;
  },
};

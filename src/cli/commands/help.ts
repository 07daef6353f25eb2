// resdash help [COMMAND]
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { Command } from './command';

export function helpCommand(commands: () => readonly Command[]): Command {
  const overview = (): string =>
    [
      'Usage: resdash COMMAND [options]',
      '',
      'Attach to running Node.js processes over the V8 inspector and watch their resources.',
      '',
      'Commands:',
      ...commands().map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
      '',
      "Run `resdash COMMAND --help` for a command's options.",
    ].join('\n');
  const self: Command = {
    name: 'help',
    summary: "show this help, or a command's help",
    get usage() {
      return overview();
    },
    async run(argv, io) {
      const name = argv.find((a) => !a.startsWith('-'));
      if (name === undefined) {
        io.out(overview());
        return 0;
      }
      const command = commands().find((c) => c.name === name);
      if (!command) {
        throw new MonitorError(
          ErrorCodes.BAD_ARGUMENT,
          `Unknown command ${JSON.stringify(name)}: run \`resdash help\`.`,
        );
      }
      io.out(command.usage);
      return 0;
    },
  };
  return self;
}

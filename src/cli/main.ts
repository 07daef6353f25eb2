// resdash entry point: dispatches to one command module and turns any failure into
// one line on stderr and a non-zero exit code.
import { ErrorCodes, MonitorError } from '../shared/errors';
import { COMMANDS, findCommand } from './commands/index';
import { failureLine, processIo, type Io } from './io';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      return await findCommand('help')!.run([], io);
    }
    if (name === '--version' || name === '-v') {
      io.out('resdash 0.1.0');
      return 0;
    }
    const command = findCommand(name);
    if (!command) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `Unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}.`,
      );
    }
    return await command.run(rest, io);
  } catch (err) {
    io.err(failureLine(err));
    return err instanceof MonitorError && err.code === ErrorCodes.BAD_ARGUMENT ? 2 : 1;
  }
}

// The command table. A new command is one module here plus one line below.
import type { Command } from './command';
import { helpCommand } from './help';
import { listCommand } from './list';
import { serveCommand } from './serve';
import { watchCommand } from './watch';

export const COMMANDS: readonly Command[] = [
  listCommand,
  watchCommand,
  serveCommand,
  helpCommand(() => COMMANDS),
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

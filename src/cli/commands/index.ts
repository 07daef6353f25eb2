// The command table. A new command is one module here plus one line below.
import { analyzeCommand } from './analyze';
import type { Command } from './command';
import { diffCommand } from './diff';
import { helpCommand } from './help';
import { listCommand } from './list';
import { serveCommand } from './serve';
import { watchCommand } from './watch';

export const COMMANDS: readonly Command[] = [
  listCommand,
  watchCommand,
  serveCommand,
  analyzeCommand,
  diffCommand,
  helpCommand(() => COMMANDS),
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

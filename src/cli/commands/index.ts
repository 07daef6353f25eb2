// The command table. A new command is one module here plus one line below.
import { analyzeCommand } from './analyze';
import { allocationsCommand } from './allocations';
import type { Command } from './command';
import { diffCommand } from './diff';
import { cleanupCommand } from './cleanup';
import { gcCommand } from './gc';
import { helpCommand } from './help';
import { listCommand } from './list';
import { metricsCommand } from './metrics';
import { recordCommand } from './record';
import { reportCommand } from './report';
import { serveCommand } from './serve';
import { snapshotCommand } from './snapshot';
import { watchCommand } from './watch';

export const COMMANDS: readonly Command[] = [
  listCommand,
  watchCommand,
  serveCommand,
  recordCommand,
  reportCommand,
  metricsCommand,
  analyzeCommand,
  diffCommand,
  gcCommand,
  cleanupCommand,
  snapshotCommand,
  allocationsCommand,
  helpCommand(() => COMMANDS),
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

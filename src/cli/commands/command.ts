// The shape every resdash command has; main.ts dispatches through a table of these.
import type { Io } from '../io';

export interface Command {
  name: string;
  /** One line for `resdash help`. */
  summary: string;
  /** Full `--help` text. */
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

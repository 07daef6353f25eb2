// "Open the folder" for the snapshot library: the system's file manager on the library
// folder, or on one snapshot's folder (selecting the file where the platform can).
// The Electron shell passes its own (shell.showItemInFolder / shell.openPath); the
// browser shell and the CLI run on the same machine as the user (loopback only), so
// they start the platform's opener. Only paths the library resolves are ever opened.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';

/** Opens `target` (a folder, or a file to reveal when `reveal`) in the file manager. */
export type ShowInFolder = (target: string, reveal: boolean) => Promise<void>;

/** How long an opener may run before it counts as started (xdg-open may wait). */
const OPENER_GRACE_MS = 3_000;

export function openerCommand(
  platform: NodeJS.Platform,
  target: string,
  reveal: boolean,
): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: reveal ? ['-R', target] : [target] };
  if (platform === 'win32') {
    return { command: 'explorer.exe', args: reveal ? [`/select,${target}`] : [target] };
  }
  // xdg-open cannot select a file: open the folder that holds it.
  return { command: 'xdg-open', args: [reveal ? path.dirname(target) : target] };
}

export const showInFolderWithOpener: ShowInFolder = (target, reveal) => {
  const { command, args } = openerCommand(process.platform, target, reveal);
  const where = reveal ? path.dirname(target) : target;
  return new Promise<void>((resolve, reject) => {
    const fail = (why: string): void =>
      reject(
        new MonitorError(
          ErrorCodes.OPEN_FAILED,
          `Could not open a file manager (${command} ${why}); the folder is ${where}.`,
        ),
      );
    let child;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore' });
    } catch (err) {
      fail((err as Error).message);
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, OPENER_GRACE_MS);
    timer.unref();
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code === 'ENOENT' ? 'is not installed' : err.message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // explorer.exe answers 1 even when it opened the window.
      if (code === 0 || process.platform === 'win32') resolve();
      else fail(`exited with code ${code}`);
    });
  });
};

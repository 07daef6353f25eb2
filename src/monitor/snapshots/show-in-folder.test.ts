import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { openerCommand, showInFolderWithOpener } from './show-in-folder';

describe('openerCommand', () => {
  it("uses each platform's file manager, selecting the file where it can", () => {
    expect(openerCommand('darwin', '/s/a.heapsnapshot', true)).toEqual({
      command: 'open',
      args: ['-R', '/s/a.heapsnapshot'],
    });
    expect(openerCommand('win32', 'C:\\s\\a.heapsnapshot', true)).toEqual({
      command: 'explorer.exe',
      args: ['/select,C:\\s\\a.heapsnapshot'],
    });
    expect(openerCommand('linux', '/s/a.heapsnapshot', true)).toEqual({
      command: 'xdg-open',
      args: ['/s'],
    });
    expect(openerCommand('linux', '/s', false)).toEqual({ command: 'xdg-open', args: ['/s'] });
  });
});

// A real spawn of an `xdg-open` put first on PATH: a script that records its arguments.
describe.runIf(process.platform === 'linux')('showInFolderWithOpener', () => {
  const savedPath = process.env.PATH;
  const dirs: string[] = [];
  afterEach(async () => {
    process.env.PATH = savedPath;
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  async function fakeOpener(exitCode: number): Promise<string> {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'resdash-opener-'));
    dirs.push(bin);
    const log = path.join(bin, 'opened.txt');
    await writeFile(
      path.join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$@" >> '${log}'\nexit ${exitCode}\n`,
    );
    await chmod(path.join(bin, 'xdg-open'), 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    return log;
  }

  it('starts the opener on the folder', async () => {
    const log = await fakeOpener(0);
    await showInFolderWithOpener('/tmp/some folder/a.heapsnapshot', true);
    expect(await readFile(log, 'utf8')).toBe('/tmp/some folder\n');
  });

  it('an opener that fails, or none at all, is one clear error naming the folder', async () => {
    await fakeOpener(4);
    await expect(showInFolderWithOpener('/tmp/x', false)).rejects.toMatchObject({
      code: ErrorCodes.OPEN_FAILED,
      message: expect.stringMatching(/xdg-open exited with code 4.*the folder is \/tmp\/x/),
    });
    const empty = await mkdtemp(path.join(os.tmpdir(), 'resdash-nobin-'));
    dirs.push(empty);
    process.env.PATH = empty;
    await expect(showInFolderWithOpener('/tmp/x', false)).rejects.toMatchObject({
      code: ErrorCodes.OPEN_FAILED,
      message: expect.stringMatching(/xdg-open is not installed.*the folder is \/tmp\/x/),
    });
  });
});

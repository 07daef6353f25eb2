// Writes a command's output file whole or not at all: FILE.partial, then rename, so a
// failure (disk full, Ctrl-C) never leaves a half report under the final name.
import { rename, unlink, writeFile } from 'node:fs/promises';
import { ErrorCodes, MonitorError } from '../../shared/errors';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await writeFile(partial, content, { encoding: 'utf8', mode: 0o644 });
    await rename(partial, file);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw new MonitorError(
      ErrorCodes.FILE_WRITE_FAILED,
      `Cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      { cause: err },
    );
  }
}

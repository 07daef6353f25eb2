// `resdash serve --port 0`: 0 means "any free port"; serve binds one and prints the URL
// with the port it really got.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneFailureLine, resdash, startResdash, stopAllResdash } from './resdash-cli';

const dirs: string[] = [];
afterAll(async () => {
  await stopAllResdash();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('resdash serve --port 0', () => {
  it('binds a free port, prints its URL with the real port, and that URL answers', async () => {
    const renderer = tempDir('resdash-serve0-');
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>served</title>');
    const serve = startResdash(['serve', '--port', '0', '--renderer-dir', renderer], {
      RESDASH_DATA_DIR: tempDir('resdash-serve0-data-'),
    });
    const line = await serve.waitForLine(/^http:\/\//);
    const url = new URL(line.trim());
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
    expect(url.searchParams.get('token')).toBeTruthy();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('served');
    const run = await serve.interrupt(); // by pid
    expect(run.code, run.stderr).toBe(0);
  });

  it('still refuses a port out of range, and :0 as a TARGET', async () => {
    const renderer = tempDir('resdash-serve0-');
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
    const outOfRange = await resdash(['serve', '--port', '65536', '--renderer-dir', renderer]);
    expect(expectOneFailureLine(outOfRange)).toBe('MONITOR_ERR_BAD_ARGUMENT');
    expect(outOfRange.stderr).toContain('between 0 (any free port) and 65535');
    const zeroTarget = await resdash(['watch', ':0', '--duration', '1s']);
    expect(expectOneFailureLine(zeroTarget)).toBe('MONITOR_ERR_BAD_ARGUMENT');
    expect(zeroTarget.stderr).toContain('names no inspector');
  });
});

// `resdash watch` writes nothing to disk unless asked: only --record (or RESDASH_RECORD=1)
// records the session into $RESDASH_DATA_DIR/recordings (issue "Hostile inputs" item 5).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { expectOneFailureLine, resdash, stopAllResdash } from './resdash-cli';

const dirs: string[] = [];
afterEach(async () => {
  await stopAllResdash();
  await stopAllFixtures();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'resdash-watch-record-'));
  dirs.push(dir);
  return dir;
}

const recordings = (dir: string): string[] => {
  const r = path.join(dir, 'recordings');
  return existsSync(r) ? readdirSync(r) : [];
};

describe('resdash watch and recordings', () => {
  it('without --record writes no file into RESDASH_DATA_DIR/recordings', async () => {
    const f = await startFixture('idle.js');
    const dir = dataDir();
    const run = await resdash(['watch', `:${f.port}`, '--duration', '1500ms', '--json'], {
      RESDASH_DATA_DIR: dir,
      RESDASH_RECORD: undefined,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"type":"sample"');
    expect(recordings(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]); // nothing else either
  });

  it('the one-shot commands (gc, allocations, list) leave no recording behind', async () => {
    const f = await startFixture('idle.js');
    const dir = dataDir();
    for (const args of [
      ['gc', `:${f.port}`, '--json'],
      ['allocations', `:${f.port}`, '--duration', '300ms', '--json'],
      ['list', '--json'],
    ]) {
      const run = await resdash(args, { RESDASH_DATA_DIR: dir, RESDASH_RECORD: undefined });
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }
    expect(recordings(dir)).toEqual([]);
  });

  it.each([
    ['--record', ['--record'], {}],
    ['RESDASH_RECORD=1', [], { RESDASH_RECORD: '1' }],
  ])('with %s records the session there', async (_how, flags, env) => {
    const f = await startFixture('idle.js');
    const dir = dataDir();
    const run = await resdash(
      ['watch', `:${f.port}`, '--duration', '1500ms', '--interval', '200ms', ...flags],
      { RESDASH_DATA_DIR: dir, RESDASH_RECORD: undefined, ...env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`recording the session into ${path.join(dir, 'recordings')}`);
    const files = recordings(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`-pid${f.pid}-target-1\\.ndjson$`));
    const lines = readFileSync(path.join(dir, 'recordings', files[0]!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]!.type).toBe('header');
    expect(lines.some((l) => l.type === 'sample')).toBe(true);
    expect(lines.at(-1)!.type).toBe('end');
  });

  it('a RESDASH_RECORD that is not yes or no is one clear error', async () => {
    const run = await resdash(['watch', ':9229', '--duration', '1s'], {
      RESDASH_DATA_DIR: dataDir(),
      RESDASH_RECORD: 'maybe',
    });
    expect(expectOneFailureLine(run)).toBe('MONITOR_ERR_BAD_ARGUMENT');
    expect(run.stderr).toContain('RESDASH_RECORD must be 1 or 0');
  });
});

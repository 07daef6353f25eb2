import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { parseLimitFlag, parseNoFileLimit, readLimitsFile, validateLimitsPatch } from './limits';

describe('limit values', () => {
  it.each([
    ['rss=512MB', { rssBytes: 512 * 1024 ** 2 }],
    ['heap=1.5GB', { heapUsedBytes: 1.5 * 1024 ** 3 }],
    ['fds=1000', { openFds: 1000 }],
    ['cpu=90%', { cpuPercent: 90 }],
    ['eld=200ms', { eventLoopDelayP99Ms: 200 }],
    ['gc=1s', { gcPauseMsPerSecond: 1000 }],
    ['pool=off', { poolUtilizationPercent: null }],
    ['threads=64', { threads: 64 }],
  ])('--limit %s', (flag, expected) => {
    expect(parseLimitFlag(flag)).toEqual(expected);
  });

  it.each(['rss', 'rss=', 'bogus=1', 'rss=12XB', 'cpu=-5', 'fds=1MB', 'rss=0'])(
    'rejects %s with BAD_ARGUMENT',
    (flag) => {
      expect(() => parseLimitFlag(flag)).toThrow(
        expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT }),
      );
    },
  );

  it('validates request objects: known keys, long names too', () => {
    expect(validateLimitsPatch({ rssBytes: 1e9, handles: 10 })).toEqual({
      rssBytes: 1e9,
      activeHandles: 10,
    });
    for (const bad of [null, [], 'x', { rss: Infinity }, { rss: {} }]) {
      expect(() => validateLimitsPatch(bad)).toThrow(
        expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT }),
      );
    }
  });

  it('reads a limits file and says which file is wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'resdash-limits-'));
    const good = join(dir, 'good.json');
    const broken = join(dir, 'broken.json');
    await writeFile(good, JSON.stringify({ rss: '256MB', cpu: 80 }));
    await writeFile(broken, '{ nope');
    expect(await readLimitsFile(good)).toEqual({ rssBytes: 256 * 1024 ** 2, cpuPercent: 80 });
    await expect(readLimitsFile(broken)).rejects.toThrow(/not valid JSON/);
    await expect(readLimitsFile(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
  });

  it('parses the soft RLIMIT_NOFILE from /proc/PID/limits', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units',
      'Max open files            1024                 1048576              files',
    ].join('\n');
    expect(parseNoFileLimit(text)).toBe(1024);
    expect(parseNoFileLimit('Max open files  unlimited unlimited files')).toBeNull();
    expect(parseNoFileLimit('')).toBeNull();
  });
});

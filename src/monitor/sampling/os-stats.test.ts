import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseStat } from '../discovery/proc-parse';
import { NO_OS_FIGURES, parseRssBytes, readProcFigures } from './os-stats';

describe('OS figures from /proc', () => {
  it('parses CPU ticks and threads from stat, RSS from status', () => {
    const stat =
      '4242 (node (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 11 0 98765 1073741824 12345 18446744073709551615';
    expect(parseStat(stat)).toMatchObject({ cpuTicks: 325, threads: 11, startTimeTicks: 98765 });
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t  51200 kB\nThreads:\t11\n')).toBe(51200 * 1024);
    expect(parseRssBytes('Name:\tkthreadd\n')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('reads a live process, and nothing for a dead one', () => {
    const first = readProcFigures(process.pid, 1_000);
    expect(first.cpuPercent).toBeNull(); // the first reading only sets the baseline
    expect(first.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(first.openFds).toBeGreaterThan(2);
    expect(first.threads).toBeGreaterThanOrEqual(1);
    const until = Date.now() + 200;
    while (Date.now() < until); // burn CPU so the next interval shows it
    const second = readProcFigures(process.pid, 1_200);
    expect(second.cpuPercent).toBeGreaterThan(20);

    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(readProcFigures(gone)).toEqual(NO_OS_FIGURES);
  });
});

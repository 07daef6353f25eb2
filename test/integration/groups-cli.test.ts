// The resdash command and whole services: `list` prints process trees (and --json the
// parent pid and group id), `watch PID --all` watches a whole cluster with each line
// naming its member, `watch PID --threads` includes worker threads, and
// `snapshot PID --thread ID` captures one thread's heap (THREAD_NOT_FOUND for a thread
// that is not running). Real `node bin/resdash.js` runs against real fixtures.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import type { ProcessList } from '../../src/shared/model';
import { findInspectorOf } from '../../src/monitor/discovery/list-processes';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { expectOneFailureLine, resdash, stopAllResdash } from './resdash-cli';

const pids = new Set<number>();
afterEach(async () => {
  await stopAllResdash();
  await stopAllFixtures();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone with the primary
    }
  }
  pids.clear();
});
afterAll(stopAllFixtures);

async function cluster() {
  const f = await startFixture('cluster.js', { inspect: false, readyTimeoutMs: 20_000 });
  const line = await f.waitFor(/ready primary=\d+ workers=[\d,]+/);
  const workers = line.split('workers=')[1]!.split(',').map(Number);
  for (const pid of workers) pids.add(pid);
  return { f, workers };
}

const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('resdash and process groups', () => {
  it('list prints the cluster as a tree; --json carries ppid and groupId', async () => {
    const { f, workers } = await cluster();
    const table = await resdash(['list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    const head = lines.findIndex((l) => /^group g\d+-\d+: 4 processes, RSS /.test(l));
    expect(head).toBeGreaterThan(0);
    // The primary, then its workers indented under it.
    expect(lines[head + 1]).toMatch(new RegExp(`^${f.pid}\\s.*└ `));
    for (const pid of workers) {
      expect(lines.some((l) => new RegExp(`^${pid}\\s.*  └ `).test(l))).toBe(true);
    }
    const json = await resdash(['list', '--json']);
    const list = JSON.parse(json.stdout) as ProcessList;
    const primary = list.processes.find((p) => p.pid === f.pid)!;
    for (const pid of workers) {
      expect(list.processes.find((p) => p.pid === pid)).toMatchObject({
        ppid: f.pid,
        groupId: primary.groupId,
      });
    }
    expect(list.groups!.find((g) => g.id === primary.groupId)?.memberPids).toHaveLength(4);
  });

  it('watch PID --all watches the whole group, each line naming its member, and closes what it opened', async () => {
    const { f, workers } = await cluster();
    const run = await resdash([
      'watch',
      String(f.pid),
      '--all',
      '--enable-inspector',
      '--interval',
      '250ms',
      '--duration',
      '2s',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const samples = jsonLines(run.stdout).filter((l) => l.type === 'sample');
    const members = new Set(samples.map((s) => s.member));
    expect([...members].sort()).toEqual([f.pid, ...workers].map((p) => `pid ${p}`).sort());
    expect(samples.every((s) => typeof s.groupId === 'string' && s.kind === 'process')).toBe(true);
    for (const pid of [f.pid, ...workers]) {
      expect((await findInspectorOf(pid)).state.state).toBe('closed');
    }
  });

  it('watch --threads includes worker threads; snapshot --thread captures one thread’s heap', async () => {
    const pool = await startFixture('worker-threads.js');
    await pool.waitFor(/ready workers=1,2/);
    const run = await resdash([
      'watch',
      `:${pool.port}`,
      '--threads',
      '--interval',
      '250ms',
      '--duration',
      '2s',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const samples = jsonLines(run.stdout).filter((l) => l.type === 'sample');
    const threads = new Set(samples.filter((s) => s.kind === 'worker').map((s) => s.threadId));
    expect([...threads].sort()).toEqual([1, 2]);
    expect(samples.some((s) => s.member === `${pool.pid}/t2 pool-2`)).toBe(true);
    // Without --threads only the process.
    const plain = await resdash(['watch', `:${pool.port}`, '--duration', '1s', '--json']);
    expect(
      jsonLines(plain.stdout).filter((l) => l.type === 'sample' && l.kind === 'worker'),
    ).toEqual([]);

    const snap = await resdash(['snapshot', `:${pool.port}`, '--thread', '2', '--yes', '--json']);
    expect(snap.code).toBe(0);
    const rec = JSON.parse(snap.stdout) as { fileName: string; threadId: number; title: string };
    expect(rec.threadId).toBe(2);
    expect(rec.fileName).toMatch(new RegExp(`-${pool.pid}-t2-`));
    expect(rec.title).toContain('[worker 2 pool-2]');

    const gone = await resdash(['snapshot', `:${pool.port}`, '--thread', '9', '--yes']);
    expect(expectOneFailureLine(gone)).toBe(ErrorCodes.THREAD_NOT_FOUND);
    expect(gone.stderr).toMatch(/worker threads now: 1, 2/);
  });
});

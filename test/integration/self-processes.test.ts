// The dashboard's own processes are not targets: a monitor lists its own process and its
// Node ancestors (here the test runner; in use npm start, scripts/start.js, npm exec
// resdash) and the analysis children it starts only flagged `self` (the UIs hide them),
// and refuses to attach to them with MONITOR_ERR_SELF. Processes it did not start for
// itself, even children of the same process, stay targets.
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/index';
import { analyzeSnapshotFile } from '../../src/monitor/snapshots/analysis/run-analysis';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import { FIXTURES_DIR, startFixture, stopAllFixtures } from '../fixtures/harness';

const monitor = createMonitor();

afterAll(async () => {
  await monitor.dispose();
  await stopAllFixtures();
});

/** This process's parent chain read independently of the code under test. */
function nodeAncestors(): number[] {
  const out: number[] = [];
  let pid = process.pid;
  for (let i = 0; i < 64; i++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!(ppid > 1)) break;
    let exe = '';
    try {
      exe = readlinkSync(`/proc/${ppid}/exe`);
    } catch {
      // another user's
    }
    if (exe === process.execPath || path.basename(exe) === 'node') out.push(ppid);
    pid = ppid;
  }
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<MonitorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MonitorError);
  return err as MonitorError;
}

/** Established TCP connections to 127.0.0.1:port, from /proc/net/tcp (state 01). */
function establishedTo(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '01').length;
}

describe('the dashboard’s own processes', () => {
  it('lists its own pid and its Node ancestors only flagged self; a child target stays visible', async () => {
    const target = await startFixture('idle.js', { inspect: false });
    const ancestors = nodeAncestors();
    // The test runner's main process at least: otherwise this test would prove nothing.
    expect(ancestors.length).toBeGreaterThan(0);
    const list = await monitor.listProcesses({});
    const byPid = new Map(list.processes.map((p) => [p.pid, p]));
    const visible = list.processes.filter((p) => !p.self).map((p) => p.pid);
    expect(byPid.get(process.pid)?.self).toBe(true);
    for (const pid of ancestors) {
      expect(byPid.get(pid)?.self, `ancestor ${pid}`).toBe(true);
      expect(visible).not.toContain(pid);
    }
    expect(visible).not.toContain(process.pid);
    expect(byPid.get(target.pid)?.self).toBeUndefined();
    expect(visible).toContain(target.pid);
  });

  it('refuses to attach to its own process or an ancestor, by pid, with MONITOR_ERR_SELF', async () => {
    const own = await errorOf(monitor.attach({ pid: process.pid }));
    expect(own.code).toBe(ErrorCodes.SELF);
    expect(own.message).toContain(String(process.pid));
    expect(own.message).toMatch(/this dashboard's own process/);
    // Even with consent to SIGUSR1: nothing is signalled (that would open our own inspector).
    const parent = nodeAncestors()[0]!;
    const up = await errorOf(monitor.attach({ pid: parent, enableInspector: true }));
    expect(up.code).toBe(ErrorCodes.SELF);
    expect(await monitor.listTargets({})).toEqual([]);
  });

  it('resdash list --json hides its own process and its parent, --all shows them marked', async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/resdash.js');
    const run = (args: string[]) =>
      new Promise<{ pid: number; list: { processes: Array<{ pid: number; self?: boolean }> } }>(
        (resolve, reject) => {
          const child = execFile(process.execPath, [bin, 'list', '--json', ...args], (err, out) =>
            err ? reject(err) : resolve({ pid: child.pid!, list: JSON.parse(out) }),
          );
        },
      );
    const plain = await run([]);
    expect(plain.list.processes.map((p) => p.pid)).not.toContain(plain.pid);
    // The CLI's parent (this test process) is its ancestor: its own, like npm exec would be.
    expect(plain.list.processes.map((p) => p.pid)).not.toContain(process.pid);
    const all = await run(['--all']);
    const byPid = new Map(all.list.processes.map((p) => [p.pid, p]));
    expect(byPid.get(all.pid)?.self).toBe(true);
    expect(byPid.get(process.pid)?.self).toBe(true);
  });

  it('refuses our own inspector by port too', async () => {
    inspector.open(0, '127.0.0.1');
    try {
      const port = Number(new URL(inspector.url()!).port);
      const err = await errorOf(monitor.attach({ port }));
      expect(err.code).toBe(ErrorCodes.SELF);
      expect(await monitor.listTargets({})).toEqual([]);
      // Let the refused session's socket close before our own inspector.close(): a client
      // close frame crossing close() crashes Node 20's inspector thread (SIGSEGV, seen
      // under load as "Worker exited unexpectedly"), here in this very process.
      await expect.poll(() => establishedTo(port), { timeout: 10_000 }).toBe(0);
    } finally {
      inspector.close();
    }
  });

  it('flags the analysis child it started while it runs, and refuses to attach to it', async () => {
    const file = path.join(os.tmpdir(), `resdash-self-${process.pid}.heapsnapshot`);
    writeFileSync(file, '{}');
    const abort = new AbortController();
    const running = analyzeSnapshotFile(
      file,
      {},
      { entry: path.join(FIXTURES_DIR, 'analysis-child-stub.js'), signal: abort.signal },
    ).catch((e: unknown) => e);
    try {
      let child: number | undefined;
      await expect
        .poll(
          async () => {
            const list = await monitor.listProcesses({});
            child = list.processes.find((p) => p.command.includes('analysis-child-stub.js'))?.pid;
            return child === undefined
              ? 'not yet'
              : list.processes.find((p) => p.pid === child)?.self;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      expect((await errorOf(monitor.attach({ pid: child! }))).code).toBe(ErrorCodes.SELF);
    } finally {
      abort.abort();
      expect(((await running) as MonitorError).code).toBe(ErrorCodes.ANALYSIS_CANCELLED);
      rmSync(file, { force: true });
    }
  });
});

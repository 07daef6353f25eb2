// Discovery reads /proc only: it finds Node processes, their inspector ports (not
// their HTTP ports) and marks exposed and closed inspectors, without signalling.
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeProcess,
  findPidListeningOn,
  listProcesses,
} from '../../src/monitor/discovery/list-processes';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

afterAll(async () => {
  await stopAllFixtures();
});

describe('listProcesses', () => {
  it('finds open, closed and exposed inspectors and tells the inspector from an HTTP port', async () => {
    const [open, closed, web, exposed] = await Promise.all([
      startFixture('idle.js'),
      startFixture('idle.js', { inspect: false }),
      startFixture('http-dev-server.js'),
      startFixture('idle.js', { inspect: false, nodeArgs: ['--inspect=0.0.0.0:0'] }),
    ]);
    const httpPort = Number(/http (\d+)/.exec(web.output())![1]);
    const list = await listProcesses({ ports: [open.port!, httpPort] });
    const byPid = new Map(list.processes.map((p) => [p.pid, p]));

    expect(byPid.get(open.pid)?.inspector).toEqual({
      state: 'open',
      port: open.port,
      bindAddress: '127.0.0.1',
      exposed: false,
    });
    expect(byPid.get(open.pid)?.command).toContain('idle.js');
    expect(byPid.get(open.pid)?.startTimeMs).toBeGreaterThan(0);

    expect(byPid.get(closed.pid)?.inspector).toEqual({ state: 'closed' });

    expect(byPid.get(web.pid)?.inspector).toMatchObject({ state: 'open', port: web.port });
    expect(httpPort).not.toBe(web.port);

    expect(byPid.get(exposed.pid)?.inspector).toMatchObject({
      state: 'open',
      bindAddress: '0.0.0.0',
      exposed: true,
    });

    expect(byPid.get(process.pid)?.self).toBe(true);
    expect(byPid.get(open.pid)?.self).toBeUndefined();

    // Named ports: only the real inspector is listed.
    expect(list.inspectors.map((i) => i.port)).toEqual([open.port]);
    expect(open.wsUrl).toContain(list.inspectors[0]!.id);

    // The processes were not disturbed: the closed one still has no inspector.
    expect(closed.output()).not.toMatch(/Debugger listening/);
  });

  it('start times are stable across reads and match the process age', async () => {
    const f = await startFixture('idle.js', { inspect: false });
    const before = Date.now();
    const a = await describeProcess(f.pid);
    const b = await describeProcess(f.pid);
    expect(a?.isNode).toBe(true);
    expect(a?.startTimeMs).toBe(b?.startTimeMs);
    // /proc start time has 10 ms resolution and btime 1 s: allow that, nothing more.
    expect(a!.startTimeMs).toBeLessThanOrEqual(before + 1_000);
  });

  it('maps a listening inspector port back to its pid, and reports non-Node or dead pids', async () => {
    const f = await startFixture('idle.js');
    expect(await findPidListeningOn(f.port!)).toBe(f.pid);
    expect(await describeProcess(1_000_000_000)).toBeNull();
  });
});

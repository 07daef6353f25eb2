// Detach closes what we opened: an inspector opened by our SIGUSR1 (and moved off 9229)
// is closed again on detach (no listener of the target left), while an inspector that
// was open before we came stays open.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listeningSocketsOf } from '../../src/monitor/discovery/list-processes';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { isAlive, startFixture, stopAllFixtures } from '../fixtures/harness';

const monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('detach and the inspector', () => {
  it('closes an inspector opened by SIGUSR1 (moved off 9229 to a free port) on detach', async () => {
    const m = createMonitor({ recording: false });
    monitors.push(m);
    // No --inspect-port: SIGUSR1 opens 127.0.0.1:9229, then the dashboard moves it to a
    // free port from inside the session, so 9229 is free for the next process at once.
    const a = await startFixture('idle.js', { inspect: false });
    const b = await startFixture('idle.js', { inspect: false });
    const ta = await m.attach({ pid: a.pid, enableInspector: true });
    expect(ta.port).not.toBe(9229);
    expect(ta.warnings).toEqual([]);
    const aPorts = (await listeningSocketsOf(a.pid)).map((s) => s.port);
    expect(aPorts).toContain(ta.port);
    expect(aPorts).not.toContain(9229);

    // The next one is signalled while the first is still attached.
    const tb = await m.attach({ pid: b.pid, enableInspector: true });
    expect(tb.pid).toBe(b.pid);
    expect(tb.port).not.toBe(9229);
    expect(tb.port).not.toBe(ta.port);

    await m.detach({ targetId: ta.id });
    await until(
      'the first target to stop listening',
      async () => (await listeningSocketsOf(a.pid)).length === 0,
    );
    expect(isAlive(a.pid)).toBe(true);
    await m.dispose();
    await until(
      'the second target to stop listening',
      async () => (await listeningSocketsOf(b.pid)).length === 0,
    );
    expect(isAlive(b.pid)).toBe(true);
  });

  it('leaves open an inspector that was open before the attach', async () => {
    const m = createMonitor({ recording: false });
    monitors.push(m);
    const f = await startFixture('idle.js');
    const t = await m.attach({ pid: f.pid });
    await m.detach({ targetId: t.id });
    await new Promise((r) => setTimeout(r, 300));
    expect((await listeningSocketsOf(f.pid)).map((s) => s.port)).toContain(f.port);
    // And it can be attached again.
    const again = await m.attach({ port: f.port! });
    expect(again.pid).toBe(f.pid);
  });
});

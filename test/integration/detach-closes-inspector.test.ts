// Detach closes what we opened: an inspector opened by our SIGUSR1 is closed again on
// detach (no listener of the target left, 9229 free for the next process), while an
// inspector that was open before we came stays open.
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
  it('closes an inspector opened by SIGUSR1, so the next process can be signalled on 9229', async () => {
    const m = createMonitor({ recording: false });
    monitors.push(m);
    // No --inspect-port: SIGUSR1 opens 127.0.0.1:9229, the case that clashed.
    const a = await startFixture('idle.js', { inspect: false });
    const b = await startFixture('idle.js', { inspect: false });
    const ta = await m.attach({ pid: a.pid, enableInspector: true });
    expect(ta.port).toBe(9229);
    expect((await listeningSocketsOf(a.pid)).map((s) => s.port)).toContain(9229);

    await m.detach({ targetId: ta.id });
    await until('the first target to stop listening', async () =>
      (await listeningSocketsOf(a.pid)).every((s) => s.port !== 9229),
    );
    expect(isAlive(a.pid)).toBe(true);

    // The next one gets 9229 right away; then both are gone from it after detach-all.
    const tb = await m.attach({ pid: b.pid, enableInspector: true });
    expect(tb.port).toBe(9229);
    expect(tb.pid).toBe(b.pid);
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

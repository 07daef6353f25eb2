// F8: a target restarts on the same inspector port with a new UUID (and a new pid).
// The old target is marked detached with its history kept, the stale URL is refused
// with a clear error, and the new process attaches as a new target that samples; the
// process and target lists show both as they are.
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { ErrorCodes } from '../../src/shared/errors';
import type { TargetInfo } from '../../src/shared/model';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';

const monitors: Monitor[] = [];

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A loopback port nothing listens on right now (the kernel picks it, we release it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** idle.js with its inspector on a fixed port; its UUID as the target printed it. */
async function startOnPort(port: number): Promise<{ f: Fixture; wsUrl: string; uuid: string }> {
  const f = await startFixture('idle.js', {
    inspect: false,
    nodeArgs: [`--inspect=127.0.0.1:${port}`],
  });
  const line = await f.waitFor(/Debugger listening on (ws:\/\/\S+)/);
  const wsUrl = line.replace('Debugger listening on ', '');
  const url = new URL(wsUrl);
  expect(Number(url.port)).toBe(port);
  return { f, wsUrl, uuid: url.pathname.slice(1) };
}

describe('F8: a target restarts on the same port with a new UUID', () => {
  it('detaches the old target keeping its history, and attaches the new one as a new target', async () => {
    const port = await freePort();
    const first = await startOnPort(port);
    const m = createMonitor({ recording: false, batchIntervalMs: 50 });
    monitors.push(m);
    const lists: TargetInfo[][] = [];
    m.on('targets', (list) => lists.push(list));

    const old = await m.attach({ port, intervalMs: 100 });
    expect(old).toMatchObject({ pid: first.f.pid, port, status: 'attached' });
    await waitUntil(
      'samples of the first process',
      async () =>
        (await m.getHistory({ targetId: old.id })).filter((s) => s.heapUsedBytes !== null).length >=
        3,
    );

    // The service dies (SIGKILL, by pid) and its successor takes the same port.
    await first.f.stop();
    const gone = await waitUntil('the old target detached', async () =>
      (await m.listTargets({})).find((t) => t.id === old.id && t.status === 'detached'),
    );
    expect(gone.detachReason).toMatch(/exited|lost/);
    expect(gone.detachedAtMs).toBeGreaterThanOrEqual(gone.attachedAtMs);
    // The push to the UI said so too.
    expect(lists.some((l) => l.find((t) => t.id === old.id)?.status === 'detached')).toBe(true);
    const kept = await m.getHistory({ targetId: old.id });
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.every((s) => s.timestampMs <= gone.detachedAtMs!)).toBe(true);

    const second = await startOnPort(port);
    expect(second.f.pid).not.toBe(first.f.pid);
    expect(second.uuid).not.toBe(first.uuid);

    // The old target's URL names a UUID the port no longer lists: a clear, typed refusal.
    await expect(m.attach({ url: first.wsUrl })).rejects.toMatchObject({
      code: ErrorCodes.TARGET_CLOSED,
      message: expect.stringMatching(/no longer lists target .*restarted/),
    });
    // The old pid is gone.
    await expect(m.attach({ pid: first.f.pid })).rejects.toMatchObject({
      code: ErrorCodes.NO_SUCH_PROCESS,
    });

    // Before the re-attach, the process list shows the new process on the port, not attached.
    const before = await m.listProcesses({ ports: [port] });
    expect(before.processes.find((p) => p.pid === first.f.pid)).toBeUndefined();
    const fresh = before.processes.find((p) => p.pid === second.f.pid);
    expect(fresh?.inspector).toMatchObject({ state: 'open', port });
    expect(fresh?.attachedTargetId).toBeUndefined();
    expect(before.inspectors.map((i) => i.id)).toEqual([second.uuid]);

    const again = await m.attach({ port, intervalMs: 100 });
    expect(again.id).not.toBe(old.id);
    expect(again).toMatchObject({ pid: second.f.pid, port, status: 'attached' });
    await waitUntil(
      'samples of the restarted process',
      async () =>
        (await m.getHistory({ targetId: again.id })).filter((s) => s.heapUsedBytes !== null)
          .length >= 3,
    );
    const newHistory = await m.getHistory({ targetId: again.id });
    expect(newHistory.every((s) => s.timestampMs >= again.attachedAtMs)).toBe(true);

    // Both are listed: the old one detached (same pid and port as before), the new live.
    const targets = await m.listTargets({});
    expect(targets.map((t) => [t.id, t.pid, t.port, t.status])).toEqual([
      [old.id, first.f.pid, port, 'detached'],
      [again.id, second.f.pid, port, 'attached'],
    ]);
    // The old history is untouched by the new target's samples: same samples as before.
    expect(await m.getHistory({ targetId: old.id })).toEqual(kept);
    const after = await m.listProcesses({ ports: [port] });
    expect(after.processes.find((p) => p.pid === second.f.pid)?.attachedTargetId).toBe(again.id);
    expect(after.processes.find((p) => p.pid === first.f.pid)).toBeUndefined();
    // Attaching to the same port again now refuses: it is the live target's.
    await expect(m.attach({ port })).rejects.toMatchObject({
      code: ErrorCodes.ALREADY_ATTACHED,
    });
  });
});

// F10 with an inspector that accepts the WebSocket but never answers a command (a target
// stopped on a breakpoint by another debugger, or stuck in exit waiting for one): the
// target must show "unresponsive", not "attached", and its OS figures (CPU, RSS from
// /proc) keep arriving. The inspector is a fake served from this test process, so the
// pid the monitor finds listening on its port (and samples from /proc) is this process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { TargetStatus } from '../../src/shared/model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const ID = '0f6b7a52-3c1e-4d7e-9a55-6e0c2b4d8f10';

interface SilentInspector {
  port: number;
  /** Commands received (and never answered). */
  received: string[];
  close(): Promise<void>;
}

async function startSilentInspector(): Promise<SilentInspector> {
  const received: string[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((req, res) => {
    if (req.url === '/json/list' || req.url === '/json') {
      const { port } = server.address() as AddressInfo;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify([
          {
            description: 'node.js instance',
            id: ID,
            title: 'silent-target',
            type: 'node',
            url: 'file:///silent-target.js',
            webSocketDebuggerUrl: `ws://127.0.0.1:${port}/${ID}`,
          },
        ]),
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => received.push(String(data))); // never answered
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await stopAllFixtures();
});

describe('an inspector that never answers', () => {
  it('shows unresponsive with late samples that still carry the OS figures', async () => {
    const fake = await startSilentInspector();
    cleanups.push(() => fake.close());
    const m: Monitor = createMonitor({ recording: false });
    cleanups.push(() => m.dispose());
    const statuses: TargetStatus[] = [];
    m.on('targets', (list) => {
      const t = list.find((x) => x.port === fake.port);
      if (t && statuses.at(-1) !== t.status) statuses.push(t.status);
    });

    const info = await m.attach({ port: fake.port, intervalMs: 200 });
    expect(info.pid).toBe(process.pid);
    expect(fake.received.length).toBeGreaterThan(0);
    await expect
      .poll(async () => (await m.listTargets({})).find((t) => t.id === info.id)?.status, {
        timeout: 15_000,
      })
      .toBe('unresponsive');
    await expect
      .poll(async () => (await m.getHistory({ targetId: info.id })).length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(3);
    const samples = await m.getHistory({ targetId: info.id });
    for (const s of samples) {
      expect(s.late).toBe(true);
      expect(s.heapUsedBytes).toBeNull(); // a gap, never a zero (F12)
      expect(s.rssBytes).toBeGreaterThan(0);
      expect(s.threads).toBeGreaterThan(0);
    }
    expect(samples.slice(1).some((s) => s.cpuPercent !== null)).toBe(true);
    // It never showed as healthy.
    expect(statuses).not.toContain('attached');
    expect((await m.listTargets({})).find((t) => t.id === info.id)?.status).toBe('unresponsive');
  });

  it('a real process stuck in exit, waiting for the debugger, shows unresponsive too', async () => {
    // process.exit() with a debugger attached: Node keeps the socket open, answers nothing.
    const f = await startFixture('inspector-closer.js', { args: ['exit'] });
    const m: Monitor = createMonitor({ recording: false });
    cleanups.push(() => m.dispose());
    const info = await m.attach({ port: f.port!, intervalMs: 200 });
    await f.waitFor(/dropping the inspector \(exit\)/);
    expect(info.pid).toBe(f.pid);
    await expect
      .poll(async () => (await m.listTargets({})).find((t) => t.id === info.id)?.status, {
        timeout: 15_000,
      })
      .toBe('unresponsive');
    const fromMs = Date.now();
    await expect
      .poll(async () => (await m.getHistory({ targetId: info.id, fromMs })).length, {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(2);
    for (const s of await m.getHistory({ targetId: info.id, fromMs })) {
      expect(s.late).toBe(true);
      expect(s.rssBytes).toBeGreaterThan(0);
    }
  });
});

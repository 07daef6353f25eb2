// Attaching to real Node processes: by port, by URL, by pid (SIGUSR1), and the
// discovery/attach faults F1-F7 from FAULTS.md.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectToTarget, type ConnectedTarget } from '../../src/monitor/inspector/connect';
import { fetchInspectorTargets } from '../../src/monitor/inspector/json-list';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { isAlive, startFixture, stopAllFixtures } from '../fixtures/harness';

const opened: ConnectedTarget[] = [];
const clients: CdpClient[] = [];
const servers: (net.Server | http.Server)[] = [];
const sockets = new Set<net.Socket>();
const children: ChildProcess[] = [];

async function attach(...args: Parameters<typeof connectToTarget>): Promise<ConnectedTarget> {
  const t = await connectToTarget(...args);
  opened.push(t);
  return t;
}

async function errorOf(p: Promise<unknown>): Promise<MonitorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MonitorError);
    return err as MonitorError;
  }
  throw new Error('expected a MonitorError, got success');
}

async function evaluate(client: CdpClient, expression: string): Promise<unknown> {
  const res = await client.send('Runtime.evaluate', { expression, returnByValue: true });
  return res.result.value;
}

async function listen<T extends net.Server>(server: T, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  server.on('connection', (sock: net.Socket) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return (server.address() as net.AddressInfo).port;
}

afterEach(async () => {
  for (const t of opened.splice(0)) t.client.close();
  for (const c of clients.splice(0)) c.close();
  for (const sock of sockets) sock.destroy();
  for (const s of servers.splice(0)) {
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopAllFixtures();
});

describe('attach by port and by URL', () => {
  it('attaches by port and learns pid, command and version', async () => {
    const f = await startFixture('idle.js');
    const t = await attach({ port: f.port! });
    expect(t.pid).toBe(f.pid);
    expect(t.port).toBe(f.port);
    expect(t.bindAddress).toBe('127.0.0.1');
    expect(t.paused).toBe(false);
    expect(t.warnings).toEqual([]);
    // The fixtures run in this repository: its package.json names them (process-title.ts).
    expect(t.title).toBe('resource-dashboard (idle.js)');
    expect(t.command).toContain('idle.js');
    expect(t.nodeVersion).toBe(process.version);
    expect(f.wsUrl).toContain(t.inspectorId);
    expect(await evaluate(t.client, 'process.pid')).toBe(f.pid);
  });

  it('attaches by a loopback ws:// URL, spelled localhost or 127.0.0.1', async () => {
    const f = await startFixture('idle.js');
    const id = new URL(f.wsUrl!).pathname.slice(1);
    const a = await attach({ url: `ws://localhost:${f.port}/${id}` });
    expect(a.pid).toBe(f.pid);
    const b = await attach({ url: f.wsUrl! });
    expect(await evaluate(b.client, '6*7')).toBe(42);
  });

  it('F4: an inspector bound to 0.0.0.0 is reached over loopback with a warning', async () => {
    const f = await startFixture('idle.js', { inspect: false, nodeArgs: ['--inspect=0.0.0.0:0'] });
    const t = await attach({ pid: f.pid });
    expect(t.bindAddress).toBe('0.0.0.0');
    expect(t.warnings.join(' ')).toMatch(/0\.0\.0\.0/);
    expect(await evaluate(t.client, 'process.pid')).toBe(f.pid);
  });
});

describe('attach by pid', () => {
  it('attaches to an open inspector found from /proc', async () => {
    const f = await startFixture('idle.js');
    const t = await attach({ pid: f.pid });
    expect(t.port).toBe(f.port);
    expect(await evaluate(t.client, 'process.pid')).toBe(f.pid);
  });

  it('F5: refuses to signal without consent, then opens the inspector with SIGUSR1 when confirmed', async () => {
    const f = await startFixture('idle.js', { inspect: false, nodeArgs: ['--inspect-port=0'] });
    const refused = await errorOf(connectToTarget({ pid: f.pid }));
    expect(refused.code).toBe(ErrorCodes.INSPECTOR_CLOSED);
    expect(refused.message).toMatch(/SIGUSR1/);
    expect(f.output()).not.toMatch(/Debugger listening/);

    const t = await attach({ pid: f.pid, enableInspector: true });
    expect(t.pid).toBe(f.pid);
    expect(await evaluate(t.client, 'process.pid')).toBe(f.pid);
    await f.waitFor(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)/);
    expect(f.output()).toContain(`127.0.0.1:${t.port}/`);
    expect(isAlive(f.pid)).toBe(true);
  });

  it('F5: refuses a process that is not Node, and it survives', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(sleeper);
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    const err = await errorOf(connectToTarget({ pid: sleeper.pid!, enableInspector: true }));
    expect(err.code).toBe(ErrorCodes.NOT_NODE);
    expect(isAlive(sleeper.pid!)).toBe(true);
    expect(sleeper.signalCode).toBeNull();
  });

  it('F5: a pid that has exited is NO_SUCH_PROCESS', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const pid = gone.pid!;
    await new Promise((resolve) => gone.once('exit', resolve));
    const err = await errorOf(connectToTarget({ pid, enableInspector: true }));
    expect(err.code).toBe(ErrorCodes.NO_SUCH_PROCESS);
  });

  it('F5: refuses with PORT_TAKEN when 9229 is busy, and does not signal', async () => {
    const blocker = net.createServer();
    const occupied = await new Promise<string>((resolve) => {
      blocker.once('error', (e: NodeJS.ErrnoException) => resolve(`already in use (${e.code})`));
      blocker.listen(9229, '127.0.0.1', () => {
        servers.push(blocker);
        resolve('occupied by this test');
      });
    });
    console.log(`port 9229 ${occupied}`);
    // The fixture has no --inspect-port, so SIGUSR1 would try 9229.
    const f = await startFixture('idle.js', { inspect: false });
    const err = await errorOf(connectToTarget({ pid: f.pid, enableInspector: true }));
    expect(err.code).toBe(ErrorCodes.PORT_TAKEN);
    expect(err.message).toMatch(/9229/);
    expect(isAlive(f.pid)).toBe(true);
    expect(f.output()).not.toMatch(/Debugger|Starting inspector/);
  });
});

describe('F1 and F2: ports that are not a usable inspector', () => {
  it('F1: nothing listening is CONNECT_REFUSED', async () => {
    const s = net.createServer();
    const port = await listen(s);
    servers.splice(servers.indexOf(s), 1);
    await new Promise<void>((resolve) => s.close(() => resolve()));
    expect((await errorOf(connectToTarget({ port }))).code).toBe(ErrorCodes.CONNECT_REFUSED);
  });

  it('F1: a server that accepts but never answers is a TIMEOUT, not a hang', async () => {
    // Accepts, never reads, never answers.
    const port = await listen(net.createServer(() => {}));
    const err = await errorOf(connectToTarget({ port }, { connectTimeoutMs: 300 }));
    expect(err.code).toBe(ErrorCodes.TIMEOUT);
  });

  it('F2: an HTTP dev server answering HTML is NOT_INSPECTOR', async () => {
    const f = await startFixture('http-dev-server.js', { inspect: false });
    const port = Number(/http (\d+)/.exec(f.output())![1]);
    const err = await errorOf(connectToTarget({ port }));
    expect(err.code).toBe(ErrorCodes.NOT_INSPECTOR);
  });

  it('F2: garbage bytes are NOT_INSPECTOR', async () => {
    const port = await listen(
      net.createServer((sock) => {
        sock.on('error', () => {});
        sock.resume();
        sock.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10, 0x41]));
      }),
    );
    expect((await errorOf(connectToTarget({ port }))).code).toBe(ErrorCodes.NOT_INSPECTOR);
  });

  it.each([
    ['declared in content-length', true],
    ['streamed without a length', false],
  ])('F2: a huge body %s is cut off at the size cap', async (_name, declared) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const port = await listen(
      http.createServer((_req, res) => {
        res.writeHead(
          200,
          declared
            ? { 'content-length': String(50 * 1024 * 1024) }
            : { 'content-type': 'application/json' },
        );
        res.on('error', () => {});
        res.write('[');
        // Streams until the client goes away; never a whole body.
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      }),
    );
    const capped = await errorOf(fetchInspectorTargets(port, { maxBytes: 256 * 1024 }));
    expect(capped.code).toBe(ErrorCodes.NOT_INSPECTOR);
    expect(capped.message).toMatch(/more than/);
    const err = await errorOf(connectToTarget({ port }));
    expect(err.code).toBe(ErrorCodes.NOT_INSPECTOR);
  });

  it('F2: a body that trickles forever is a TIMEOUT', async () => {
    const timers: NodeJS.Timeout[] = [];
    const port = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.on('error', () => {});
        res.write('[');
        timers.push(setInterval(() => res.write(' '), 20));
      }),
    );
    const err = await errorOf(fetchInspectorTargets(port, { timeoutMs: 400 }));
    expect(err.code).toBe(ErrorCodes.TIMEOUT);
    for (const t of timers) clearInterval(t);
  });
});

it('probes leave no sockets of the dashboard behind', async () => {
  const f = await startFixture('idle.js');
  const html = await startFixture('http-dev-server.js', { inspect: false });
  const htmlPort = Number(/http (\d+)/.exec(html.output())![1]);
  const sockets = (): number =>
    process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const baseline = sockets();
  for (let i = 0; i < 10; i++) {
    await fetchInspectorTargets(f.port!);
    await errorOf(fetchInspectorTargets(htmlPort));
    await errorOf(fetchInspectorTargets(1));
  }
  // Closing is asynchronous: wait for it, bounded by the test timeout.
  while (sockets() > baseline) await new Promise((r) => setTimeout(r, 20));
  expect(sockets()).toBe(baseline);
});

describe('F3: hosts we do not trust', () => {
  it('ignores the host in webSocketDebuggerUrl and connects to 127.0.0.1:PORT', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          {
            id,
            type: 'node',
            title: 'fake',
            url: 'file:///fake.js',
            webSocketDebuggerUrl: `ws://evil.invalid:1/${id}`,
          },
        ]),
      );
    });
    const wss = new WebSocketServer({ server });
    const paths: string[] = [];
    wss.on('connection', (ws, req) => {
      paths.push(`${req.socket.localAddress} ${req.url}`);
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { id: number };
        const value = {
          booted: true,
          pid: 4242,
          version: 'v0.0.0-fake',
          argv: ['node', '/srv/fake.js'],
          execArgv: [],
        };
        ws.send(JSON.stringify({ id: msg.id, result: { result: { type: 'object', value } } }));
      });
    });
    const port = await listen(server);
    const t = await attach({ port });
    expect(paths).toEqual([`127.0.0.1 /${id}`]);
    expect(t.nodeVersion).toBe('v0.0.0-fake');
    expect(t.inspectorId).toBe(id);
    t.client.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
  });

  it('refuses a ws:// URL naming another host unless remote is allowed', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    for (const url of [
      `ws://10.1.2.3:9229/${id}`,
      `ws://example.com:9229/${id}`,
      `ws://[2001:db8::1]:9229/${id}`,
    ]) {
      const err = await errorOf(connectToTarget({ url }));
      expect(err.code).toBe(ErrorCodes.REMOTE_REFUSED);
    }
    const bad = await errorOf(connectToTarget({ url: 'http://127.0.0.1:9229/../json/close' }));
    expect(bad.code).toBe(ErrorCodes.BAD_ARGUMENT);
  });
});

describe('F6 and F7: other debuggers and paused targets', () => {
  it('F6: a target waiting in --inspect-brk is reported paused and is never resumed', async () => {
    const f = await startFixture('idle.js', { inspect: 'brk' });
    const t = await attach({ port: f.port! });
    expect(t.paused).toBe(true);
    expect(t.pid).toBe(f.pid); // from /proc: process.pid is not set up yet while waiting
    expect(t.warnings.join(' ')).toMatch(/inspect-brk/);
    t.client.close();
    // A second attach still finds it waiting: nobody sent runIfWaitingForDebugger.
    const again = await attach({ pid: f.pid });
    expect(again.paused).toBe(true);
    again.client.close();
    const check = new CdpClient(
      await connectWebSocket(`ws://127.0.0.1:${f.port}/${t.inspectorId}`),
    );
    clients.push(check);
    expect(await evaluate(check, 'Array.isArray(process.argv)')).toBe(false);
    expect(f.output()).not.toMatch(/^ready\b/m);
  });

  it('F7: a second client with the Debugger domain enabled keeps working while we attach and detach', async () => {
    const f = await startFixture('idle.js');
    const other = new CdpClient(
      await connectWebSocket(f.wsUrl!.replace(/^ws:\/\/[^/]+/, `ws://127.0.0.1:${f.port}`)),
    );
    clients.push(other);
    const pausedEvents: unknown[] = [];
    other.on('Debugger.paused', (p) => pausedEvents.push(p));
    await other.send('Debugger.enable', {});
    const t = await attach({ port: f.port! });
    expect(await evaluate(t.client, '1 + 1')).toBe(2);
    expect(await evaluate(other, '2 + 2')).toBe(4);
    t.client.close();
    expect(await evaluate(other, 'process.pid')).toBe(f.pid);
    f.command('alloc 1');
    await f.waitFor(/allocated 1/);
    expect(pausedEvents).toEqual([]);
  });
});

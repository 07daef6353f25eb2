// Process names from real processes started in temporary folders: the package.json name
// of the working directory, else the script's basename, and for a generic script name
// (index.js, bin.js …) the folder too. The same name titles the target after attach.
// package.json is the target's text: hostile, and read bounded (a FIFO must not hang).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listProcesses } from '../../src/monitor/discovery/list-processes';
import { createMonitor } from '../../src/monitor/index';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const root = mkdtempSync(path.join(os.tmpdir(), 'resdash-names-'));
const IDLE = "setInterval(() => {}, 1000);\nconsole.log('ready');\n";

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

afterAll(async () => {
  await stopAllFixtures();
  rmSync(root, { recursive: true, force: true });
});

describe('process names', () => {
  it('package.json name, else script basename, generic names with their folder', async () => {
    write('orders/package.json', JSON.stringify({ name: 'acme-orders', version: '1.0.0' }));
    const withPackage = await startFixture(write('orders/src/index.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'orders'),
    });
    const packageScript = await startFixture(write('orders/scripts/nightly-export.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'orders'),
    });
    mkdirSync(path.join(root, 'plain'));
    const plain = await startFixture(write('plain/report-worker.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'plain'),
    });
    const generic = await startFixture(write('ledger-sync/index.js', IDLE), {
      inspect: false,
      cwd: root,
    });
    // json-server started by path, from a project that has a package.json of its own.
    write('shop/package.json', JSON.stringify({ name: 'shop' }));
    const bin = await startFixture(write('shop/node_modules/json-server/lib/bin.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'shop'),
    });

    const list = await listProcesses();
    const title = (pid: number) => list.processes.find((p) => p.pid === pid)?.title;
    expect(title(withPackage.pid)).toBe('acme-orders');
    expect(title(packageScript.pid)).toBe('acme-orders (nightly-export.js)');
    expect(title(plain.pid)).toBe('report-worker.js');
    expect(title(generic.pid)).toBe('ledger-sync (index.js)');
    expect(title(bin.pid)).toBe('json-server (bin.js)');
  });

  it('a hostile, huge or FIFO package.json gives a clean name or none, and never hangs', async () => {
    write(
      'evil/package.json',
      JSON.stringify({ name: '\u001b[2J<img src=x onerror=alert(1)>\u202e' }),
    );
    const evil = await startFixture(write('evil/app-evil.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'evil'),
    });
    write('huge/package.json', JSON.stringify({ name: 'huge', pad: 'x'.repeat(300 * 1024) }));
    const huge = await startFixture(write('huge/huge-service.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'huge'),
    });
    // Node itself reads the package.json files above its script (a FIFO there would hang
    // it): the script lives elsewhere, the FIFO is in its working directory only.
    mkdirSync(path.join(root, 'fifo'));
    execFileSync('mkfifo', [path.join(root, 'fifo/package.json')]);
    const fifo = await startFixture(write('elsewhere/fifo-service.js', IDLE), {
      inspect: false,
      cwd: path.join(root, 'fifo'),
    });

    const t0 = Date.now();
    const list = await listProcesses();
    expect(Date.now() - t0).toBeLessThan(10_000);
    const title = (pid: number) => list.processes.find((p) => p.pid === pid)?.title;
    // The escape and the bidi override go; the rest is text for the UI to show as text.
    expect(title(evil.pid)).toBe('[2J<img src=x onerror=alert(1)> (app-evil.js)');
    expect(title(huge.pid)).toBe('huge-service.js');
    expect(title(fifo.pid)).toBe('fifo-service.js');
  });

  it('an attached target is titled like its row in the list', async () => {
    write('billing/package.json', JSON.stringify({ name: 'billing-api' }));
    const f = await startFixture(write('billing/server.js', IDLE), {
      cwd: path.join(root, 'billing'),
    });
    const monitor = createMonitor();
    try {
      const t = await monitor.attach({ port: f.port! });
      expect(t.title).toBe('billing-api');
      expect(t.command).toContain('billing/server.js');
    } finally {
      await monitor.dispose();
    }
  });
});

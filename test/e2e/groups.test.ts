// Process groups and worker threads in the browser shell, end to end: a real cluster
// (a primary and 3 workers started without --inspect) shows as one collapsed tree in the
// process list with its summed RSS; "Attach all" (after one confirmation for SIGUSR1)
// attaches all four and opens the group dashboard with one line per member; a process
// with worker threads gets a group view with a line per thread.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
const workerPids: number[] = [];

beforeAll(async () => {
  monitor = createMonitor({ recording: false });
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
  for (const pid of workerPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone with the primary
    }
  }
});

describe('groups in Chromium', () => {
  it('shows a cluster as a collapsed tree; Attach all opens the group dashboard, one line per member', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cluster = await startFixture('cluster.js', { inspect: false, readyTimeoutMs: 20_000 });
    const line = await cluster.waitFor(/ready primary=\d+ workers=[\d,]+/);
    const workers = line.split('workers=')[1]!.split(',').map(Number);
    workerPids.push(...workers);
    const groupId = (await monitor.listProcesses({})).processes.find(
      (p) => p.pid === cluster.pid,
    )!.groupId!;

    await page.goto(server.url);
    const group = page.getByTestId(`group-row-${groupId}`);
    await group.waitFor({ timeout: 15_000 });
    // Collapsed by default: the members are not listed until expanded.
    expect(await page.getByTestId(`process-row-${workers[0]}`).count()).toBe(0);
    expect(await page.getByTestId(`group-sums-${groupId}`).textContent()).toMatch(
      /4 processes · \d+ MB/,
    );
    await page.getByTestId(`group-toggle-${groupId}`).click();
    for (const pid of [cluster.pid, ...workers]) {
      await page.getByTestId(`process-row-${pid}`).waitFor();
    }

    await page.getByTestId(`attach-group-${groupId}`).click();
    await page.getByTestId(`group-confirm-${groupId}`).waitFor();
    await page.getByTestId(`group-confirm-ok-${groupId}`).click();
    const dashboard = page.getByTestId('group-dashboard');
    await dashboard.waitFor({ timeout: 20_000 });
    const targets = (await monitor.listTargets({})).filter((t) => t.groupId === groupId);
    expect(targets.map((t) => t.status)).toEqual(['attached', 'attached', 'attached', 'attached']);

    // One line per member on the heap chart, plus the sum; each member's line has points.
    const heap = page.getByTestId('group-heap-chart');
    await expect.poll(() => heap.getAttribute('data-series'), { timeout: 15_000 }).toBe('5');
    for (const t of targets) {
      await expect
        .poll(
          async () => (await heap.locator(`path[data-member="${t.id}"]`).getAttribute('d')) ?? '',
          {
            timeout: 20_000,
          },
        )
        .toMatch(/^M[\d.]+ [\d.]+L/);
    }
    expect(await page.getByTestId('group-eld-chart').getAttribute('data-series')).toBe('4');
    expect(await page.getByTestId('group-rss-chart').getAttribute('data-series')).toBe('5');
    const legend = await page.getByTestId('group-heap-chart-legend').allTextContents();
    for (const pid of [cluster.pid, ...workers]) {
      expect(legend.some((l) => l.includes(`pid ${pid}`))).toBe(true);
    }
    expect(legend).toContain('All heaps');
    expect(await page.getByTestId('group-kpi-rss').textContent()).toMatch(/MB/);
    await page.screenshot({ path: artifact('group-dashboard.png'), fullPage: true });

    await page.getByTestId('detach-group').click();
    await expect
      .poll(
        async () =>
          (await monitor.listTargets({}))
            .filter((t) => t.groupId === groupId)
            .every((t) => t.status === 'detached'),
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(errors).toEqual([]);
  });

  it('a process with worker threads gets a group view with a line per thread', async () => {
    const pool = await startFixture('worker-threads.js');
    await pool.waitFor(/ready workers=1,2/);
    await page.goto(server.url);
    const t = await monitor.attach({ port: pool.port!, intervalMs: 500 });
    await expect
      .poll(
        async () => (await monitor.listTargets({})).filter((x) => x.parentTargetId === t.id).length,
        { timeout: 15_000 },
      )
      .toBe(2);
    const view = page.getByTestId(`group-view-${t.groupId}`);
    await view.waitFor({ timeout: 15_000 });
    await view.click();
    const heap = page.getByTestId('group-heap-chart');
    await expect.poll(() => heap.getAttribute('data-series'), { timeout: 15_000 }).toBe('4');
    const legend = await page.getByTestId('group-heap-chart-legend').allTextContents();
    expect(legend.some((l) => l.startsWith('worker 1 pool-1'))).toBe(true);
    expect(legend.some((l) => l.startsWith('worker 2 pool-2'))).toBe(true);
    // A thread has no RSS of its own: the RSS chart has the process alone (no sum).
    expect(await page.getByTestId('group-rss-chart').getAttribute('data-series')).toBe('1');
    await page.screenshot({ path: artifact('group-threads.png'), fullPage: true });
    await monitor.detach({ targetId: t.id });
  });
});

// The browser shell end to end: the real renderer in Chromium, the real core, real
// Node targets. The list shows a target, attaching draws the memory chart with data,
// detaching works, and a request without the token is refused.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { isAlive, startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let target: Fixture;

beforeAll(async () => {
  target = await startFixture('idle.js');
  monitor = createMonitor();
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
});

describe('browser shell in Chromium', () => {
  it('refuses a request without the token, and the page without it, in one failed load', async () => {
    const bare = `http://127.0.0.1:${server.port}/`;
    const res = await fetch(bare);
    expect(res.status).toBe(401);
    // A page of its own: whatever the refused page still loads cannot reach later tests.
    const context = await browser.newContext();
    try {
      const refused = await context.newPage();
      const loads: string[] = [];
      refused.on('response', (r) => loads.push(`${r.status()} ${new URL(r.url()).pathname}`));
      const resp = await refused.goto(bare);
      expect(resp?.status()).toBe(401);
      await refused.waitForLoadState('networkidle');
      // The document only: no /favicon.ico fetched (and refused) after it.
      expect(loads).toEqual(['401 /']);
      expect(await refused.textContent('body')).toContain('?token=');
      expect(await refused.locator('[data-testid^="process-row-"]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('lists the target, attaches, draws the memory chart with data, and detaches', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} at ${m.location().url}`);
    });
    // Every request of the page carries its credential: nothing is refused or fails.
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} for ${r.url()}`);
    });
    page.on('requestfailed', (r) => errors.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(server.url);
    const row = page.getByTestId(`process-row-${target.pid}`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain(String(target.port));

    await page.getByTestId(`attach-${target.pid}`).click();
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');

    const chart = page.getByTestId('memory-chart');
    await chart.waitFor();
    // At least a few samples have been drawn as a line, not an empty frame.
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => chart.locator('path.series-line').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const heapKpi = await page.getByTestId('kpi-heap').textContent();
    expect(heapKpi).toMatch(/MB|KB|GB/);
    await page.screenshot({ path: artifact('shell-attached.png'), fullPage: true });

    const [t] = await monitor.listTargets({});
    expect(t?.pid).toBe(target.pid);
    await page.getByTestId(`detach-${t!.id}`).click();
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 10_000 })
      .toContain('detached');
    expect((await monitor.listTargets({}))[0]?.status).toBe('detached');
    // Detaching keeps the history on screen.
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: artifact('shell-detached.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('asks before opening a closed inspector with SIGUSR1, then attaches', async () => {
    const closed = await startFixture('idle.js', {
      inspect: false,
      nodeArgs: ['--inspect-port=0'],
    });
    await page.goto(server.url);
    await page.getByTestId(`attach-${closed.pid}`).click({ timeout: 15_000 });
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(String(closed.pid));
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(async () => (await monitor.listTargets({})).find((t) => t.pid === closed.pid)?.status, {
        timeout: 15_000,
      })
      .toBe('attached');
    expect(isAlive(closed.pid)).toBe(true);
    await page.screenshot({ path: artifact('shell-sigusr1.png'), fullPage: true });
  });
});

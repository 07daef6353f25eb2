// The pool panel in Chromium against a real saturating fixture: the chart has data,
// the status turns saturated under load, a hostile pool name stays text, and the
// emergency-cleanup button reports what it freed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOSTILE = '<img src=x id="pwned" onerror="window.__pwned=1">';

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let target: Fixture;

beforeAll(async () => {
  target = await startFixture('pool-service.mjs', {
    nodeArgs: ['--import', 'tsx'],
    env: { POOL_HOSTILE_NAME: HOSTILE },
  });
  monitor = createMonitor();
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
});

describe('pool panel in Chromium', () => {
  it('charts a saturating pool, shows its status, and runs an emergency cleanup', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId(`attach-${target.pid}`).click({ timeout: 30_000 });
    const panel = page.getByTestId('pools-panel');
    await panel.waitFor({ timeout: 30_000 });

    const upstream = panel.getByTestId('pool-card').filter({ hasText: 'upstream' });
    await upstream.waitFor({ timeout: 30_000 });
    target.command('load 10');
    await expect
      .poll(() => upstream.getAttribute('data-pool-status'), { timeout: 30_000 })
      .toBe('saturated');
    expect(await upstream.getByTestId('pool-in-use').textContent()).toBe('4');
    expect(await upstream.getByTestId('pool-size').textContent()).toContain('/ 4');
    await expect
      .poll(() => upstream.getByTestId('pool-waiting').textContent(), { timeout: 30_000 })
      .toMatch(/^6/);
    // Drawn lines, not an empty frame: a few reads have arrived (charts draw while on
    // screen: look at it).
    await upstream.scrollIntoViewIfNeeded();
    await expect
      .poll(() => upstream.locator('path.series-line').count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(4);
    await expect
      .poll(() => upstream.locator('path.series-line').first().getAttribute('d'), {
        timeout: 30_000,
      })
      .toMatch(/L/);
    await page.screenshot({ path: artifact('pools-saturated.png'), fullPage: true });

    // The hostile name is shown as text; no element was created from it.
    await expect.poll(() => panel.getByText(HOSTILE).count()).toBeGreaterThan(0);
    expect(await page.locator('#pwned').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();

    target.command('release');
    await target.waitFor(/^released/m);
    await expect
      .poll(() => upstream.getAttribute('data-pool-status'), { timeout: 30_000 })
      .toBe('ok');

    await page.getByTestId('emergency-cleanup').click();
    const result = page.getByTestId('cleanup-result');
    await result.waitFor({ timeout: 30_000 });
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('GC ran');
    expect(text).toMatch(/outbound-http: 3 released/);
    expect(text).toMatch(/upstream: not supported/);
    expect(await page.getByTestId('kpi-pool-efficiency').textContent()).toContain('100');
    expect(await page.getByTestId('kpi-peak-rss').textContent()).toMatch(/MB/);
    await page.screenshot({ path: artifact('pools-cleanup.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});

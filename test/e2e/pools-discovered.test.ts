// Pools found with no code change, in Chromium: a CommonJS service with no agent shows
// its own http.Agent, undici Pool, generic-pool and tarn pools in the Pools panel
// (labelled as found in the process), and Rescan says what it found.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let service: Fixture;

beforeAll(async () => {
  service = await startFixture('discover-pools-service.cjs');
  await service.waitFor(/^ready \d+/m);
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
});

describe('pools found without trackPool', () => {
  it('shows a service’s own pools with no agent, and Rescan reports what it found', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId(`attach-${service.pid}`).click({ timeout: 30_000 });
    service.command('load 1');
    await service.waitFor(/^loaded 1/m);
    await page.getByTestId('section-link-pools').click();
    const panel = page.getByTestId('pools-panel');
    await panel.waitFor({ timeout: 30_000 });
    const found = panel
      .getByTestId('pool-card')
      .filter({ hasText: 'found in the process, no code change' });
    await expect.poll(() => found.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    const text = (await panel.textContent()) ?? '';
    expect(text).toMatch(/http\.Agent/);
    expect(text).toMatch(/undici Pool/);
    expect(text).toMatch(/generic-pool/);
    expect(text).not.toMatch(/No pools seen yet/);

    await page.getByTestId('pools-rescan').click();
    const result = page.getByTestId('pools-rescan-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(/Rescan: \d+ pools? found/);
    await page.screenshot({ path: artifact('pools-discovered.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});

// Heap tools end to end in Chromium: force GC shows the bytes freed, the snapshot
// button shows progress, the library row appears, and its analysis (in the core's
// child process) lists the fixture's class; allocation sampling fills its table.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
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
let target: Fixture;
let dataDir: string;

beforeAll(async () => {
  // Big enough that the capture takes a few seconds and its progress can be seen.
  target = await startFixture('heap-objects.js', { args: ['150000'] });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-e2e-snap-'));
  monitor = createMonitor({ dataDir });
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('heap tools in the browser shell', () => {
  it('forces a GC, captures a snapshot with progress, lists and analyses it', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId(`attach-${target.pid}`).click({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');

    await page.getByTestId('gc-button').click();
    await expect
      .poll(() => page.getByTestId('gc-result').textContent(), { timeout: 30_000 })
      .toMatch(/Heap used .+ → .+ freed .+ in /);
    // The GC is marked on the charts' timeline (charts draw while on screen: look at it).
    await page.getByTestId('memory-chart').scrollIntoViewIfNeeded();
    await expect
      .poll(() => page.locator('[data-testid="memory-chart"] .timeline-marker-gc').count(), {
        timeout: 15_000,
      })
      .toBe(1);

    await page.getByTestId('snapshot-button').click();
    // The pre-flight may ask on a small machine (F14): confirm like a user would.
    const progress = page.getByTestId('snapshot-progress');
    const confirm = page.getByTestId('snapshot-confirm-ok');
    await Promise.race([
      progress.waitFor({ timeout: 30_000 }),
      confirm.waitFor({ timeout: 30_000 }),
    ]);
    if (await confirm.isVisible()) {
      await confirm.click();
      await progress.waitFor({ timeout: 30_000 });
    }
    // First the estimated walk, then the bytes as they arrive (the bar is a real one).
    expect(await page.getByTestId('snapshot-progress-line').textContent()).toMatch(
      /^\d+ % \(estimated\) · (the target is walking its heap|.+ of about .+ written)/,
    );
    const bar = page.getByRole('progressbar', { name: 'Snapshot progress' });
    expect(
      Number(await bar.evaluate((el) => (el as unknown as { value: number }).value)),
    ).toBeLessThan(1);
    await page.screenshot({ path: artifact('snapshot-progress.png'), fullPage: true });

    const row = page.getByTestId('library-row');
    await row.first().waitFor({ timeout: 120_000 });
    expect(await row.count()).toBe(1);
    expect(await row.first().textContent()).toContain(`PID ${target.pid}`);
    await page.getByTestId('snapshot-done').waitFor();

    await page.getByTestId('library-analyze').first().click();
    const summary = page.getByTestId('snapshot-summary');
    await summary.waitFor({ timeout: 120_000 });
    expect(await summary.textContent()).toContain('ResdashSnapshotItem');

    target.command('churn');
    await target.waitFor(/churning/);
    await page.getByTestId('allocations-toggle').click();
    await expect.poll(() => page.getByTestId('allocations-toggle').textContent()).toMatch(/Stop/);
    // Let the fixture allocate (about 20 MB/s) while sampling runs.
    await new Promise((r) => setTimeout(r, 1_000));
    await page.getByTestId('allocations-toggle').click();
    const table = page.getByTestId('allocations-table');
    await table.waitFor({ timeout: 30_000 });
    expect(await table.textContent()).toContain('allocateResdashHotspot');
    await page.screenshot({ path: artifact('snapshot-library-analysis.png'), fullPage: true });

    // Import through the page (drag and drop / file picker uploads the bytes).
    const first = await monitor.listSnapshots({});
    await page.getByTestId('import-file').setInputFiles(first.snapshots[0]!.path);
    await expect.poll(() => row.count(), { timeout: 60_000 }).toBe(2);
    expect(await row.first().textContent()).toContain('imported');
    expect(errors).toEqual([]);
  });
});

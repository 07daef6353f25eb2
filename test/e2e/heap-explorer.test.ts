// The heap explorer in Chromium: a snapshot of a real process with planted instances is
// opened from the library (and stays open in its analysis process); the dominator tree
// is expanded three levels (by mouse and by keyboard), a class's instances are opened,
// one instance's retainers are shown with its path from the root expanded down to the
// root itself. Then the analysis process is killed: the view says so and reopens.
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
const CLASS = 'ResdashPlantedWidget';
const N = 50;

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let target: Fixture;
let dataDir: string;
const analysisPids = new Set<number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  target = await startFixture('planted-widgets.js');
  await target.waitFor(/ready/);
  target.command(`plant ${N}`);
  await target.waitFor(new RegExp(`planted ${N}\\b`));
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-e2e-explorer-'));
  monitor = createMonitor({ dataDir });
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1400 } });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  for (const pid of analysisPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await stopAllFixtures();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const rows = (tree: string) => page.getByTestId(`explorer-${tree}`).getByTestId('explorer-row');

describe('heap explorer in the browser shell', () => {
  it('dominators three levels deep, a class’s instances, one’s retainers up to the root', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.getByTestId(`attach-${target.pid}`).click({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');
    const targets = await monitor.listTargets({});
    const record = await monitor.takeHeapSnapshot({ targetId: targets[0]!.id, confirm: true });
    const libraryRow = page.getByTestId('library-row');
    await libraryRow.first().waitFor({ timeout: 60_000 });

    await page.getByTestId('library-explore').first().click();
    const status = page.getByTestId('explorer-status');
    // The root comes expanded: its children are level 2 of the tree.
    await expect.poll(() => rows('dominators').count(), { timeout: 120_000 }).toBeGreaterThan(2);
    expect(await status.textContent()).toMatch(/rows shown/);
    const dom = page.getByTestId('explorer-dominators');
    expect(await dom.locator('[data-depth="1"]').count()).toBeGreaterThan(0);
    // Retained sizes say what they are.
    expect(await dom.getByTestId('explorer-retained').first().getAttribute('title')).toMatch(
      /what would be freed if this object were gone/,
    );
    // Level 3 with the mouse: the first level-2 row that has children.
    const expandableAt = (depth: number) =>
      dom.locator(`[data-depth="${depth}"][aria-expanded="false"]`).first();
    await expandableAt(1).getByTestId('explorer-toggle').click();
    await expect.poll(() => dom.locator('[data-depth="2"]').count()).toBeGreaterThan(0);
    // Level 4 with the keyboard: focus a level-3 row that has children, arrow right.
    const third = expandableAt(2);
    await third.click();
    const thirdId = await third.getAttribute('data-node-id');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => dom.locator('[data-depth="3"]').count()).toBeGreaterThan(0);
    await expect
      .poll(() => dom.locator(`[data-node-id="${thirdId}"]`).getAttribute('aria-expanded'))
      .toBe('true');
    // Arrow down moves to its first child; left goes back up to it and collapses it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => dom.locator(`[data-node-id="${thirdId}"]`).getAttribute('aria-expanded'))
      .toBe('false');
    await page.screenshot({ path: artifact('heap-explorer-dominators.png'), fullPage: true });

    // A class's instances, from the search.
    await page.getByTestId('explorer-class-search').fill('PlantedWidget');
    const classRow = page.locator(`[data-testid="explorer-class-row"][data-class="${CLASS}"]`);
    await classRow.waitFor({ timeout: 30_000 });
    await classRow.click();
    await expect.poll(() => rows('instances').count(), { timeout: 30_000 }).toBe(N);
    expect(await page.getByTestId('explorer-instances-title').textContent()).toContain(`${N}`);
    const sizes = await rows('instances').getByTestId('explorer-retained').allTextContents();
    expect(sizes.length).toBe(N);

    // Its retainers, with the path from the root expanded down to the root row.
    const first = rows('instances').first();
    const id = Number(await first.getAttribute('data-node-id'));
    await first.click();
    const selected = page.getByTestId('explorer-selected');
    // The panel shows the earlier selection until this one's details arrive.
    await expect.poll(() => selected.textContent(), { timeout: 30_000 }).toContain(`@${id}`);
    const info = await monitor.openSnapshotExplorer({ snapshotId: record.id });
    analysisPids.add(info.pid);
    const rootRow = page
      .getByTestId('explorer-retainers')
      .locator(`[data-node-id="${info.root.nodeId}"]`);
    await rootRow.first().waitFor({ timeout: 30_000 });
    expect(await rootRow.first().textContent()).toContain('the root');
    expect(await page.getByTestId('explorer-path').textContent()).toMatch(
      new RegExp(`Map.* -> ${CLASS}$`),
    );
    await page.screenshot({ path: artifact('heap-explorer-retainers.png'), fullPage: true });

    // The analysis process dies: the next query says so, and Reopen brings it back.
    process.kill(info.pid, 'SIGKILL');
    await expect.poll(() => alive(info.pid)).toBe(false);
    await rows('instances').nth(1).click();
    const banner = page.getByTestId('explorer-error');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('MONITOR_ERR_EXPLORER_PROCESS_DIED');
    await page.getByTestId('explorer-reopen').click();
    await expect.poll(() => rows('dominators').count(), { timeout: 120_000 }).toBeGreaterThan(2);
    expect(await banner.count()).toBe(0);
    const again = await monitor.openSnapshotExplorer({ snapshotId: record.id });
    analysisPids.add(again.pid);
    expect(again.pid).not.toBe(info.pid);
    expect(errors).toEqual([]);
  });
});

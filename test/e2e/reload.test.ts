// F26 in the browser shell: the renderer reloads while a target is attached (its script
// held back, so no renderer runs for several ticks). The core keeps sampling through it
// (no gap in its history, and the samples it pushed meanwhile are the same as that
// history), and the reloaded page rehydrates:
// the target is still shown attached and the memory chart comes back with at least the
// points it had, the same first point, its RSS line in one piece, then keeps growing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { Sample } from '../../src/shared/model';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INTERVAL_MS = 250;
/** The reloaded page's script is held back this long: the renderer is gone for many ticks. */
const HOLD_MS = 1_500;
/** Where the plot starts inside a chart (line-chart.tsx, M.left). */
const PLOT_LEFT_PX = 64;

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let target: Fixture;

beforeAll(async () => {
  target = await startFixture('idle.js');
  monitor = createMonitor({ recording: false });
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

const chart = () => page.getByTestId('memory-chart');
const points = async (): Promise<number> => Number(await chart().getAttribute('data-points'));
/** Segments of the RSS line: 1 when drawn without a gap. */
const rssSegments = async (): Promise<number> => {
  const d =
    (await chart().locator('path.series-line[data-series="rssMb"]').getAttribute('d')) ?? '';
  return (d.match(/M/g) ?? []).length;
};

/** The hover readout at the chart's left edge: the first point's time and values. */
const firstPoint = async (): Promise<string> => {
  const box = (await chart().boundingBox())!;
  await page.mouse.move(box.x + PLOT_LEFT_PX + 2, box.y + 60);
  const readout = chart().locator('.chart-readout');
  await readout.waitFor({ timeout: 5_000 });
  const text = (await readout.textContent()) ?? '';
  await page.mouse.move(0, 0);
  return text;
};

describe('F26: the renderer reloads while attached', () => {
  it('keeps sampling in the core, and the reloaded page rehydrates the charts from history', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} at ${m.location().url}`);
    });

    await page.goto(server.url);
    await page.getByTestId(`attach-${target.pid}`).click({ timeout: 15_000 });
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');
    const [t] = await monitor.listTargets({});
    expect(t?.pid).toBe(target.pid);
    const targetId = t!.id;
    await page.getByTestId('interval-select').selectOption(String(INTERVAL_MS));
    await expect
      .poll(async () => (await monitor.listTargets({}))[0]?.intervalMs, { timeout: 10_000 })
      .toBe(INTERVAL_MS);
    const fastFromMs = Date.now() + INTERVAL_MS;

    // Everything the core pushes from here on, page or no page.
    const pushed: Sample[] = [];
    monitor.on('samples', (b) => {
      if (b.targetId === targetId) pushed.push(...b.samples);
    });

    await expect.poll(points, { timeout: 20_000 }).toBeGreaterThanOrEqual(12);
    await expect.poll(rssSegments, { timeout: 10_000 }).toBe(1);
    const before = await points();
    const first = await firstPoint();
    expect(first).toMatch(/\d\d:\d\d:\d\d/);
    let heldUntilMs = 0;
    await page.route('**/assets/*.js', async (route) => {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      heldUntilMs = Date.now();
      await route.continue();
    });
    const reloadStartMs = Date.now();
    await page.reload();
    await page.unrouteAll();
    expect(heldUntilMs).toBeGreaterThan(reloadStartMs);

    // Rehydrated: the same target, still attached, its chart with the history back.
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');
    await chart().waitFor({ timeout: 15_000 });
    await expect.poll(points, { timeout: 15_000 }).toBeGreaterThanOrEqual(before);
    // The same first point as before the reload: the history came back, not only live
    // samples (those would start after the reload).
    expect(await firstPoint()).toBe(first);
    // History and live samples join without a gap, and live samples keep coming.
    expect(await rssSegments()).toBe(1);
    const rehydrated = await points();
    const reloadEndMs = Date.now();
    await expect.poll(points, { timeout: 15_000 }).toBeGreaterThan(rehydrated);
    expect(await rssSegments()).toBe(1);
    await page.screenshot({ path: artifact('reload-rehydrated.png'), fullPage: true });

    // The core never stopped: a few more ticks after the reload, then no tick missing.
    await expect
      .poll(
        async () =>
          (await monitor.getHistory({ targetId })).filter(
            (s) => s.timestampMs > reloadEndMs + 4 * INTERVAL_MS,
          ).length,
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(1);
    const all = (await monitor.getHistory({ targetId })).map((s) => s.timestampMs);
    const history = all.filter((ts) => ts >= fastFromMs);
    expect(history[0]!).toBeLessThan(reloadStartMs - 4 * INTERVAL_MS);
    expect(history.at(-1)!).toBeGreaterThan(reloadEndMs + 4 * INTERVAL_MS);
    const deltas = history.slice(1).map((ts, i) => ts - history[i]!);
    console.log(
      `F26: renderer away ${heldUntilMs - reloadStartMs} ms, rehydrated after ${reloadEndMs - reloadStartMs} ms; ${history.length} samples, ` +
        `intervals ${Math.min(...deltas)}-${Math.max(...deltas)} ms; chart ${before} -> ${rehydrated} points`,
    );
    // About one interval each. A gap, as the charts define one (F12), is more than three
    // intervals; a sampler that stopped while the page was away would leave one of at
    // least HOLD_MS (six intervals).
    for (const d of deltas) {
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(3 * INTERVAL_MS);
    }
    // The pushes during the reload went out as sampled, the same samples as the history.
    const pushedTs = pushed.map((s) => s.timestampMs);
    const window = all.filter((ts) => ts >= pushedTs[0]! && ts <= pushedTs.at(-1)!);
    expect(pushedTs).toEqual(window);
    // Among them, the ones sampled while the page had no renderer at all.
    expect(pushedTs.filter((ts) => ts > reloadStartMs && ts < heldUntilMs).length).toBeGreaterThan(
      0,
    );
    expect((await monitor.listTargets({}))[0]?.status).toBe('attached');
    expect(errors).toEqual([]);
  });
});

// The renderer under the strict shared CSP (no 'unsafe-inline' anywhere, F23/F24), in a
// real Chromium through the browser shell: the dashboard and its recharts charts draw,
// their dynamic styles (series colours, recharts' tooltip position and legend layout)
// still apply because React sets them through the CSSOM, and no CSP violation is
// reported. A markup style attribute injected on purpose is reported, so the listener
// is known to work.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP_DIRECTIVES } from '../../src/shared/csp';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let monitor: Monitor;
let server: RunningServer;
let browser: Browser;
let page: Page;
let target: Fixture;
const consoleErrors: string[] = [];

type Violations = Array<{ directive: string; blocked: string; sample: string }>;

async function violations(p: Page): Promise<Violations> {
  return p.evaluate(
    () => (globalThis as unknown as { __cspViolations?: Violations }).__cspViolations ?? [],
  );
}

beforeAll(async () => {
  target = await startFixture('idle.js');
  monitor = createMonitor({ recording: false });
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Runs before the page's own scripts; Playwright's init scripts are not subject to CSP.
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      __cspViolations: Array<{ directive: string; blocked: string; sample: string }>;
      document: {
        addEventListener(
          t: string,
          cb: (e: { violatedDirective: string; blockedURI: string; sample: string }) => void,
        ): void;
      };
    };
    w.__cspViolations = [];
    w.document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
      }),
    );
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
});

describe('renderer under the strict CSP', () => {
  it('has no unsafe-inline or unsafe-eval in the policy it is served with', async () => {
    for (const d of RENDERER_CSP_DIRECTIVES) expect(d).not.toMatch(/unsafe-(inline|eval)/);
    const response = await page.goto(server.url);
    const header = response?.headers()['content-security-policy'] ?? '';
    expect(header).toContain("style-src 'self'");
    expect(header).not.toContain('unsafe-inline');
  });

  it('draws the dashboard, applies its dynamic styles, and reports no violation', async () => {
    await page.goto(server.url);
    await page.getByTestId(`attach-${target.pid}`).click({ timeout: 15_000 });
    const chart = page.getByTestId('memory-chart');
    await chart.waitFor();
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);

    // The legend's swatch colour is a React style prop: applied (CSSOM), not blocked.
    const card = page.locator('section.chart-card', { has: chart });
    const swatch = card.locator('.chart-legend .chart-swatch').first();
    const borderColour = (el: unknown): string =>
      (
        globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }
      ).getComputedStyle(el).borderTopColor;
    expect(await swatch.evaluate(borderColour)).toBe(
      'rgb(59, 130, 246)', // #3b82f6, the RSS series
    );

    // Recharts drew its SVG: the lines, the axes' tick labels.
    await expect.poll(() => chart.locator('path.series-line').count()).toBeGreaterThan(0);
    expect(await chart.locator('.recharts-cartesian-axis-tick-value').count()).toBeGreaterThan(0);

    // Hovering shows recharts' tooltip, which it places with a style prop (a CSS
    // transform computed from the mouse): applied, not blocked.
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    const readout = chart.locator('.chart-readout');
    await readout.waitFor();
    const placed = await chart
      .locator('.recharts-tooltip-wrapper')
      .evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
    expect(placed).toMatch(/translate\(\s*[-\d.]+px/);
    expect(await readout.textContent()).toMatch(/\d\d:\d\d:\d\d/);

    expect(await violations(page)).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('does report a style attribute in markup (the listener works)', async () => {
    await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: {
            createElement(tag: string): { innerHTML: string };
            body: { appendChild(node: unknown): void };
          };
        }
      ).document;
      const div = d.createElement('div');
      div.innerHTML = '<span style="color: red">x</span>';
      d.body.appendChild(div);
    });
    await expect
      .poll(async () => (await violations(page)).map((v) => v.directive))
      .toContain('style-src-attr');
  });
});

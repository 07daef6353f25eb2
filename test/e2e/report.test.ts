// Reports and recordings in a real Chromium: the offline report renders with every
// network request blocked and prints to PDF; in the browser shell a hostile command
// line shows as literal text (no img element), the export button downloads a report,
// and a recording opens as a read-only target with its charts.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { reportFromRecording } from '../../src/monitor/report/report-requests';
import { startServer, type RunningServer } from '../../src/server/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { artifact, launchChromium } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOSTILE = '</script><img src=x onerror=alert(1)>';

let dir: string;
let recordingFile: string;
let fixture: Fixture;
let monitor: Monitor;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-e2e-report-'));
  fixture = await startFixture('idle.js', { args: [HOSTILE] });
  monitor = createMonitor({ recording: { dataDir: dir, flushIntervalMs: 200 } });
  server = await startServer({ monitor, port: 0, rendererDir: path.join(root, 'out/renderer') });
  browser = await launchChromium();
  // A short recording of the hostile fixture for the offline tests.
  const t = await monitor.attach({ port: fixture.port!, intervalMs: 200 });
  while ((await monitor.getHistory({ targetId: t.id })).length < 8) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await monitor.detach({ targetId: t.id });
  await monitor.removeTarget({ targetId: t.id });
  recordingFile = path.join(
    dir,
    (await readdir(dir)).find((f) => f.endsWith('.ndjson'))!,
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await monitor?.dispose();
  await stopAllFixtures();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('offline report in Chromium', () => {
  it('renders with the network blocked, draws its charts, and prints', async () => {
    const file = path.join(dir, 'report.html');
    await writeFile(file, (await reportFromRecording(recordingFile)).content);
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('svg.chart').count()).toBe(4);
    expect(await page.locator('svg.chart path[d^="M"]').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    const command = page.locator('dl.identity dt:text-is("Command") + dd');
    expect(await command.textContent()).toContain(HOSTILE);
    expect(await page.locator('[data-kpi="Peak RSS"] .kpi-value').textContent()).toMatch(/MB/);
    await page.screenshot({ path: artifact('report-offline.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ path: artifact('report.pdf'), format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('browser shell', () => {
  it('shows a hostile command line as text, exports a report, and opens a recording', async () => {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(server.url);
    const row = page.getByTestId(`process-row-${fixture.pid}`);
    await row.waitFor({ timeout: 15_000 });
    // Shown as text (cut to the row's width, the whole line in its tooltip), never as markup.
    const command = row.locator('.command');
    expect(await command.getAttribute('title')).toContain(HOSTILE);
    expect(await command.textContent()).toContain('</script>');
    expect(await page.locator('img').count()).toBe(0);

    await page.getByTestId(`attach-${fixture.pid}`).click();
    await expect
      .poll(() => page.getByTestId('target-status').textContent(), { timeout: 15_000 })
      .toContain('attached');
    await expect
      .poll(
        async () => Number(await page.getByTestId('memory-chart').getAttribute('data-points')),
        {
          timeout: 20_000,
        },
      )
      .toBeGreaterThanOrEqual(2);
    const downloading = page.waitForEvent('download');
    await page.getByTestId('export-report-html').click();
    const download = await downloading;
    // Named after the target's title: the fixtures run in this repository (process-title.ts).
    expect(download.suggestedFilename()).toMatch(
      /^resdash-report-resource-dashboard_idle\.js_-.*\.html$/,
    );
    const html = await readFile((await download.path())!, 'utf8');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    await page.screenshot({ path: artifact('report-shell-attached.png'), fullPage: true });

    await page.getByTestId('recording-path').fill(recordingFile);
    await page.getByTestId('open-recording').click();
    await expect
      .poll(() => page.locator('.status-line').textContent(), { timeout: 10_000 })
      .toContain('read-only');
    await expect
      .poll(
        async () => Number(await page.getByTestId('memory-chart').getAttribute('data-points')),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(8);
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: artifact('report-shell-recording.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await context.close();
  });
});

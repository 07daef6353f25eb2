// The Electron app itself, where an Electron binary exists (it cannot be downloaded
// on this kind of machine, see TOOLCHAIN.md): the window loads the renderer, the page
// has window.monitor and no Node, and requests go through the checked IPC.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication } from 'playwright';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Without require('electron'): that would try to download the binary. */
function electronBinary(): { path: string } | { missing: string } {
  const dir = path.join(ROOT, 'node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${path.relative(ROOT, pathFile)} does not exist` };
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { missing: `${path.relative(ROOT, binary)} does not exist` };
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    return { missing: 'no DISPLAY; run under xvfb-run' };
  }
  return { path: binary };
}

const found = electronBinary();
const skipReason = 'missing' in found ? found.missing : null;
if (skipReason !== null) {
  console.log(
    `SKIP electron e2e: the Electron binary is not installed on this machine (${skipReason}); the browser e2e tests cover the renderer.`,
  );
}
const itElectron = skipReason === null ? it : it.skip;

describe('Electron app', () => {
  let app: ElectronApplication | null = null;

  afterAll(async () => {
    await app?.close();
  });

  itElectron('opens a sandboxed window whose page has window.monitor and no Node', async () => {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    app = await _electron.launch({
      executablePath: (found as { path: string }).path,
      args: [path.join(ROOT, 'out/main/index.js'), '--no-sandbox'],
      cwd: ROOT,
    });
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toContain('Resource');

    const probe = await page.evaluate(async () => {
      const w = globalThis as unknown as {
        monitor?: Record<string, unknown> & { listTargets(a: object): Promise<unknown> };
        require?: unknown;
        process?: unknown;
      };
      const targets = await w.monitor?.listTargets({});
      let rejected: unknown = null;
      try {
        await (w.monitor as unknown as { detach(a: object): Promise<unknown> }).detach({
          targetId: 'no-such-target',
        });
      } catch (err) {
        rejected = err;
      }
      return {
        hasMonitor: typeof w.monitor === 'object',
        verbs: Object.keys(w.monitor ?? {}).sort(),
        hasRequire: typeof w.require !== 'undefined',
        hasProcess: typeof w.process !== 'undefined',
        targetsIsArray: Array.isArray(targets),
        rejected,
      };
    });
    expect(probe.hasMonitor).toBe(true);
    expect(probe.verbs).toContain('attach');
    expect(probe.verbs).toContain('on');
    expect(probe.verbs).not.toContain('invoke');
    expect(probe.hasRequire).toBe(false);
    expect(probe.hasProcess).toBe(false);
    expect(probe.targetsIsArray).toBe(true);
    expect(probe.rejected).toMatchObject({ code: expect.stringMatching(/^MONITOR_ERR_/) });

    // Navigation away and new windows are blocked.
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        open(url: string): unknown;
        location: { href: string };
      };
      w.open('https://example.com');
      w.location.href = 'https://example.com';
    });
    await page.waitForTimeout(200);
    expect(page.url()).toMatch(/^app:\/\/resdash\/index\.html|^http:\/\/(localhost|127\.0\.0\.1)/);
    expect(app.windows()).toHaveLength(1);
  });
});

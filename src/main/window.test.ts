// The window's web preferences (F24) with a stand-in electron module: isolated,
// sandboxed, no Node anywhere, no webviews, no middle-click, and it loads the URL given.
import { describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow } from './electron-stand-in';
import { APP_INDEX_URL, PRELOAD_PATH } from './paths';
import { createMainWindow } from './window';

vi.mock('electron', async () => (await import('./electron-stand-in')).electronModule());

describe('createMainWindow', () => {
  it('opens a sandboxed, isolated window on the given URL', () => {
    createMainWindow(APP_INDEX_URL);
    const window = FakeBrowserWindow.created.at(-1)!;
    expect(window.options.webPreferences).toMatchObject({
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(window.loaded).toEqual([APP_INDEX_URL]);
  });
});

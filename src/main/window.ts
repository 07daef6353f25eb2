// The one application window: sandboxed, isolated, no Node in the renderer (F24).
import { BrowserWindow } from 'electron';
import { ICON_PATH, PRELOAD_PATH, RENDERER_INDEX, devRendererUrl } from './paths';

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Resource Dashboard',
    icon: ICON_PATH,
    backgroundColor: '#18202f',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  const dev = devRendererUrl();
  void (dev !== null ? window.loadURL(dev) : window.loadFile(RENDERER_INDEX));
  return window;
}

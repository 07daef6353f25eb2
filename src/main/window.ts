// The one application window: sandboxed, isolated, no Node in the renderer (F24).
import { BrowserWindow } from 'electron';
import { ICON_PATH, PRELOAD_PATH } from './paths';

/** Opens the window on url (rendererUrl() in paths.ts: app://resdash/ or the dev server). */
export function createMainWindow(url: string): BrowserWindow {
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
      // The preload runs sandboxed and exposes verbs only, never ipcRenderer (README
      // "Security model"); electronegativity asks for a review of every preload.
      preload: PRELOAD_PATH, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // A middle click must not open anything (new windows are denied anyway).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url);
  return window;
}

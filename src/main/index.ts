// Electron composition root: security, the core, the window, the IPC wiring. All the
// logic lives in src/monitor; this file only puts the pieces together.
import { app, shell } from 'electron';
import { createMonitor } from '../monitor/index';
import { setupIpc } from './ipc';
import { devRendererUrl, isTrustedRendererUrl, rendererUrl } from './paths';
import { registerAppScheme, setupSecurity } from './security';
import { createMainWindow } from './window';

registerAppScheme();
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

void app.whenReady().then(() => {
  setupSecurity();
  const monitor = createMonitor({
    // "Open the folder" with the desktop's own file manager integration.
    showInFolder: async (target, reveal) => {
      if (reveal) return shell.showItemInFolder(target);
      const failed = await shell.openPath(target);
      if (failed) throw new Error(failed);
    },
  });
  // ELECTRON_RENDERER_URL counts only in an unpackaged app (electron-vite dev).
  const dev = devRendererUrl(process.env, app.isPackaged);
  const window = createMainWindow(rendererUrl(process.env, app.isPackaged));
  const disposeIpc = setupIpc(monitor, window, (url) => isTrustedRendererUrl(url, dev));

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());

  // Detach from every target (uninstalling probes) before the process goes away.
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    disposeIpc();
    void monitor.dispose().finally(() => app.quit());
  });
});

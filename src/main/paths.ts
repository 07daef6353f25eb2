// Where the bundled pieces live relative to out/main/index.js, and which renderer
// URLs we trust (the built file, or electron-vite's dev server when it runs).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const PRELOAD_PATH = path.join(here, '../preload/index.cjs');
export const RENDERER_INDEX = path.join(here, '../renderer/index.html');
export const ICON_PATH = path.join(here, '../../resources/icon.png');

/** electron-vite sets this only in `electron-vite dev`. */
export function devRendererUrl(): string | null {
  const url = process.env.ELECTRON_RENDERER_URL;
  return url && /^http:\/\/(localhost|127\.0\.0\.1):\d+\/?/.test(url) ? url : null;
}

/** True for our own renderer page: the built index.html or the dev server's origin. */
export function isTrustedRendererUrl(url: string): boolean {
  const dev = devRendererUrl();
  if (dev !== null) {
    try {
      return new URL(url).origin === new URL(dev).origin;
    } catch {
      return false;
    }
  }
  const expected = pathToFileURL(RENDERER_INDEX).href;
  return url === expected || url.startsWith(expected + '#') || url.startsWith(expected + '?');
}

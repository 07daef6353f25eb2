// Where the bundled pieces live relative to out/main/index.js, the URL the window loads
// and which renderer URLs we trust. No electron import: plain Node tests run it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const PRELOAD_PATH = path.join(here, '../preload/index.cjs');
export const RENDERER_DIR = path.join(here, '../renderer');
export const ICON_PATH = path.join(here, '../../resources/icon.png');

/**
 * The built renderer is served from this privileged scheme (app-protocol.ts), never
 * from file://: a file:// page may read any other file:// URL, a standard scheme with
 * its own host is an origin of its own.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'resdash';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * electron-vite's dev server URL (it sets ELECTRON_RENDERER_URL in `electron-vite dev`).
 * Never in a packaged app: an environment variable must not be able to point the
 * privileged window at another page. Even then only http on localhost / 127.0.0.1
 * with a port, and no user info (`http://localhost:5173@evil.example/` is evil.example).
 */
export function devRendererUrl(env: NodeJS.ProcessEnv, isPackaged: boolean): string | null {
  if (isPackaged) return null;
  const raw = env.ELECTRON_RENDERER_URL;
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'http:' || !loopback || url.port === '') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}

/** The page the window loads: the dev server when devRendererUrl allows it, else app://. */
export function rendererUrl(env: NodeJS.ProcessEnv, isPackaged: boolean): string {
  return devRendererUrl(env, isPackaged) ?? APP_INDEX_URL;
}

/**
 * True for our own renderer page: app://resdash/index.html (or /), or, in development,
 * a page of the dev server's origin. `dev` is what devRendererUrl returned.
 */
export function isTrustedRendererUrl(url: string, dev: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (dev !== null) return u.origin === new URL(dev).origin;
  return (
    u.protocol === `${APP_SCHEME}:` &&
    u.host === APP_HOST &&
    u.username === '' &&
    u.password === '' &&
    (u.pathname === '/index.html' || u.pathname === '/')
  );
}

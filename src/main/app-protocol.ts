// The app:// scheme the window loads the built renderer from (registered in
// security.ts). This file has no electron import: the handler is a plain
// Request -> Response function that Node runs in the tests. Only files inside the
// renderer folder are served (no `..`, encoded separators or symlinks out of it),
// GET/HEAD only, every response with the renderer's CSP.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeFor, resolveStaticPath } from '../server/static-files';
import { APP_HOST, APP_SCHEME } from './paths';

/**
 * Privileges of the scheme: standard (an origin of its own, relative URLs resolve) and
 * secure (treated like https). Deliberately not bypassCSP, corsEnabled, stream or
 * allowServiceWorkers: the renderer needs none of them.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
} as const;

function refuse(status: number, csp: string): Response {
  return new Response(null, { status, headers: baseHeaders(csp) });
}

function baseHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The file under rootDir a request names, or the HTTP status to refuse it with. */
export async function resolveAppRequest(
  rootDir: string,
  method: string,
  rawUrl: string,
): Promise<{ file: string } | { status: 403 | 404 | 405 }> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405 };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 };
  if (url.username !== '' || url.password !== '') return { status: 404 };
  const full = resolveStaticPath(rootDir, url.pathname);
  if (full === null) return { status: 403 };
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(full), realpath(rootDir)]);
  } catch {
    return { status: 404 };
  }
  // A symlink inside the folder must not lead out of it.
  if (!real.startsWith(realRoot + path.sep)) return { status: 403 };
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return { status: 404 };
  return { file: real };
}

/** The handler for protocol.handle(APP_SCHEME, ...): serves rootDir with the given CSP. */
export function createAppProtocolHandler(
  rootDir: string,
  csp: string,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const found = await resolveAppRequest(rootDir, request.method, request.url);
    if ('status' in found) return refuse(found.status, csp);
    let body: Buffer;
    try {
      body = await readFile(found.file);
    } catch {
      return refuse(404, csp);
    }
    const headers = {
      ...baseHeaders(csp),
      'Content-Type': contentTypeFor(found.file),
      'Content-Length': String(body.length),
      'Cache-Control': path.extname(found.file) === '.html' ? 'no-store' : 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers,
    });
  };
}

// Serves the built renderer from one directory: no path traversal (lexical and via
// symlinks), known content types only, index.html never cached.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL pathname to a file inside rootDir, or null when it would leave it
 * (`..`, encoded separators, NUL bytes, backslashes).
 */
export function resolveStaticPath(rootDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const relative = segments.length === 0 ? 'index.html' : segments.join('/');
  const root = path.resolve(rootDir);
  const full = path.resolve(root, relative);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  return full;
}

export type StaticResult = 'served' | 'not-found' | 'forbidden';

/** Streams the file for pathname, setting type and cache headers; the caller sets the rest. */
export async function serveStatic(
  rootDir: string,
  pathname: string,
  res: ServerResponse,
  headOnly: boolean,
): Promise<StaticResult> {
  const full = resolveStaticPath(rootDir, pathname);
  if (full === null) return 'forbidden';
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(full), realpath(rootDir)]);
  } catch {
    return 'not-found';
  }
  if (!real.startsWith(realRoot + path.sep)) return 'forbidden';
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return 'not-found';
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypeFor(real));
  res.setHeader('Content-Length', info.size);
  res.setHeader('Cache-Control', path.extname(real) === '.html' ? 'no-store' : 'no-cache');
  if (headOnly) {
    res.end();
    return 'served';
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(real);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', () => resolve());
    stream.pipe(res);
  });
  return 'served';
}

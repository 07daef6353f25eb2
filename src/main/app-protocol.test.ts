// The app:// handler on a real folder: serves the renderer's files with the CSP, and
// refuses traversal (lexical, encoded, backslash, NUL, symlinks out), other hosts and
// methods other than GET/HEAD.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../shared/csp';
import { createAppProtocolHandler, resolveAppRequest } from './app-protocol';

let base: string;
let root: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'resdash-app-protocol-'));
  root = path.join(base, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>ok</title>');
  await writeFile(path.join(root, 'assets', 'index.js'), 'export {};');
  await writeFile(path.join(root, 'assets', 'index.css'), 'body{}');
  await writeFile(path.join(base, 'secret.txt'), 'secret');
  await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  handle = createAppProtocolHandler(root, RENDERER_CSP);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, method = 'GET'): Promise<Response> =>
  handle(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves index.html with the CSP and no-store', async () => {
    for (const url of ['app://resdash/index.html', 'app://resdash/', 'app://resdash']) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(await res.text()).toContain('<title>ok</title>');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('serves assets with their content types', async () => {
    const js = await get('app://resdash/assets/index.js?v=1');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export {};');
    const css = await get('app://resdash/assets/index.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('app://resdash/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it.each([
    'app://resdash/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://resdash/..%2fsecret.txt',
    'app://resdash/assets%5c..%5c..%5csecret.txt',
    'app://resdash/index.html%00.js',
    'app://resdash/assets/link.txt',
  ])('refuses %s with 403 and never the file', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('secret');
    expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it('keeps URL-normalised dot segments inside the folder', async () => {
    // The URL parser removes ../ and %2e%2e/ before the handler sees them.
    for (const url of ['app://resdash/../../secret.txt', 'app://resdash/%2e%2e/secret.txt']) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('refuses a URL with user info', async () => {
    // A Request cannot even carry one; the resolver refuses it all the same.
    expect(await resolveAppRequest(root, 'GET', 'app://x@resdash/index.html')).toEqual({
      status: 404,
    });
  });

  it('refuses other hosts, directories and missing files with 404', async () => {
    for (const url of [
      'app://evil/index.html',
      'app://resdash/assets',
      'app://resdash/missing.js',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await handle(
      new Request('app://resdash/index.html', { method: 'POST', body: 'x' }),
    );
    expect(res.status).toBe(405);
  });
});

// Which page the window loads and which sender URLs the IPC trusts: ELECTRON_RENDERER_URL
// counts only in an unpackaged app, and only for http on loopback.
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, devRendererUrl, isTrustedRendererUrl, rendererUrl } from './paths';

const env = (url?: string): NodeJS.ProcessEnv =>
  url === undefined ? {} : { ELECTRON_RENDERER_URL: url };

describe('devRendererUrl / rendererUrl', () => {
  it('ignores ELECTRON_RENDERER_URL in a packaged app', () => {
    expect(devRendererUrl(env('http://localhost:5173/'), true)).toBeNull();
    expect(rendererUrl(env('http://localhost:5173/'), true)).toBe(APP_INDEX_URL);
  });

  it('takes a loopback http dev server URL when not packaged', () => {
    expect(devRendererUrl(env('http://localhost:5173/'), false)).toBe('http://localhost:5173/');
    expect(devRendererUrl(env('http://127.0.0.1:5173'), false)).toBe('http://127.0.0.1:5173/');
    expect(rendererUrl(env('http://127.0.0.1:5173/'), false)).toBe('http://127.0.0.1:5173/');
  });

  it.each([
    'https://evil.example/',
    'http://evil.example:5173/',
    'http://localhost.evil.example:5173/',
    'http://localhost:5173@evil.example/',
    'http://user:pw@localhost:5173/',
    'http://localhost/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
    '',
  ])('refuses %j and loads app:// instead', (url) => {
    expect(devRendererUrl(env(url), false)).toBeNull();
    expect(rendererUrl(env(url), false)).toBe(APP_INDEX_URL);
  });

  it('loads app:// when the variable is not set', () => {
    expect(rendererUrl(env(), false)).toBe('app://resdash/index.html');
  });
});

describe('isTrustedRendererUrl', () => {
  it('trusts only our app:// page when there is no dev server', () => {
    expect(isTrustedRendererUrl('app://resdash/index.html', null)).toBe(true);
    expect(isTrustedRendererUrl('app://resdash/index.html#/target/1', null)).toBe(true);
    expect(isTrustedRendererUrl('app://resdash/', null)).toBe(true);
    for (const url of [
      'app://other/index.html',
      'app://resdash/assets/index.js',
      'app://x@resdash/index.html',
      'file:///work/out/renderer/index.html',
      'http://localhost:5173/',
      'https://resdash/index.html',
      'devtools://devtools/bundled/inspector.html',
      '',
    ]) {
      expect(isTrustedRendererUrl(url, null), url).toBe(false);
    }
  });

  it('trusts the dev server origin only, and then not app://', () => {
    const dev = 'http://localhost:5173/';
    expect(isTrustedRendererUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isTrustedRendererUrl('app://resdash/index.html', dev)).toBe(false);
  });
});

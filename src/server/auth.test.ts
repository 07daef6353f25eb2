import { describe, expect, it } from 'vitest';
import { createToken, isAllowedHost, isAllowedOrigin, parseCookies, tokensEqual } from './auth';
import { resolveStaticPath } from './static-files';

describe('browser shell auth', () => {
  it('creates distinct url-safe tokens of 24 random bytes', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createToken()).not.toBe(a);
  });

  it('compares tokens exactly', () => {
    const t = createToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(t.slice(1), t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
  });

  it.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['127.0.0.1:8081', false],
    ['127.0.0.1', false],
    ['evil.example:8080', false],
    ['127.0.0.1.evil.example:8080', false],
    [undefined, false],
  ])('Host %j allowed: %s', (host, ok) => expect(isAllowedHost(host, 8080)).toBe(ok));

  it.each([
    [undefined, true],
    ['http://127.0.0.1:8080', true],
    ['http://localhost:8080', true],
    ['https://127.0.0.1:8080', false],
    ['http://127.0.0.1:8081', false],
    ['null', false],
    ['http://evil.example', false],
  ])('Origin %j allowed: %s', (origin, ok) => expect(isAllowedOrigin(origin, 8080)).toBe(ok));

  it('reads cookies, first one wins', () => {
    const c = parseCookies('a=1; resdash_token=abc; resdash_token=def; broken');
    expect(c.get('a')).toBe('1');
    expect(c.get('resdash_token')).toBe('abc');
    expect(c.has('broken')).toBe(false);
  });
});

describe('resolveStaticPath', () => {
  const root = '/srv/renderer';
  it.each([
    ['/', '/srv/renderer/index.html'],
    ['/assets/app.js', '/srv/renderer/assets/app.js'],
    ['//assets//app.js', '/srv/renderer/assets/app.js'],
  ])('%s -> %s', (p, full) => expect(resolveStaticPath(root, p)).toBe(full));

  it.each([
    '/../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/a/..%2f..%2fx',
    '/%00',
    '/..%5cx',
    '/%E0%A4%A',
  ])('refuses %s', (p) => expect(resolveStaticPath(root, p)).toBeNull());
});

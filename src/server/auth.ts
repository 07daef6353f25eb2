// Who may talk to the browser shell: a request must come for our loopback host and
// port (DNS rebinding), from our own origin when a browser says where it comes from,
// and carry the random token in the query or in the cookie we set (F25).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'resdash_token';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first hides the length of the expected token. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return allowedHosts(port).includes(host.toLowerCase());
}

/** An absent Origin is fine (curl, the CLI); a present one must be ours. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export type AuthVerdict =
  { ok: true; via: 'query' | 'cookie' } | { ok: false; status: 401 | 403; reason: string };

/** Checks Host, Origin and token of one request (HTTP or WebSocket upgrade). */
export function checkRequest(
  req: IncomingMessage,
  url: URL,
  port: number,
  token: string,
): AuthVerdict {
  if (!isAllowedHost(req.headers.host, port)) {
    return { ok: false, status: 403, reason: 'unexpected Host header' };
  }
  if (!isAllowedOrigin(req.headers.origin, port)) {
    return { ok: false, status: 403, reason: 'unexpected Origin header' };
  }
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null) {
    return tokensEqual(fromQuery, token)
      ? { ok: true, via: 'query' }
      : { ok: false, status: 401, reason: 'wrong token' };
  }
  const fromCookie = parseCookies(req.headers.cookie).get(TOKEN_COOKIE);
  if (fromCookie !== undefined && tokensEqual(fromCookie, token))
    return { ok: true, via: 'cookie' };
  return { ok: false, status: 401, reason: 'missing or wrong token' };
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

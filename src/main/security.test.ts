// The Electron hardening (F24) against a stand-in electron module: every permission
// request and check is denied, navigation, redirects, webviews and new windows are
// refused on every web contents, and the app:// scheme is privileged (not bypassCSP)
// and served by the real handler with the CSP.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RENDERER_CSP } from '../shared/csp';
import { FakeEvent, FakeWebContents, fake } from './electron-stand-in';
import { registerAppScheme, setupSecurity } from './security';

vi.mock('electron', async () => (await import('./electron-stand-in')).electronModule());

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'resdash-security-'));
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'index.html'), '<!doctype html>');
  registerAppScheme();
  setupSecurity(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A web contents as Electron would announce it to the app. */
function newContents(): FakeWebContents {
  const contents = new FakeWebContents();
  fake.app.emit('web-contents-created', new FakeEvent(), contents);
  return contents;
}

describe('security setup', () => {
  it('registers app:// as a standard, secure scheme without bypassCSP', () => {
    const app = fake.protocol.privileged.find((s) => s.scheme === 'app');
    expect(app?.privileges).toMatchObject({ standard: true, secure: true });
    expect(app?.privileges?.bypassCSP).toBeUndefined();
    expect(app?.privileges?.corsEnabled).toBeUndefined();
  });

  it('serves app:// with the renderer CSP and refuses traversal', async () => {
    const handler = fake.protocol.handlers.get('app')!;
    const ok = await handler(new Request('app://resdash/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    const out = await handler(new Request('app://resdash/..%2f..%2fetc%2fpasswd'));
    expect(out.status).toBe(403);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid'])(
    'denies a %s permission request and check',
    (permission) => {
      const ses = fake.session.defaultSession;
      const answers: boolean[] = [];
      ses.permissionRequestHandler!(new FakeWebContents(), permission, (g) => answers.push(g), {
        requestingUrl: 'app://resdash/index.html',
      });
      expect(answers).toEqual([false]);
      expect(
        ses.permissionCheckHandler!(new FakeWebContents(), permission, 'app://resdash', {}),
      ).toBe(false);
    },
  );

  it('puts the CSP on every other response (the dev server), replacing the page own', () => {
    let headers: Record<string, string[]> | undefined;
    fake.session.defaultSession.headersReceived!(
      {
        url: 'http://localhost:5173/',
        responseHeaders: { 'Content-Security-Policy': ['default-src *'], 'X-Other': ['1'] },
      },
      (r) => (headers = r.responseHeaders),
    );
    expect(headers?.['Content-Security-Policy']).toEqual([RENDERER_CSP]);
    expect(headers?.['X-Content-Type-Options']).toEqual(['nosniff']);
    expect(headers?.['X-Other']).toEqual(['1']);
  });

  it('refuses navigation, frame navigation, redirects and webviews on a new web contents', () => {
    const contents = newContents();
    for (const name of [
      'will-navigate',
      'will-frame-navigate',
      'will-redirect',
      'will-attach-webview',
    ]) {
      const event = new FakeEvent();
      contents.emit(name, event, { url: 'https://evil.example/' });
      expect(event.defaultPrevented, name).toBe(true);
    }
  });

  it('denies every new window', () => {
    const contents = newContents();
    expect(contents.windowOpenHandler).not.toBeNull();
    for (const url of ['https://evil.example/', 'app://resdash/index.html', 'file:///etc/passwd']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    }
  });
});

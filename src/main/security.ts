// Electron hardening (F24): the renderer from the app:// scheme with its CSP, no
// navigation, no new windows, no webviews, no permissions, and the CSP on every other
// response too (the dev server's). The logic of the app:// handler is in
// app-protocol.ts; this file only hands the pieces to Electron.
import { app, protocol, session, type WebContents } from 'electron';
import { RENDERER_CSP } from '../shared/csp';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { APP_SCHEME, RENDERER_DIR } from './paths';

/** Must run before app `ready`: Electron only takes privileged schemes then. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** Every web contents: no navigation away, no redirects, no webviews, no new windows. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  // Subframes too (none can load under default-src 'none'; refused anyway).
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** After `ready`: the app:// handler, the default session's handlers, every web contents. */
export function setupSecurity(rendererDir: string = RENDERER_DIR): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, RENDERER_CSP));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      // electronegativity cannot read a CSP from a variable (RENDERER_CSP); lint:electron
      // evaluates the same directives where the build writes them, in index.html.
      // prettier-ignore
      responseHeaders: { // eng-disable CSP_JS_CHECK
        ...details.responseHeaders,
        'Content-Security-Policy': [RENDERER_CSP],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}

// The renderer's Content-Security-Policy, sent by both shells (Electron's session and
// the browser shell's HTTP headers) so they cannot drift. Strings from targets are
// hostile (F23): no inline script, no eval, no remote origins.
export const RENDERER_CSP_DIRECTIVES: readonly string[] = [
  "default-src 'none'",
  "script-src 'self'",
  // No 'unsafe-inline': no <style> element and no style="" attribute in markup. React's
  // style props are set through the CSSOM (element.style), which CSP does not govern,
  // so the few dynamic values (chart colours, tooltip position) still apply.
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
];

export const RENDERER_CSP = RENDERER_CSP_DIRECTIVES.join('; ');

/** The browser shell also names its own WebSocket origins (older engines do not map 'self' to ws:). */
export function rendererCspWithConnect(extraConnectSources: readonly string[]): string {
  return RENDERER_CSP_DIRECTIVES.map((d) =>
    d.startsWith('connect-src ') && extraConnectSources.length > 0
      ? `${d} ${extraConnectSources.join(' ')}`
      : d,
  ).join('; ');
}

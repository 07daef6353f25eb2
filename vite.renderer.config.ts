// Plain-vite build of the renderer for the browser shell and the browser tests.
// Relative asset paths (base './') so the same output works under any mount point.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { RENDERER_CSP_DIRECTIVES } from './src/shared/csp';

const fromRoot = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * Writes the shared CSP into index.html's meta tag, so the page is protected even
 * when loaded without the shells' headers, and the two cannot drift. frame-ancestors
 * is ignored (with a console error) in a meta tag; the headers carry it.
 */
export function cspMetaPlugin(): Plugin {
  const csp = RENDERER_CSP_DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');
  return {
    name: 'resdash-csp-meta',
    transformIndexHtml: (html) => html.replace('__RESDASH_CSP__', csp),
  };
}

export default defineConfig({
  root: fromRoot('./src/renderer'),
  base: './',
  plugins: [react(), cspMetaPlugin()],
  build: {
    outDir: fromRoot('./out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One bundle on purpose: it is loaded from loopback or disk, never over a network.
    chunkSizeWarningLimit: 1024,
  },
});

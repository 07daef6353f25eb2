// Plain-vite build of the renderer for the browser shell and the browser tests.
// Relative asset paths (base './') so the same output works under any mount point.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const fromRoot = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: fromRoot('./src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: fromRoot('./out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One bundle on purpose: it is loaded from loopback or disk, never over a network.
    chunkSizeWarningLimit: 1024,
  },
});

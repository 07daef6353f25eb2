// electron-vite: main (ESM), preload (CJS, so it runs with sandbox: true) and the
// renderer (same source as the browser shell). Works without the Electron binary.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { cspMetaPlugin } from './vite.renderer.config';

const fromRoot = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('./out/main'),
      // The snapshot analysis runs in a child process (Electron caps a process's V8 heap
      // at 4 GB): its entry is built beside the main bundle as analysis-child.js.
      lib: {
        entry: {
          index: fromRoot('./src/main/index.ts'),
          'analysis-child': fromRoot('./src/monitor/snapshots/analysis/child-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('./out/preload'),
      // A sandboxed preload cannot load other files: bundle everything, one CJS file.
      externalizeDeps: false,
      lib: { entry: fromRoot('./src/preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: fromRoot('./src/renderer'),
    base: './',
    plugins: [react(), cspMetaPlugin()],
    build: {
      outDir: fromRoot('./out/renderer'),
      rolldownOptions: { input: fromRoot('./src/renderer/index.html') },
    },
  },
});

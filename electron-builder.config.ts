// `npm run package`: the Linux AppImage and an unpacked directory build, in out/package.
//
// electron-builder rather than Electron Forge: it makes an AppImage and a dir build
// itself (Forge needs a third-party AppImage maker), and it flips the Electron fuses
// itself (`electronFuses`, through @electron/fuses) right after copying the Electron
// binary and before any signing, from this one file. electron-vite builds out/ first;
// electron-builder only packs it.
//
// It needs the Electron binary: downloaded into its cache, or, where the electron
// package already has one (node_modules/electron/dist), that one, or the unpacked
// Electron folder RESDASH_ELECTRON_DIST names; so a machine that cannot download can
// still package for its own platform.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';

const root = path.dirname(fileURLToPath(import.meta.url));

type Fuses = NonNullable<Configuration['electronFuses']>;

/**
 * The fuses of the packaged binary (src/main/fuses.test.ts asserts each one, and reads
 * them back from a packaged binary where one exists).
 */
export const ELECTRON_FUSES = {
  // ON, deliberately, for now. The app runs its own binary as Node twice
  // (ELECTRON_RUN_AS_NODE): the heap snapshot analysis child (its own heap of several
  // GB, src/monitor/snapshots/analysis/run-analysis.ts) and the demo target, a Node
  // process with an inspector (src/monitor/demo/start-demo.ts). With this fuse off both
  // would start a second app instead. Moving them to utilityProcess.fork needs a
  // launcher passed down through src/monitor to the analysis and the leak series,
  // a parentPort bridge in the child, --js-flags for the heap limit, and for the demo
  // inspector.open() (--inspect is refused in a utility process once the inspect fuse
  // is off); none of it can run on a machine without the Electron binary. What stays
  // open: anyone who can start the app binary with ELECTRON_RUN_AS_NODE=1 gets a plain
  // Node.js (Node mode ignores the inspect fuse; NODE_OPTIONS stays off there too). On
  // Linux that is no more than the user's own `node`; it matters where a signed app's
  // identity is worth borrowing (macOS TCC, Windows allow-lists), which this config
  // does not build.
  runAsNode: true,
  // Cookies on disk encrypted with the OS keyring (the app sets none; one-way switch).
  enableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS ignored (no --require of a foreign script).
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect* and SIGUSR1 do not open an inspector in the app (the monitor's own
  // SIGUSR1 to targets is unaffected: it signals other processes).
  enableNodeCliInspectArguments: false,
  // app.asar checked against the hash embedded in the binary on macOS and Windows; on
  // Linux Electron only checks its V8 snapshot's checksum with it.
  enableEmbeddedAsarIntegrityValidation: true,
  // Code only from app.asar, never from a loose app/ folder dropped beside it.
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is served from app://, so file:// needs no extra privileges.
  grantFileProtocolExtraPrivileges: false,
} as const satisfies Fuses;

/** An Electron folder for the host platform to package with instead of a download. */
function electronDist(): string | null {
  if (process.env.RESDASH_ELECTRON_DIST) return path.resolve(process.env.RESDASH_ELECTRON_DIST);
  const local = path.join(root, 'node_modules/electron/dist');
  return process.platform === 'linux' && existsSync(path.join(local, 'electron')) ? local : null;
}
const localElectron = electronDist();

const config: Configuration = {
  appId: 'dev.resdash.resource-dashboard',
  productName: 'Resource Dashboard',
  executableName: 'resource-dashboard',
  directories: { output: 'out/package', buildResources: 'resources' },
  // What electron-vite built, plus the demo service and the icon; production
  // dependencies (pidusage, undici, ...) are added by electron-builder. tsx (with
  // esbuild's native binary) is a dependency for the CLI only: the app runs built JS.
  files: [
    'package.json',
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'resources/demo-service.js',
    'resources/icon.png',
    '!node_modules/{tsx,esbuild,@esbuild}{,/**}',
  ],
  asar: true,
  // No native modules to rebuild, and @electron/rebuild wants Node 22.
  npmRebuild: false,
  electronFuses: ELECTRON_FUSES,
  ...(localElectron !== null ? { electronDist: localElectron } : {}),
  linux: {
    target: ['AppImage', 'dir'],
    category: 'Development',
    icon: 'resources/icon.png',
  },
  publish: null,
};

export default config;

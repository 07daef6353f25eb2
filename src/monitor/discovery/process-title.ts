// The short name of a Node process, for the process list and the target's title:
//   1. a script inside node_modules is named by its package: `json-server (bin.js)`;
//   2. else the package.json name of its working directory (when the script lies in it):
//      `shop` for a generic entry (index.js, server.js …), `shop (seed-db.js)` otherwise,
//      so two scripts of one project stay apart;
//   3. else the script's basename, and for generic names (index.js, bin.js, server.js …)
//      the nearest folder that is not generic (lib, dist, src …) too: `billing (index.js)`.
// package.json is read from /proc/PID/cwd, bounded (a regular file, at most 256 KiB, in
// 500 ms), and everything taken from the target is hostile text: control characters out,
// length capped.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { nodeOptionsOf } from './proc-parse';

const MAX_PACKAGE_JSON_BYTES = 256 * 1024;
const PACKAGE_JSON_TIMEOUT_MS = 500;
const MAX_TITLE_CHARS = 80;
const CACHE_ENTRIES = 1024;
/** Folders walked up from a generic script to find a telling name. */
const MAX_FOLDER_LEVELS = 4;

const GENERIC_SCRIPT_NAMES = new Set([
  'index',
  'main',
  'bin',
  'cli',
  'server',
  'app',
  'start',
  'run',
  'entry',
  'serve',
  'worker',
  'boot',
  'launch',
  'www',
]);
const SCRIPT_EXTENSIONS = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/;
const GENERIC_FOLDERS = new Set([
  'lib',
  'bin',
  'dist',
  'src',
  'build',
  'out',
  'cjs',
  'esm',
  'es',
  'cli',
  'server',
  'app',
  'scripts',
  'source',
  '.bin',
]);
const CODE_OPTIONS = new Set(['-e', '--eval', '-p', '--print']);

// C0 and C1 controls (escape sequences), and the bidi marks and overrides that reorder text.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Hostile text made safe to show: no control or bidi-override characters, capped. */
export function cleanTitleText(s: string): string {
  const t = s.replace(UNSAFE_CHARS, '').trim();
  return t.length > MAX_TITLE_CHARS ? `${t.slice(0, MAX_TITLE_CHARS - 1)}…` : t;
}

/** The script node runs (argv after the node options), or null (REPL, -e, -p). */
export function scriptOf(argv: readonly string[]): string | null {
  const opts = nodeOptionsOf([...argv]);
  if (opts.some((o) => CODE_OPTIONS.has(o))) return null;
  let i = 1 + opts.length;
  if (argv[i] === '--') i++;
  const s = argv[i];
  return s ? s : null;
}

export function isGenericScriptName(base: string): boolean {
  return GENERIC_SCRIPT_NAMES.has(base.replace(SCRIPT_EXTENSIONS, '').toLowerCase());
}

/** `pkg` (or `@scope/pkg`) and the rest of the path when `abs` lies in node_modules. */
function nodeModulesPackage(abs: string): { name: string; bin: boolean } | null {
  const marker = '/node_modules/';
  const at = abs.lastIndexOf(marker);
  if (at < 0) return null;
  const parts = abs.slice(at + marker.length).split('/');
  if (parts[0] === '.bin') return parts[1] ? { name: parts[1], bin: true } : null;
  if (parts[0]?.startsWith('@') && parts.length > 2)
    return { name: `${parts[0]}/${parts[1]}`, bin: false };
  return parts.length > 1 && parts[0] ? { name: parts[0], bin: false } : null;
}

export interface TitleParts {
  argv: readonly string[];
  /** The process's working directory, when readable. */
  cwd: string | null;
  /** `name` of package.json in cwd, when there is a valid one. */
  packageName: string | null;
}

/** The title from what was read about a process (pure; see the file comment for the rules). */
export function titleFromParts({ argv, cwd, packageName }: TitleParts): string {
  const script = scriptOf(argv);
  const exeName = argv[0] ? path.posix.basename(argv[0]) : 'node';
  if (!script) return cleanTitleText(packageName ?? exeName) || 'node';
  const abs =
    path.posix.isAbsolute(script) || cwd === null
      ? path.posix.normalize(script)
      : path.posix.resolve(cwd, script);
  const base = path.posix.basename(abs);
  const pkg = nodeModulesPackage(abs);
  let title: string;
  if (pkg) {
    title = pkg.bin || pkg.name === base ? pkg.name : `${pkg.name} (${base})`;
  } else if (
    packageName &&
    cwd !== null &&
    (abs.startsWith(cwd.endsWith('/') ? cwd : `${cwd}/`) || abs === cwd)
  ) {
    title = isGenericScriptName(base) ? packageName : `${packageName} (${base})`;
  } else if (isGenericScriptName(base)) {
    let folder: string | null = null;
    let dir = path.posix.dirname(abs);
    for (let i = 0; i < MAX_FOLDER_LEVELS && dir !== '/' && dir !== '.'; i++) {
      const name = path.posix.basename(dir);
      if (!GENERIC_FOLDERS.has(name.toLowerCase())) {
        folder = name;
        break;
      }
      dir = path.posix.dirname(dir);
    }
    title = folder ? `${folder} (${base})` : base;
  } else {
    title = base;
  }
  return cleanTitleText(title) || cleanTitleText(base) || 'node';
}

/** The `name` of a package.json text, or null when it has no usable one. */
export function packageNameOf(text: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const name = (v as Record<string, unknown>).name;
  if (typeof name !== 'string') return null;
  const clean = cleanTitleText(name);
  return clean.length > 0 ? clean : null;
}

async function readBounded(file: string): Promise<string | null> {
  // O_NONBLOCK: a FIFO named package.json must not hang the list; fstat refuses it after.
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (!fh) return null;
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_PACKAGE_JSON_BYTES) return null;
    const buf = Buffer.alloc(Math.min(st.size, MAX_PACKAGE_JSON_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

const packageNames = new Map<string, string | null>();

/**
 * The package.json name in pid's working directory, read through /proc/PID/cwd (so it is
 * that process's directory even in another mount namespace). Cached per process start.
 */
export async function readPackageName(pid: number, startTimeMs: number): Promise<string | null> {
  const key = `${pid}:${startTimeMs}`;
  if (packageNames.has(key)) return packageNames.get(key)!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), PACKAGE_JSON_TIMEOUT_MS);
    timer.unref?.();
  });
  const text = await Promise.race([readBounded(`/proc/${pid}/cwd/package.json`), timeout]);
  clearTimeout(timer);
  // A slow file system: no name this time, asked again next time.
  if (text === 'timeout') return null;
  const name = text === null ? null : packageNameOf(text);
  packageNames.set(key, name);
  while (packageNames.size > CACHE_ENTRIES) packageNames.delete(packageNames.keys().next().value!);
  return name;
}

#!/usr/bin/env node
// npm start: build the app if out/ is missing or older than its sources, then run
// Electron. Where the Electron binary is missing and cannot be downloaded (offline
// machines), start the browser shell instead and print its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fromRoot = (...p) => path.join(root, ...p);

const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const INPUTS = ['src', 'electron.vite.config.ts', 'package.json'];

function newestMtimeMs(p) {
  if (!existsSync(p)) return 0;
  const info = statSync(p);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtimeMs(path.join(p, entry)));
  return newest;
}

function buildIsStale() {
  const outputs = OUTPUTS.map((o) => fromRoot(o));
  if (!outputs.every((o) => existsSync(o))) return true;
  const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  return INPUTS.some((i) => newestMtimeMs(fromRoot(i)) > oldestOutput);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

/** The Electron executable without require('electron'), which would try to download it. */
function electronBinary() {
  const dir = fromRoot('node_modules/electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function tryInstallElectron() {
  const installer = fromRoot('node_modules/electron/install.js');
  if (!existsSync(installer)) return 'the electron package is not installed';
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60_000,
  });
  if (result.status === 0 && electronBinary()) return null;
  const firstLine = `${result.stderr ?? ''}${result.error?.message ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return firstLine ?? `install.js exited with ${result.status ?? result.signal}`;
}

/** Forwards Ctrl-C / SIGTERM to the child and exits with its code. */
function runChild(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (buildIsStale()) {
  console.log('Building the app (electron-vite build)…');
  if (
    !run(process.execPath, [fromRoot('node_modules/electron-vite/bin/electron-vite.js'), 'build'])
  ) {
    console.error('resdash: the build failed; see the output above.');
    process.exit(1);
  }
}

let binary = electronBinary();
if (binary === null) {
  const failure = tryInstallElectron();
  binary = electronBinary();
  if (binary === null) {
    console.log(
      `Electron binary could not be downloaded (${failure}); starting the browser shell instead`,
    );
    // resdash serve prints the URL with its token on stdout.
    runChild(process.execPath, [fromRoot('bin/resdash.js'), 'serve', ...process.argv.slice(2)]);
  }
}
if (binary !== null) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  runChild(binary, [fromRoot('out/main/index.js'), ...process.argv.slice(2)], env);
}

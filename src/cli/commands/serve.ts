// resdash serve: the browser shell. Serves the built renderer and the WebSocket
// bridge on 127.0.0.1 behind a token, attaches the named targets, runs until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { startServer } from '../../server/index';
import type { Io } from '../io';
import { TARGET_HELP, parseListenPort, parseTarget } from '../parse';
import { openMonitor, parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DEFAULT_RENDERER_DIR = path.join(PROJECT_ROOT, 'out/renderer');

const usage = `Usage: resdash serve [--port N] [--open-browser] [--enable-inspector] [--open FILE] [TARGET...]

Serves the dashboard to a browser on http://127.0.0.1 (loopback only). The URL it
prints carries a random token; every request needs it. Runs until Ctrl-C.

${TARGET_HELP.join('\n')}

Options:
  --port N             listen on port N; 0 or no --port: any free port (the URL shows it)
  --open-browser       open the URL in the default browser
  --enable-inspector   open closed inspectors of the named pids with SIGUSR1
  --renderer-dir DIR   serve the renderer from DIR (default: out/renderer)
  --open FILE          open a recording for offline browsing (repeatable)
  -h, --help           show this help`;

/** Builds the renderer once if it is missing; fails with what to run instead. */
function ensureRenderer(dir: string, io: Io): void {
  if (existsSync(path.join(dir, 'index.html'))) return;
  const vite = path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js');
  const config = path.join(PROJECT_ROOT, 'vite.renderer.config.ts');
  if (dir === DEFAULT_RENDERER_DIR && existsSync(vite) && existsSync(config)) {
    io.err('resdash: the renderer is not built yet; building it (npm run build:renderer)…');
    const result = spawnSync(
      process.execPath,
      [vite, 'build', '--config', config, '--logLevel', 'warn'],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (result.status === 0 && existsSync(path.join(dir, 'index.html'))) return;
  }
  throw new MonitorError(
    ErrorCodes.RENDERER_MISSING,
    `No built renderer in ${dir}: run \`npm run build:renderer\` first.`,
  );
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the dashboard to a browser on 127.0.0.1',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        port: { type: 'string' },
        'open-browser': { type: 'boolean' },
        'enable-inspector': { type: 'boolean' },
        'renderer-dir': { type: 'string' },
        open: { type: 'string', multiple: true },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const port = values.port === undefined ? 0 : parseListenPort(values.port, '--port');
    const targets = positionals.map(parseTarget);
    const rendererDir = path.resolve(values['renderer-dir'] ?? DEFAULT_RENDERER_DIR);
    ensureRenderer(rendererDir, io);

    const monitor = await openMonitor({ record: true });
    let server: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      server = await startServer({ monitor, port, rendererDir });
      for (const spec of targets) {
        await monitor.attach({ ...spec, enableInspector: values['enable-inspector'] ?? false });
      }
      for (const file of values.open ?? [])
        await monitor.openRecording({ path: path.resolve(file) });
      io.out(server.url);
      io.err('resdash: serving the dashboard on 127.0.0.1 only; Ctrl-C to stop');
      if (values['open-browser']) openBrowser(server.url);
      await untilStopped();
      return 0;
    } finally {
      await server?.close();
      await monitor.dispose();
    }
  },
};

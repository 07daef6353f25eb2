// resdash metrics --listen 127.0.0.1:9464 TARGET...: a Prometheus endpoint for the
// named processes until Ctrl-C (README "Prometheus").
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { printable } from '../io';
import { TARGET_HELP, parseListenPort, parseTarget } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash metrics [--listen 127.0.0.1:9464] [--interval D] TARGET...

Attaches to the named Node.js processes and serves their figures in the Prometheus
text format on http://HOST:PORT/metrics (loopback only) until Ctrl-C. Prints the URL on
stdout. Requests whose Host header is not a loopback name with that port get 421.

${TARGET_HELP.join('\n')}

Options:
  --listen HOST:PORT   loopback address to listen on (default 127.0.0.1:9464);
                       port 0 picks a free port, printed as "resdash: metrics on URL"
  --interval D         sampling interval (default 1s)
  --enable-inspector   open closed inspectors of the named pids with SIGUSR1 (Node only)
  -h, --help           show this help`;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  if (!m) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `--listen expects HOST:PORT like 127.0.0.1:9464, not ${JSON.stringify(text)}.`,
    );
  }
  const port = parseListenPort(m[3]!, '--listen');
  return { host: (m[1] ?? m[2])!, port };
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'serve Prometheus metrics of processes',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        listen: { type: 'string' },
        interval: { type: 'string' },
        'enable-inspector': { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length === 0) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'metrics needs at least one TARGET.');
    }
    const { host, port } = parseListen(values.listen ?? '127.0.0.1:9464');
    const { validateMetricsListen } = await import('../../monitor/metrics/metrics-exporter');
    validateMetricsListen(host, port);
    const specs = positionals.map(parseTarget);
    const { parseDurationMs } = await import('../parse');
    const intervalMs =
      values.interval === undefined ? 1_000 : parseDurationMs(values.interval, '--interval');
    const { createMonitor } = await import('../../monitor/index');
    const monitor = createMonitor({ recording: false });
    try {
      const status = await monitor.startMetrics({ host, port });
      for (const spec of specs) {
        const t = await monitor.attach({
          ...spec,
          intervalMs,
          enableInspector: values['enable-inspector'] ?? false,
        });
        io.err(
          `resdash: exporting ${printable(t.title)} (pid ${t.pid ?? '?'}) as target="${t.id}"`,
        );
      }
      io.out(status.url ?? '');
      // The port actually bound (--listen HOST:0 picks a free one).
      io.err(`resdash: metrics on ${status.url ?? '?'}; Ctrl-C to stop`);
      await untilStopped();
      return 0;
    } finally {
      await monitor.dispose();
    }
  },
};

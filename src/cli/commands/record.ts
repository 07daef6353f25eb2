// resdash record TARGET -o FILE: attach and record every sample and per-target event
// to an append-only NDJSON file (README "Recordings"), flushed every --flush-interval,
// so killing this process loses at most that much (F28).
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { TargetInfo } from '../../shared/model';
import { INTERVAL_DEFAULT_MS } from '../../shared/model';
import { printable } from '../io';
import { TARGET_HELP, parseDurationMs, parseTarget } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';

const usage = `Usage: resdash record TARGET [-o FILE] [--duration D] [--interval D] [--flush-interval D]

Attaches to a Node.js process and records its samples and events to FILE (NDJSON,
append-only) until Ctrl-C or --duration. Open it later with \`resdash serve --open FILE\`
or turn it into a report with \`resdash report --from FILE\`.

${TARGET_HELP.join('\n')}

Options:
  -o, --output FILE     the recording file (default: a new file in $RESDASH_DATA_DIR/recordings)
  --duration D          stop after D (default: run until Ctrl-C)
  --interval D          sampling interval (default ${INTERVAL_DEFAULT_MS / 1000}s)
  --flush-interval D    how often lines reach the disk (default 2s; at most this is lost on a crash)
  --enable-inspector    if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  --json                print the result as JSON: {"path","targetId","samples"}
  -h, --help            show this help`;

export const recordCommand: Command = {
  name: 'record',
  summary: 'record a process to a crash-safe file',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        output: { type: 'string', short: 'o' },
        duration: { type: 'string' },
        interval: { type: 'string' },
        'flush-interval': { type: 'string' },
        'enable-inspector': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'record takes exactly one TARGET.');
    }
    const spec = parseTarget(positionals[0]!);
    const durationMs =
      values.duration === undefined ? null : parseDurationMs(values.duration, '--duration');
    const intervalMs =
      values.interval === undefined
        ? INTERVAL_DEFAULT_MS
        : parseDurationMs(values.interval, '--interval');
    const flushIntervalMs =
      values['flush-interval'] === undefined
        ? undefined
        : parseDurationMs(values['flush-interval'], '--flush-interval');
    const output = values.output === undefined ? undefined : path.resolve(values.output);

    const { createMonitor } = await import('../../monitor/index');
    const monitor = createMonitor({
      recording: { flushIntervalMs, ...(output ? { pathFor: () => output } : {}) },
    });
    let target: TargetInfo | null = null;
    try {
      target = await monitor.attach({
        ...spec,
        intervalMs,
        enableInspector: values['enable-inspector'] ?? false,
      });
      const attached = target;
      const file = output ?? '(the recordings directory)';
      io.err(
        `resdash: recording ${printable(attached.title)} (pid ${attached.pid ?? '?'}) to ${printable(file)}; Ctrl-C to stop`,
      );
      let samples = 0;
      const stop = new AbortController();
      const offSamples = monitor.on('samples', (b) => {
        if (b.targetId === attached.id) samples += b.samples.length;
      });
      const offTargets = monitor.on('targets', (list) => {
        if (list.find((t) => t.id === attached.id)?.status === 'detached') stop.abort();
      });
      const timer = durationMs === null ? null : setTimeout(() => stop.abort(), durationMs);
      await untilStopped(stop.signal);
      if (timer) clearTimeout(timer);
      offSamples();
      offTargets();
      const history = await monitor.getHistory({ targetId: attached.id }).catch(() => []);
      await monitor.detach({ targetId: attached.id }).catch(() => undefined);
      target = null;
      const count = Math.max(samples, history.length);
      if (values.json)
        io.out(JSON.stringify({ path: output ?? null, targetId: attached.id, samples: count }));
      else io.out(`recorded ${count} samples${output ? ` to ${printable(output)}` : ''}`);
      return 0;
    } finally {
      if (target !== null) await monitor.detach({ targetId: target.id }).catch(() => undefined);
      await monitor.dispose();
    }
  },
};

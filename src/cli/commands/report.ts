// resdash report: a self-contained HTML (or --json) report, from a live target over
// --duration or from a recording file.
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { TargetInfo } from '../../shared/model';
import { printable } from '../io';
import { TARGET_HELP, parseDurationMs, parseTarget } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';
import { writeFileAtomic } from './output-file';

const usage = `Usage: resdash report TARGET --duration D [-o FILE] [--json]
       resdash report --from RECORDING [-o FILE] [--json]

Writes one self-contained HTML file (no scripts, no network; prints cleanly) with the
process identity, KPIs, memory/CPU/event-loop/GC charts, pools, alerts, leak verdicts,
snapshots and recommendations. --json writes the same data (README "Reports").

${TARGET_HELP.join('\n')}

Options:
  --duration D          sample a live TARGET for D, then report (e.g. 30s, 5m)
  --interval D          sampling interval for a live TARGET (default 1s)
  --from FILE           report from a recording instead of a live target
  -o, --output FILE     where to write (default: stdout)
  --json                JSON instead of HTML
  --enable-inspector    if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  -h, --help            show this help`;

export const reportCommand: Command = {
  name: 'report',
  summary: 'write an offline HTML or JSON report',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        duration: { type: 'string' },
        interval: { type: 'string' },
        from: { type: 'string' },
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
        'enable-inspector': { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const format = values.json ? 'json' : 'html';
    let content: string;
    if (values.from !== undefined) {
      if (positionals.length > 0 || values.duration !== undefined) {
        throw new MonitorError(
          ErrorCodes.BAD_ARGUMENT,
          '--from takes no TARGET and no --duration.',
        );
      }
      const { reportFromRecording } = await import('../../monitor/report/report-requests');
      const r = await reportFromRecording(path.resolve(values.from), { format });
      for (const w of r.recording.warnings) io.err(`resdash: warning: ${printable(w)}`);
      if (r.recording.tornTail)
        io.err(
          'resdash: warning: the recording ends with a cut-off line (the recorder was killed); it was skipped',
        );
      content = r.content;
    } else {
      if (positionals.length !== 1) {
        throw new MonitorError(
          ErrorCodes.BAD_ARGUMENT,
          'report needs one TARGET with --duration, or --from RECORDING.',
        );
      }
      if (values.duration === undefined) {
        throw new MonitorError(
          ErrorCodes.BAD_ARGUMENT,
          'report TARGET needs --duration, e.g. --duration 30s.',
        );
      }
      const spec = parseTarget(positionals[0]!);
      const durationMs = parseDurationMs(values.duration, '--duration');
      const intervalMs =
        values.interval === undefined ? 1_000 : parseDurationMs(values.interval, '--interval');
      const { createMonitor } = await import('../../monitor/index');
      const monitor = createMonitor({ recording: false });
      let target: TargetInfo | null = null;
      try {
        target = await monitor.attach({
          ...spec,
          intervalMs,
          enableInspector: values['enable-inspector'] ?? false,
        });
        io.err(
          `resdash: sampling ${printable(target.title)} for ${values.duration}; Ctrl-C to report early`,
        );
        const stop = new AbortController();
        const timer = setTimeout(() => stop.abort(), durationMs);
        await untilStopped(stop.signal);
        clearTimeout(timer);
        content = (await monitor.exportReport({ targetId: target.id, format })).content;
      } finally {
        if (target !== null) await monitor.detach({ targetId: target.id }).catch(() => undefined);
        await monitor.dispose();
      }
    }
    if (values.output === undefined) {
      process.stdout.write(content);
    } else {
      await writeFileAtomic(path.resolve(values.output), content);
      io.err(`resdash: wrote ${printable(values.output)}`);
    }
    return 0;
  },
};

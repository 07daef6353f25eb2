// resdash watch TARGET: attach, print every sample (a live table or JSON lines),
// and on --duration, Ctrl-C or the target going away detach cleanly so the probe
// is uninstalled from the target.
import type { Sample, TargetInfo } from '../../shared/model';
import { INTERVAL_DEFAULT_MS, INTERVAL_MAX_MS, INTERVAL_MIN_MS } from '../../shared/model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { sampleHeader, sampleRow } from '../format';
import { printable } from '../io';
import { TARGET_HELP, describeTarget, parseDurationMs, parseTarget } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';
import type { Limits } from '../../shared/alert-model';
import { parseLimitFlag, readLimitsFile } from '../../monitor/alerts/limits';
import type { LeakSnapshotSeries } from '../../shared/alert-model';
import { alertLine, leakLine, seriesFailureLine } from '../../monitor/alerts/watch-output';
import { LEAK_FLAGS, LEAK_FLAGS_HELP, leakOptionsFromFlags } from './watch-leak-flags';

const usage = `Usage: resdash watch TARGET [--interval 1s] [--duration 10s] [--json] [--enable-inspector]
                     [--limit NAME=VALUE]... [--limits FILE.json] [--record]
                     [--allow-gc [--gc-interval D]] [--allow-snapshots [--snapshot-spacing D] [--yes]]

Attaches to a Node.js process and prints one line per sample until Ctrl-C or --duration.

${TARGET_HELP.join('\n')}

Options:
  --interval D         sampling interval (${INTERVAL_MIN_MS}ms to ${INTERVAL_MAX_MS / 1000}s, default ${INTERVAL_DEFAULT_MS / 1000}s)
  --duration D         stop after D (default: run until Ctrl-C)
  --json               one JSON object per line: {"type":"sample","targetId","pid",...Sample},
                       and per pool read (at most 1/s) {"type":"pool","targetId","pid","timestampMs",...PoolStats}
  --enable-inspector   if the pid's inspector is closed, open it with SIGUSR1 (Node only)
  --limit NAME=VALUE   an alert limit: rss=512MB, heap=1GB, fds=1000, threads=64, handles=5000,
                       cpu=90, eld=200ms, gc=100ms, pool=100 (percent); VALUE off disables it
  --limits FILE.json   limits from a file, e.g. {"rss": "512MB", "cpu": 90}
                       Alerts print as {"type":"alert",...} and leak verdicts as {"type":"leak",...}
${LEAK_FLAGS_HELP}
  --record             also record the session to $RESDASH_DATA_DIR/recordings (default
                       ~/.resdash/recordings; see README "Recordings"); RESDASH_RECORD=1 does
                       the same. Without either, watch writes nothing to disk.
  -h, --help           show this help

A leak verdict needs 6 post-GC heap points over at least 60 s; --allow-gc gets them on a
quiet process, --allow-snapshots then names the class.

Durations: 500ms, 1s, 2.5s, 2m, 1h (a bare number is milliseconds).`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'attach to a process and print its samples',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseOptions(
      argv,
      {
        interval: { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'boolean' },
        'enable-inspector': { type: 'boolean' },
        limit: { type: 'string', multiple: true },
        limits: { type: 'string' },
        record: { type: 'boolean' },
        ...LEAK_FLAGS,
      },
      true,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        positionals.length === 0
          ? 'watch needs a TARGET: a pid, an inspector port like :9229 or a ws:// URL.'
          : 'watch takes exactly one TARGET.',
      );
    }
    const spec = parseTarget(positionals[0]!);
    const intervalMs =
      values.interval === undefined
        ? INTERVAL_DEFAULT_MS
        : parseDurationMs(values.interval, '--interval');
    if (intervalMs < INTERVAL_MIN_MS || intervalMs > INTERVAL_MAX_MS) {
      throw new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `--interval must be between ${INTERVAL_MIN_MS}ms and ${INTERVAL_MAX_MS / 1000}s.`,
      );
    }
    const durationMs =
      values.duration === undefined ? null : parseDurationMs(values.duration, '--duration');
    const enableInspector = values['enable-inspector'] ?? false;
    const limits: Partial<Limits> = values.limits ? await readLimitsFile(values.limits) : {};
    for (const flag of values.limit ?? []) Object.assign(limits, parseLimitFlag(flag));

    const leakOptions = leakOptionsFromFlags(values);
    const record = values.record === true || envFlag('RESDASH_RECORD');

    // A terminal watch writes nothing to disk unless asked (README "Recordings").
    const { createMonitor } = await import('../../monitor/index');
    const monitor = createMonitor({ recording: record ? {} : false });
    if (record) {
      const { defaultDataDir } = await import('../../monitor/recording/recording-feature');
      io.err(`resdash: recording the session into ${printable(defaultDataDir())}`);
    }
    let target: TargetInfo | null = null;
    const unsubscribe: Array<() => void> = [];
    const stop = new AbortController();
    let lost: TargetInfo | null = null;
    const lostIfDetached = (t: TargetInfo | undefined): void => {
      if (lost === null && t?.status === 'detached') {
        lost = t;
        stop.abort();
      }
    };
    try {
      // Subscribed before attach: a target whose inspector drops while we attach (or right
      // after) is detached before attach resolves, and that event must not be missed.
      let latest: TargetInfo[] = [];
      unsubscribe.push(
        monitor.on('targets', (targets) => {
          latest = targets;
          if (target !== null) lostIfDetached(targets.find((t) => t.id === target!.id));
        }),
      );
      try {
        target = await monitor.attach({ ...spec, intervalMs, enableInspector });
      } catch (err) {
        if (
          err instanceof MonitorError &&
          err.code === ErrorCodes.INSPECTOR_CLOSED &&
          !enableInspector
        ) {
          throw new MonitorError(
            err.code,
            `The inspector of ${describeTarget(spec)} is closed: run again with --enable-inspector to open it with SIGUSR1, or start the process with node --inspect.`,
            { cause: err },
          );
        }
        throw err;
      }
      const attachedId = target.id;
      lostIfDetached(target);
      lostIfDetached(latest.find((t) => t.id === attachedId));
      // A request that fails because the target went away says that, not "not attached".
      const lostOr = (err: unknown): never => {
        throw lost !== null ? lostError(lost) : err;
      };
      const attached = target;
      let lastPrintedMs = -Infinity;
      const print = (sample: Sample): void => {
        if (sample.timestampMs <= lastPrintedMs) return;
        lastPrintedMs = sample.timestampMs;
        io.out(
          values.json
            ? JSON.stringify({
                type: 'sample',
                targetId: attached.id,
                pid: attached.pid,
                ...sample,
              })
            : sampleRow(sample),
        );
      };
      if (!values.json) {
        io.out(
          `watching ${printable(attached.title)} (pid ${attached.pid ?? '?'}, port ${attached.port}) every ${intervalMs}ms; Ctrl-C to stop`,
        );
        for (const w of attached.warnings) io.err(`resdash: warning: ${printable(w)}`);
        io.out(sampleHeader());
      }

      let leakState: string | null = null;
      let series: LeakSnapshotSeries | null = null;
      unsubscribe.push(
        monitor.on('alert', (e) => {
          // Pool and class names are the target's text: no control characters on a terminal.
          if (e.targetId === attached.id) io.out(printable(alertLine(e, values.json === true)));
        }),
        monitor.on('leak', (v) => {
          if (v.targetId !== attached.id) return;
          const line = leakLine(v, values.json === true, leakState);
          leakState = v.state;
          if (line !== null) io.out(printable(line));
          const failed = seriesFailureLine(v.snapshots, series, YES_HINT);
          series = v.snapshots;
          if (failed !== null) io.err(printable(failed));
        }),
      );
      if (leakOptions !== null) {
        await monitor.setLeakOptions({ targetId: attached.id, options: leakOptions }).catch(lostOr);
      }
      if (Object.keys(limits).length > 0) {
        await monitor
          .setLimits({ targetId: attached.id, limits: limits as Record<string, number | null> })
          .catch(lostOr);
      }
      unsubscribe.push(
        monitor.on('samples', (batch) => {
          if (batch.targetId === attached.id) batch.samples.forEach(print);
        }),
        monitor.on('pools', (batch) => {
          if (!values.json || batch.targetId !== attached.id) return;
          for (const s of batch.samples) {
            for (const p of s.pools) {
              const line = { type: 'pool', targetId: attached.id, pid: attached.pid };
              io.out(JSON.stringify({ ...line, timestampMs: s.timestampMs, ...p }));
            }
          }
        }),
      );
      const timer = durationMs === null ? null : setTimeout(() => stop.abort(), durationMs);
      await untilStopped(stop.signal);
      if (timer) clearTimeout(timer);

      // Samples may still sit in the monitor's batch: print what history has that we have not.
      const history = await monitor.getHistory({ targetId: attached.id }).catch(() => []);
      history.forEach(print);
      if (lost !== null) throw lostError(lost);
      return 0;
    } finally {
      for (const u of unsubscribe) u();
      if (target !== null) await monitor.detach({ targetId: target.id }).catch(() => undefined);
      await monitor.dispose();
    }
  },
};

/** How a watch ends when its target goes away: one line with TARGET_CLOSED. */
function lostError(t: TargetInfo): MonitorError {
  const reason = (t.detachReason ?? 'The connection was lost.').replace(/\.?$/, '.');
  return new MonitorError(
    ErrorCodes.TARGET_CLOSED,
    `${t.title} (pid ${t.pid ?? '?'}, port ${t.port}) detached. ${reason}`,
  );
}

const YES_HINT = 'Run watch again with --yes to take them anyway.';

/** A yes/no environment variable: 1/true/yes or 0/false/no (unset or empty: no). */
function envFlag(name: string): boolean {
  const v = (process.env[name] ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'no') return false;
  if (v === '1' || v === 'true' || v === 'yes') return true;
  throw new MonitorError(
    ErrorCodes.BAD_ARGUMENT,
    `${name} must be 1 or 0 (or true / false), not ${JSON.stringify(process.env[name])}.`,
  );
}

// resdash watch TARGET: attach, print every sample (a live table or JSON lines),
// and on --duration, Ctrl-C or the target going away detach cleanly so the probe
// is uninstalled from the target.
import type { Sample, TargetInfo } from '../../shared/model';
import { INTERVAL_DEFAULT_MS, INTERVAL_MAX_MS, INTERVAL_MIN_MS } from '../../shared/model';
import { ErrorCodes, MonitorError, type ErrorCode } from '../../shared/errors';
import type { MonitorApi } from '../../shared/contract';
import { sampleHeader, sampleRow } from '../format';
import { printable, type Io } from '../io';
import { TARGET_HELP, describeTarget, parseDurationMs, parseTarget } from '../parse';
import { parseOptions, untilStopped } from '../runtime';
import type { Command } from './command';
import type { Limits } from '../../shared/alert-model';
import { parseLimitFlag, readLimitsFile } from '../../monitor/alerts/limits';
import type { LeakSnapshotSeries } from '../../shared/alert-model';
import { alertLine, leakLine, seriesFailureLine } from '../../monitor/alerts/watch-output';
import { LEAK_FLAGS, LEAK_FLAGS_HELP, leakOptionsFromFlags } from './watch-leak-flags';

const usage = `Usage: resdash watch TARGET [--all] [--threads] [--interval 1s] [--duration 10s] [--json] [--enable-inspector]
                     [--limit NAME=VALUE]... [--limits FILE.json] [--record]
                     [--allow-gc [--gc-interval D]] [--allow-snapshots [--snapshot-spacing D] [--yes]]

Attaches to a Node.js process and prints one line per sample until Ctrl-C or --duration.
With --all or --threads each line names its member (pid, or pid/tTHREADID for a worker
thread).

${TARGET_HELP.join('\n')}

Options:
  --interval D         sampling interval (${INTERVAL_MIN_MS}ms to ${INTERVAL_MAX_MS / 1000}s, default ${INTERVAL_DEFAULT_MS / 1000}s)
  --duration D         stop after D (default: run until Ctrl-C)
  --all                watch the whole process group of the pid TARGET (a cluster primary and
                       its workers, a supervisor and its children; see resdash list): every
                       Node process of it is attached, one at a time
  --threads            include the worker threads of the watched process(es); each has its
                       own heap, event loop and GC figures (CPU, RSS, fds stay on the process)
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
        all: { type: 'boolean' },
        threads: { type: 'boolean' },
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
    const all = values.all === true;
    const threads = values.threads === true;
    if (all && spec.pid === undefined) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, '--all needs a pid TARGET (its group).');
    }
    const multi = all || threads;
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
    const monitor = createMonitor({
      recording: record ? {} : false,
      ...(threads ? {} : { workerThreads: false }),
    });
    if (record) {
      const { defaultDataDir } = await import('../../monitor/recording/recording-feature');
      io.err(`resdash: recording the session into ${printable(defaultDataDir())}`);
    }
    let target: TargetInfo | null = null;
    let groupId: string | null = null;
    /** The processes we attached (the target, or every member of its group). */
    const processIds = new Set<string>();
    const known = new Map<string, TargetInfo>();
    const isMember = (id: string): boolean => {
      if (processIds.has(id)) return true;
      const parent = known.get(id)?.parentTargetId;
      return threads && parent !== undefined && processIds.has(parent);
    };
    const label = (id: string): string => memberLabel(known.get(id));
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
      const ended = new Set<string>();
      const memberAppeared: Array<(t: TargetInfo) => void> = [];
      unsubscribe.push(
        monitor.on('targets', (targets) => {
          latest = targets;
          for (const t of targets) {
            const fresh = !known.has(t.id);
            known.set(t.id, t);
            if (fresh && isMember(t.id)) for (const f of memberAppeared) f(t);
          }
          if (target !== null) lostIfDetached(targets.find((t) => t.id === target!.id));
          // Another member that goes away (a worker thread that exits) is one line on stderr.
          for (const t of targets) {
            if (t.id === target?.id || !isMember(t.id) || t.status !== 'detached') continue;
            if (ended.has(t.id) || stop.signal.aborted) continue;
            ended.add(t.id);
            io.err(printable(`resdash: ${label(t.id)} ended: ${t.detachReason ?? 'detached'}`));
          }
        }),
      );
      try {
        if (all) {
          const attachedGroup = await attachGroupOf(
            monitor,
            spec.pid!,
            intervalMs,
            enableInspector,
            io,
          );
          groupId = attachedGroup.groupId;
          for (const id of attachedGroup.targetIds) processIds.add(id);
          target = attachedGroup.target;
        } else {
          target = await monitor.attach({ ...spec, intervalMs, enableInspector });
          processIds.add(target.id);
        }
        for (const t of await monitor.listTargets({})) known.set(t.id, t);
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
      const lastPrintedMs = new Map<string, number>();
      const print = (targetId: string, sample: Sample): void => {
        if (sample.timestampMs <= (lastPrintedMs.get(targetId) ?? -Infinity)) return;
        lastPrintedMs.set(targetId, sample.timestampMs);
        const t = known.get(targetId);
        if (values.json) {
          io.out(
            JSON.stringify({
              type: 'sample',
              targetId,
              pid: t?.pid ?? attached.pid,
              ...(multi ? memberFields(t) : {}),
              ...sample,
            }),
          );
        } else {
          io.out(
            multi
              ? `${printable(label(targetId)).padEnd(MEMBER_WIDTH)} ${sampleRow(sample)}`
              : sampleRow(sample),
          );
        }
      };
      if (!values.json) {
        const what = groupId !== null ? `the group ${groupId} of ` : '';
        io.out(
          `watching ${what}${printable(attached.title)} (pid ${attached.pid ?? '?'}, port ${attached.port})${threads ? ' with its worker threads' : ''} every ${intervalMs}ms; Ctrl-C to stop`,
        );
        for (const id of processIds) {
          for (const w of known.get(id)?.warnings ?? []) {
            io.err(`resdash: warning: ${multi ? `${printable(label(id))}: ` : ''}${printable(w)}`);
          }
        }
        io.out(multi ? `${'MEMBER'.padEnd(MEMBER_WIDTH)} ${sampleHeader()}` : sampleHeader());
      }
      /** A JSON line (alert, leak) of a member, with the member named; a table line prefixed. */
      const named = (targetId: string, line: string): string => {
        if (!multi) return line;
        if (values.json) {
          try {
            return JSON.stringify({
              ...(JSON.parse(line) as object),
              ...memberFields(known.get(targetId)),
            });
          } catch {
            return line;
          }
        }
        return `${label(targetId)}: ${line}`;
      };

      const leakState = new Map<string, string>();
      const series = new Map<string, LeakSnapshotSeries | null>();
      unsubscribe.push(
        monitor.on('alert', (e) => {
          // Pool and class names are the target's text: no control characters on a terminal.
          if (isMember(e.targetId)) {
            io.out(printable(named(e.targetId, alertLine(e, values.json === true))));
          }
        }),
        monitor.on('leak', (v) => {
          if (!isMember(v.targetId)) return;
          const line = leakLine(v, values.json === true, leakState.get(v.targetId) ?? null);
          leakState.set(v.targetId, v.state);
          if (line !== null) io.out(printable(named(v.targetId, line)));
          const failed = seriesFailureLine(v.snapshots, series.get(v.targetId) ?? null, YES_HINT);
          series.set(v.targetId, v.snapshots);
          if (failed !== null) io.err(printable(named(v.targetId, failed)));
        }),
      );
      // Leak options and limits apply to every member, worker threads that start later too.
      const configure = async (id: string): Promise<void> => {
        if (leakOptions !== null) {
          await monitor.setLeakOptions({ targetId: id, options: leakOptions });
        }
        if (Object.keys(limits).length > 0) {
          await monitor.setLimits({
            targetId: id,
            limits: limits as Record<string, number | null>,
          });
        }
      };
      await configure(attached.id).catch(lostOr);
      for (const t of known.values()) {
        if (t.id !== attached.id && isMember(t.id) && t.status !== 'detached') {
          await configure(t.id).catch(() => undefined);
        }
      }
      memberAppeared.push((t) => void configure(t.id).catch(() => undefined));
      unsubscribe.push(
        monitor.on('samples', (batch) => {
          if (isMember(batch.targetId)) for (const s of batch.samples) print(batch.targetId, s);
        }),
        monitor.on('pools', (batch) => {
          if (!values.json || !isMember(batch.targetId)) return;
          const t = known.get(batch.targetId);
          for (const s of batch.samples) {
            for (const p of s.pools) {
              const line = {
                type: 'pool',
                targetId: batch.targetId,
                pid: t?.pid ?? attached.pid,
                ...(multi ? memberFields(t) : {}),
              };
              io.out(JSON.stringify({ ...line, timestampMs: s.timestampMs, ...p }));
            }
          }
        }),
      );
      const timer = durationMs === null ? null : setTimeout(() => stop.abort(), durationMs);
      await untilStopped(stop.signal);
      if (timer) clearTimeout(timer);
      stop.abort(); // members ending from here on are our own detach

      // Samples may still sit in the monitor's batch: print what history has that we have not.
      for (const id of [...known.keys()].filter(isMember)) {
        const history = await monitor.getHistory({ targetId: id }).catch(() => []);
        for (const s of history) print(id, s);
      }
      if (lost !== null) throw lostError(lost);
      return 0;
    } finally {
      for (const u of unsubscribe) u();
      if (groupId !== null) await monitor.detachGroup({ groupId }).catch(() => undefined);
      else if (target !== null) {
        await monitor.detach({ targetId: target.id }).catch(() => undefined);
      }
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

const MEMBER_WIDTH = 22;

/** How a line names its member: "pid 4242", or "4242/t3 pool-1" for a worker thread. */
export function memberLabel(t: TargetInfo | undefined): string {
  if (!t) return '?';
  if (t.kind === 'worker') {
    return `${t.pid ?? '?'}/t${t.threadId ?? '?'}${t.threadName ? ` ${t.threadName}` : ''}`;
  }
  return `pid ${t.pid ?? '?'}`;
}

function memberFields(t: TargetInfo | undefined): Record<string, unknown> {
  return {
    member: memberLabel(t),
    kind: t?.kind ?? 'process',
    ...(t?.threadId !== undefined
      ? { threadId: t.threadId, parentTargetId: t.parentTargetId }
      : {}),
    ...(t?.groupId !== undefined ? { groupId: t.groupId } : {}),
  };
}

/** --all: the group of pid, every Node process of it attached; one warning per failed member. */
async function attachGroupOf(
  monitor: MonitorApi,
  pid: number,
  intervalMs: number,
  enableInspector: boolean,
  io: Io,
): Promise<{ groupId: string; targetIds: string[]; target: TargetInfo }> {
  const list = await monitor.listProcesses({});
  const proc = list.processes.find((p) => p.pid === pid);
  if (!proc) {
    throw new MonitorError(
      ErrorCodes.NO_SUCH_PROCESS,
      `No Node.js process with PID ${pid} is running.`,
    );
  }
  if (!proc.groupId) {
    throw new MonitorError(ErrorCodes.GROUP_NOT_FOUND, `PID ${pid} belongs to no process group.`);
  }
  const r = await monitor.attachGroup({ groupId: proc.groupId, enableInspector, intervalMs });
  const mine = r.members.find((m) => m.pid === pid);
  for (const m of r.members) {
    if (m.error && m.pid !== pid) {
      io.err(
        printable(
          `resdash: warning: PID ${m.pid} was not attached: ${m.error.message} (${m.error.code})`,
        ),
      );
    }
  }
  if (!mine?.targetId) {
    const e = mine?.error;
    throw new MonitorError(
      (e?.code as ErrorCode | undefined) ?? ErrorCodes.NO_SUCH_PROCESS,
      e?.message ?? `PID ${pid} is not in its group any more.`,
    );
  }
  const targets = await monitor.listTargets({});
  const target = targets.find((t) => t.id === mine.targetId)!;
  return {
    groupId: r.groupId,
    targetIds: r.members.flatMap((m) => (m.targetId ? [m.targetId] : [])),
    target,
  };
}

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

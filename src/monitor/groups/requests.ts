// Request handlers for process groups: attach every Node process of a group (a cluster
// primary and its workers, a supervisor and its children), one at a time so that
// SIGUSR1 attaches never race for port 9229 (inspector/move-inspector.ts), and detach
// them all. Groups come from discovery (discovery/process-tree.ts); a group is not a
// second kind of session: each member is an ordinary session with info.groupId set.
import type { AttachArgs } from '../../shared/contract';
import { ErrorCodes, MonitorError, serializeError } from '../../shared/errors';
import type {
  GroupAttachResult,
  GroupMemberResult,
  ProcessList,
  TargetInfo,
} from '../../shared/model';
import type { SessionRegistry } from '../sessions/registry';
import { argsObject, bad, isAlive, validateInterval } from '../sessions/validate';

const GROUP_ID_RE = /^g\d{1,10}-\d{1,16}$/;

export interface GroupRequestDeps {
  discover: (opts: { ports?: number[] }) => Promise<ProcessList>;
  /** Attaches one member (sessions/requests.ts attach) with its group id set. */
  attach: (args: AttachArgs, opts: { groupId: string }) => Promise<TargetInfo>;
}

export function validateGroupId(v: unknown): string {
  if (typeof v !== 'string' || !GROUP_ID_RE.test(v)) {
    throw bad('groupId must be a process group id from the process list (g<pid>-<start>).');
  }
  return v;
}

export function groupNotFound(groupId: string): MonitorError {
  return new MonitorError(
    ErrorCodes.GROUP_NOT_FOUND,
    `No process group ${groupId} is running any more (its processes exited, or it was never listed); list the processes again.`,
  );
}

/** Deepest members first (by parent pid within the group), then by pid. */
export function childrenFirst(pids: readonly number[], list: ProcessList): number[] {
  const ppid = new Map(list.processes.map((p) => [p.pid, p.ppid]));
  const inGroup = new Set(pids);
  const depth = (pid: number): number => {
    let d = 0;
    for (let cur = ppid.get(pid); cur !== undefined && inGroup.has(cur) && d < 64; d++) {
      cur = ppid.get(cur);
    }
    return d;
  };
  return [...pids].sort((a, b) => depth(b) - depth(a) || a - b);
}

export class GroupRequests {
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly deps: GroupRequestDeps,
  ) {}

  async attachGroup(args: {
    groupId: string;
    enableInspector?: boolean;
    intervalMs?: number;
  }): Promise<GroupAttachResult> {
    this.sessions.assertOpen();
    const a = argsObject(args);
    const groupId = validateGroupId(a.groupId);
    if (a.enableInspector !== undefined && typeof a.enableInspector !== 'boolean') {
      throw bad('enableInspector must be true or false.');
    }
    const intervalMs = a.intervalMs === undefined ? undefined : validateInterval(a.intervalMs);
    const list = await this.deps.discover({});
    const group = list.groups?.find((g) => g.id === groupId);
    if (!group) throw groupNotFound(groupId);
    const members: GroupMemberResult[] = [];
    // One at a time: each SIGUSR1 attach opens 9229 and moves it away before the next.
    // Children first: a cluster primary whose inspector opens signals all its workers to
    // open theirs (Node's cluster does), which is harmless once they have one.
    for (const pid of childrenFirst(group.memberPids, list)) {
      const command = list.processes.find((p) => p.pid === pid)?.command ?? '';
      const live = this.sessions.findLive(pid, null, null);
      if (live) {
        live.info.groupId ??= groupId;
        members.push({ pid, command, targetId: live.info.id, port: live.info.port });
        continue;
      }
      try {
        const info = await this.deps.attach(
          {
            pid,
            ...(a.enableInspector === true ? { enableInspector: true } : {}),
            ...(intervalMs !== undefined ? { intervalMs } : {}),
          },
          { groupId },
        );
        if (info.status === 'detached') {
          throw new MonitorError(
            ErrorCodes.NO_SUCH_PROCESS,
            `PID ${pid} went away while it was being attached (${info.detachReason ?? 'closed'}).`,
          );
        }
        members.push({ pid, command, targetId: info.id, port: info.port });
      } catch (err) {
        let error = serializeError(err);
        if (!isAlive(pid) && error.code !== ErrorCodes.NO_SUCH_PROCESS) {
          error = {
            code: ErrorCodes.NO_SUCH_PROCESS,
            message: `PID ${pid} exited while it was being attached (${error.message})`,
          };
        }
        members.push({ pid, command, error });
      }
      if (this.sessions.disposed) break;
    }
    this.sessions.emitTargets();
    return { groupId, members };
  }

  async detachGroup(args: { groupId: string }): Promise<TargetInfo[]> {
    const groupId = validateGroupId(argsObject(args).groupId);
    const known = this.sessions.all().filter((s) => s.info.groupId === groupId);
    if (known.length === 0) throw groupNotFound(groupId);
    // Processes end their worker threads' sessions themselves (the workers feature).
    const processes = known.filter((s) => s.info.status !== 'detached' && s.info.kind !== 'worker');
    await Promise.all(processes.map((s) => this.sessions.end(s, 'Detached by the user.')));
    const workers = known.filter((s) => s.info.status !== 'detached');
    await Promise.all(workers.map((s) => this.sessions.end(s, 'Detached by the user.')));
    return known.map((s) => ({ ...s.info, warnings: [...s.info.warnings] }));
  }
}

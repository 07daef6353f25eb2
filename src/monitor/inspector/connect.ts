// Attaches to one Node process by port, by ws:// URL or by pid (opening a closed
// inspector with SIGUSR1 only after consent, F5). Never enables the Debugger domain
// and never resumes a target that waits in --inspect-brk (F6, F7).
import path from 'node:path';
import type { AttachArgs } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import {
  describeProcess,
  findInspectorOf,
  findPidListeningOn,
  listenersOnPort,
  readProcInfo,
  commandOf,
  titleOf,
  type ProcInfo,
} from '../discovery/list-processes';
import { isOwnProcess } from '../discovery/self-processes';
import {
  inspectorPortAfterSignal,
  isLoopbackAddress,
  isWildcardAddress,
  nodeOptionsOf,
  probeHostFor,
} from '../discovery/proc-parse';
import { CdpClient } from './cdp-client';
import {
  buildWebSocketUrl,
  fetchInspectorTargets,
  isValidPort,
  isValidTargetId,
  type InspectorTarget,
} from './json-list';
import { nodeChildrenOf } from '../discovery/groups';
import {
  DEFAULT_SIGNAL_PORT,
  moveInspector,
  readMoveRecord,
  signalPortIsDefault,
} from './move-inspector';
import { connectWebSocket } from './transport';

export interface ConnectedTarget {
  client: CdpClient;
  pid: number | null;
  port: number;
  inspectorId: string;
  bindAddress: string;
  /** Hostile: render as text only. */
  title: string;
  /** Hostile: render as text only. */
  command: string;
  nodeVersion?: string;
  /** Prominent warnings, e.g. an inspector exposed on 0.0.0.0 (F4). */
  warnings: string[];
  /** Waiting in --inspect-brk (F6). We never resume it. */
  paused: boolean;
  /** The first command got no answer in time (F10): show it unresponsive, not attached. */
  unresponsive?: boolean;
  /**
   * We opened this inspector with SIGUSR1: detach closes it again (an open inspector is
   * code execution for any local user). One that was open before stays open.
   */
  openedBySignal?: boolean;
}

export interface ConnectOptions {
  /** The user confirmed sending SIGUSR1 (same as spec.enableInspector). */
  confirmEnable?: boolean;
  /** Deadline for /json/list and the WebSocket handshake. */
  connectTimeoutMs?: number;
  /** Deadline for the first Runtime.evaluate. */
  commandTimeoutMs?: number;
  /** How long to wait for an inspector to appear after SIGUSR1. */
  signalWaitMs?: number;
  /** Move an inspector SIGUSR1 opened on 9229 to a free port (default true). */
  moveSignalPort?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;
const DEFAULT_SIGNAL_WAIT_MS = 5_000;
const SIGNAL_POLL_MS = 25;

/*
 * While a target waits in --inspect-brk, bootstrap has not finished: process.version
 * exists but process.argv and process.pid are still undefined (measured on Node 20).
 * That is how we see it is paused without touching the Debugger domain. The expression
 * must stay synchronous: a promise awaited in that state drops the connection.
 */
const PROBE_EXPRESSION = `(() => {
  const p = globalThis.process;
  return {
    booted: !!p && Array.isArray(p.argv),
    pid: p && typeof p.pid === 'number' ? p.pid : null,
    version: p && typeof p.version === 'string' ? p.version : null,
    argv: p && Array.isArray(p.argv) ? p.argv.map(String) : null,
    execArgv: p && Array.isArray(p.execArgv) ? p.execArgv.map(String) : null,
  };
})()`;

interface ProbeResult {
  booted: boolean;
  pid: number | null;
  version: string | null;
  argv: string[] | null;
  execArgv: string[] | null;
}

function parseProbe(value: unknown): ProbeResult | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = (x: unknown): string[] | null =>
    Array.isArray(x) && x.every((s) => typeof s === 'string') ? (x as string[]) : null;
  return {
    booted: v.booted === true,
    pid: typeof v.pid === 'number' && Number.isInteger(v.pid) ? v.pid : null,
    version: typeof v.version === 'string' ? v.version : null,
    argv: strings(v.argv),
    execArgv: strings(v.execArgv),
  };
}

interface SessionMeta {
  port: number;
  /** Host we open the WebSocket to. */
  host: string;
  id: string;
  bindAddress: string;
  pid: number | null;
  info: ProcInfo | null;
  listTitle: string;
  warnings: string[];
}

export async function connectToTarget(
  spec: AttachArgs,
  opts: ConnectOptions = {},
): Promise<ConnectedTarget> {
  if (spec.url !== undefined) return connectByUrl(spec.url, spec.allowRemote === true, opts);
  if (spec.port !== undefined) return connectByPort(spec.port, opts);
  if (spec.pid !== undefined) {
    return connectByPid(
      spec.pid,
      spec.enableInspector === true || opts.confirmEnable === true,
      opts,
    );
  }
  throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Attach needs a pid, a port or a ws:// URL.');
}

/** Attaching to the dashboard's own processes would pause and probe the dashboard itself. */
function selfRefused(pid: number, title: string | null | undefined): MonitorError {
  return new MonitorError(
    ErrorCodes.SELF,
    `PID ${pid}${title ? ` (${title})` : ''} is this dashboard's own process (the dashboard, ` +
      'what started it, or one of its helpers); attaching to it would pause and probe the ' +
      'dashboard itself.',
  );
}

function exposureWarning(bindAddress: string, port: number): string | null {
  if (isLoopbackAddress(bindAddress)) return null;
  return (
    `The inspector on port ${port} is bound to ${bindAddress}, not loopback: anyone who can reach ` +
    `this machine can run code in that process. Restart it with --inspect=127.0.0.1:${port}.`
  );
}

/** The address the inspector on port is bound to, read from /proc (loopback if unknown). */
async function bindAddressOf(port: number): Promise<string> {
  const sockets = await listenersOnPort(port);
  const exposed = sockets.find((s) => !isLoopbackAddress(s.address));
  return (exposed ?? sockets[0])?.address ?? '127.0.0.1';
}

async function connectByPort(port: number, opts: ConnectOptions): Promise<ConnectedTarget> {
  if (!isValidPort(port)) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${String(port)} is not a valid TCP port.`);
  }
  const targets = await fetchInspectorTargets(port, { timeoutMs: opts.connectTimeoutMs });
  const [bindAddress, pid] = await Promise.all([bindAddressOf(port), findPidListeningOn(port)]);
  return openSession(await metaFor(targets, port, bindAddress, pid), opts);
}

async function metaFor(
  targets: InspectorTarget[],
  port: number,
  bindAddress: string,
  pid: number | null,
): Promise<SessionMeta> {
  const target = targets[0]!;
  const warnings: string[] = [];
  const w = exposureWarning(bindAddress, port);
  if (w) warnings.push(w);
  return {
    port,
    host: target.host,
    id: target.id,
    bindAddress,
    pid,
    info: pid === null ? null : await readProcInfo(pid),
    listTitle: target.title,
    warnings,
  };
}

async function connectByUrl(
  raw: string,
  allowRemote: boolean,
  opts: ConnectOptions,
): Promise<ConnectedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'The inspector URL is not a valid URL.');
  }
  const id = url.pathname.replace(/^\//, '');
  const port = Number(url.port);
  if (url.protocol !== 'ws:' || !isValidPort(port) || !isValidTargetId(id) || url.search !== '') {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      'The inspector URL must look like ws://127.0.0.1:PORT/UUID.',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopbackAddress(host)) {
    if (!allowRemote) {
      throw new MonitorError(
        ErrorCodes.REMOTE_REFUSED,
        `The inspector URL names ${host}, which is not this machine; allow remote targets explicitly to attach to it.`,
      );
    }
    return openSession(
      {
        port,
        host,
        id,
        bindAddress: host,
        pid: null,
        info: null,
        listTitle: `${host}:${port}`,
        warnings: [
          `Attached to an inspector on another host (${host}); its traffic is not encrypted.`,
        ],
      },
      opts,
    );
  }
  // Loopback: whatever spelling the URL used, we connect to 127.0.0.1 (or ::1).
  const loopback = host === '::1' ? '::1' : '127.0.0.1';
  const targets = await fetchInspectorTargets(port, {
    host: loopback,
    timeoutMs: opts.connectTimeoutMs,
  });
  const target = targets.find((t) => t.id === id);
  if (!target) {
    throw new MonitorError(
      ErrorCodes.TARGET_CLOSED,
      `The inspector on port ${port} no longer lists target ${id}; the process may have restarted.`,
    );
  }
  const [bindAddress, pid] = await Promise.all([bindAddressOf(port), findPidListeningOn(port)]);
  return openSession(await metaFor([target], port, bindAddress, pid), opts);
}

async function connectByPid(
  pid: number,
  consent: boolean,
  opts: ConnectOptions,
): Promise<ConnectedTarget> {
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${String(pid)} is not a valid process id.`);
  }
  const proc = await describeNodeProcess(pid);
  if (proc.inspector.state === 'open') {
    return connectToOpenInspector(pid, proc.inspector.port, proc.inspector.bindAddress, opts);
  }
  if (!consent) {
    throw new MonitorError(
      ErrorCodes.INSPECTOR_CLOSED,
      `The inspector of PID ${pid} is closed; confirm to open it with SIGUSR1.`,
    );
  }
  // One SIGUSR1 attach at a time in this dashboard: each opens 9229 and moves it away
  // before the next signal, so the processes of a group never race for the port.
  return withSignalLock(() => connectBySignal(pid, opts));
}

async function describeNodeProcess(pid: number) {
  const proc = await describeProcess(pid);
  if (!proc)
    throw new MonitorError(ErrorCodes.NO_SUCH_PROCESS, `No process with PID ${pid} is running.`);
  // Before anything else, and long before a SIGUSR1 that would open our own inspector.
  if (proc.self) throw selfRefused(pid, proc.title);
  if (!proc.isNode) {
    throw new MonitorError(
      ErrorCodes.NOT_NODE,
      `PID ${pid} is not a Node.js process, so it has no inspector (and SIGUSR1 would kill it).`,
    );
  }
  return proc;
}

let signalLock: Promise<unknown> = Promise.resolve();

function withSignalLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = signalLock.then(fn, fn);
  signalLock = run.catch(() => undefined);
  return run;
}

async function connectBySignal(pid: number, opts: ConnectOptions): Promise<ConnectedTarget> {
  // Again: while this attach waited for the lock, the process may have gone or opened.
  const proc = await describeNodeProcess(pid);
  if (proc.inspector.state === 'open') {
    return connectToOpenInspector(pid, proc.inspector.port, proc.inspector.bindAddress, opts);
  }
  // A cluster primary whose inspector opens signals every worker to open its own (Node's
  // cluster does that): those we close again below, as we never meant to open them.
  const quiet = await closedNodeChildren(pid);
  const port = await openInspectorWithSignal(
    proc.info,
    opts.signalWaitMs ?? DEFAULT_SIGNAL_WAIT_MS,
  );
  try {
    return await signalledSession(pid, proc, port, opts);
  } finally {
    if (quiet.length > 0) await closeStrayInspectors(quiet);
  }
}

async function signalledSession(
  pid: number,
  proc: Awaited<ReturnType<typeof describeNodeProcess>>,
  port: { port: number; bindAddress: string },
  opts: ConnectOptions,
): Promise<ConnectedTarget> {
  let connected: ConnectedTarget;
  try {
    connected = await connectToOpenInspector(pid, port.port, port.bindAddress, opts);
    connected.openedBySignal = true;
  } catch (err) {
    // Not attached after all: leave nothing open that we opened. No session of ours to
    // ask for inspector.close(), so a short-lived one does it.
    await closeInspectorOnPort(port.port).catch(() => undefined);
    throw err;
  }
  if (
    opts.moveSignalPort === false ||
    port.port !== DEFAULT_SIGNAL_PORT ||
    !signalPortIsDefault(proc.info.argv, proc.info.nodeOptions)
  ) {
    // Started with --inspect-port (it keeps its own port), or moved by us before: Node
    // reopens the port an inspector last had.
    return connected;
  }
  if (connected.paused || connected.unresponsive) {
    connected.warnings.push(stuckOnPortWarning(port.port, 'the target did not answer in time'));
    return connected;
  }
  return moveOffSignalPort(connected, proc.info, port.port, opts);
}

/**
 * Where we moved an inspector to, per pid: after close(), Node's next SIGUSR1 reopens
 * the port the inspector last had, not 9229.
 */
const movedTo = new Map<number, { startTimeMs: number; port: number }>();

/** The port SIGUSR1 will open for this process. */
function signalPortOf(info: ProcInfo): number {
  const moved = movedTo.get(info.pid);
  if (moved && moved.startTimeMs === info.startTimeMs) return moved.port;
  if (moved) movedTo.delete(info.pid);
  return inspectorPortAfterSignal(info.argv, info.nodeOptions);
}

/** Node children of pid whose inspector is closed now. */
async function closedNodeChildren(pid: number): Promise<number[]> {
  const children = await nodeChildrenOf(pid).catch(() => []);
  const states = await Promise.all(
    children.map((c) => findInspectorOf(c, { probeTimeoutMs: 300 }).catch(() => null)),
  );
  return children.filter((_, i) => states[i]?.state.state === 'closed');
}

/** Closes inspectors that opened in these processes (twice, 100 ms apart: they lag). */
async function closeStrayInspectors(pids: number[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    if (round > 0) await new Promise((r) => setTimeout(r, 100));
    await Promise.all(
      pids.map(async (c) => {
        const found = await findInspectorOf(c, { probeTimeoutMs: 300 }).catch(() => null);
        if (found?.state.state === 'open') {
          await closeInspectorOnPort(found.state.port).catch(() => undefined);
        }
      }),
    );
  }
}

function stuckOnPortWarning(port: number, why: string): string {
  return (
    `The inspector stays on port ${port} (moving it to a free port failed: ${why}), so ` +
    `no other process can be opened with SIGUSR1 until this one is detached.`
  );
}

/** 9229 → a free port (move-inspector.ts); reconnects there. */
async function moveOffSignalPort(
  connected: ConnectedTarget,
  proc: ProcInfo,
  fromPort: number,
  opts: ConnectOptions,
): Promise<ConnectedTarget> {
  const pid = proc.pid;
  let outcome;
  try {
    outcome = await moveInspector(connected.client, pid, fromPort);
  } catch (err) {
    // Either the evaluate failed (the inspector may still be open on the old port) or
    // it never came back (then there is nothing to close): leave nothing open.
    connected.client.close();
    await closeInspectorOnPort(fromPort).catch(() => undefined);
    throw err;
  }
  if (!outcome.moved && outcome.stillConnected) {
    connected.warnings.push(stuckOnPortWarning(fromPort, outcome.why));
    return connected;
  }
  let again: ConnectedTarget;
  try {
    again = await connectToOpenInspector(pid, outcome.port, outcome.bindAddress, opts);
  } catch (err) {
    await closeInspectorOnPort(outcome.port).catch(() => undefined);
    throw err;
  }
  again.openedBySignal = true;
  if (outcome.moved) movedTo.set(pid, { startTimeMs: proc.startTimeMs, port: outcome.port });
  const record = await readMoveRecord(again.client);
  if (!outcome.moved)
    again.warnings.push(stuckOnPortWarning(fromPort, record?.error ?? outcome.why));
  return again;
}

/**
 * Closes the target's inspector from inside (node:inspector close()), on a timer so
 * that this session's answer gets out first; the socket closes with it.
 */
export const CLOSE_INSPECTOR_SOURCE = `(() => {
  const inspector = process.getBuiltinModule('node:inspector');
  const t = setTimeout(() => { try { inspector.close(); } catch {} }, 0);
  if (t.unref) t.unref();
  return true;
})()`;

/**
 * Asks the target behind client to close its inspector; resolves once it said yes and
 * the target has closed our socket (or after timeoutMs). We must not close the socket
 * ourselves meanwhile: a client's close frame crossing the server's own (node:inspector
 * close() closes every session) makes Node 20's inspector thread crash the target with
 * SIGSEGV in WsHandler::OnCloseFrameWritten (seen here in a few % of detaches).
 */
export async function closeInspector(client: CdpClient, timeoutMs = 2_000): Promise<boolean> {
  if (client.closed) return false;
  const res = await client.send(
    'Runtime.evaluate',
    { expression: CLOSE_INSPECTOR_SOURCE, returnByValue: true, silent: true },
    { timeoutMs },
  );
  const yes = !res.exceptionDetails && res.result.value === true;
  if (yes) await closedByTarget(client, timeoutMs);
  return yes;
}

/** Resolves when the target closed the connection, or after timeoutMs. */
export function closedByTarget(client: CdpClient, timeoutMs: number): Promise<void> {
  if (client.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    client.onClose(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function closeInspectorOnPort(port: number): Promise<void> {
  const [target] = await fetchInspectorTargets(port, { timeoutMs: 2_000 });
  if (!target) return;
  const client = new CdpClient(
    await connectWebSocket(buildWebSocketUrl('127.0.0.1', port, target.id), 2_000),
  );
  try {
    await closeInspector(client);
  } finally {
    client.close();
  }
}

async function connectToOpenInspector(
  pid: number,
  port: number,
  bindAddress: string,
  opts: ConnectOptions,
): Promise<ConnectedTarget> {
  // Wildcard and loopback binds are reached over loopback; a single-interface bind on its address.
  const host = probeHostFor(bindAddress, bindAddress.includes(':') ? 6 : 4);
  const targets = await fetchInspectorTargets(port, { host, timeoutMs: opts.connectTimeoutMs });
  return openSession(await metaFor(targets, port, bindAddress, pid), opts);
}

/** F5: checks, then SIGUSR1, then waits for the inspector to appear in /proc. */
async function openInspectorWithSignal(
  info: ProcInfo,
  waitMs: number,
): Promise<{ port: number; bindAddress: string }> {
  const pid = info.pid;
  const expectedPort = signalPortOf(info);
  if (expectedPort !== 0) {
    const taken = (await listenersOnPort(expectedPort)).filter(
      (s) =>
        isWildcardAddress(s.address) ||
        s.address === '127.0.0.1' ||
        s.address === '::ffff:127.0.0.1',
    );
    if (taken.length > 0) {
      throw new MonitorError(
        ErrorCodes.PORT_TAKEN,
        `Port ${expectedPort} is already in use by ${await describeHolder(expectedPort)}, so SIGUSR1 ` +
          `would fail to open the inspector of PID ${pid} and only its own stderr would say so; free the port first.`,
      );
    }
  }
  // Guard against PID reuse between the checks above and the signal.
  const again = await readProcInfo(pid);
  if (!again || again.startTimeMs !== info.startTimeMs || !again.isNode) {
    throw new MonitorError(
      ErrorCodes.NO_SUCH_PROCESS,
      `PID ${pid} exited before it could be signalled.`,
    );
  }
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') {
      throw new MonitorError(
        ErrorCodes.NO_SUCH_PROCESS,
        `PID ${pid} exited before it could be signalled.`,
      );
    }
    throw new MonitorError(
      ErrorCodes.SIGNAL_FAILED,
      `Could not send SIGUSR1 to PID ${pid} (${code ?? 'unknown error'}); it may belong to another user.`,
      { cause: err },
    );
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = await findInspectorOf(pid);
    if (found.state.state === 'open') {
      return { port: found.state.port, bindAddress: found.state.bindAddress };
    }
    const alive = await readProcInfo(pid);
    if (!alive || alive.startTimeMs !== info.startTimeMs) {
      throw new MonitorError(ErrorCodes.SIGNAL_FAILED, `PID ${pid} exited after SIGUSR1 was sent.`);
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, SIGNAL_POLL_MS));
  }
  throw new MonitorError(
    ErrorCodes.SIGNAL_FAILED,
    `Sent SIGUSR1 to PID ${pid} but no inspector opened within ${waitMs} ms; ` +
      `the target prints the reason (e.g. port ${expectedPort || 'in use'}) only on its own stderr.`,
  );
}

/** Who listens on port, for PORT_TAKEN (read from /proc; nothing is probed). */
async function describeHolder(port: number): Promise<string> {
  const pid = await findPidListeningOn(port).catch(() => null);
  if (pid === null) return 'another process';
  const info = await readProcInfo(pid);
  const what = info ? ` (${commandOf(info).slice(0, 120)})` : '';
  if (info?.isNode && pid !== process.pid) {
    return (
      `PID ${pid}${what}, a Node process: if that is its inspector, it stays on ${port} ` +
      `(opened with --inspect, or it could not be moved to a free port) until it is detached or closed`
    );
  }
  return `PID ${pid}${what}`;
}

function titleFrom(argv: string[] | null, fallback: string): string {
  const script = argv?.[1];
  return script ? path.basename(script) : fallback;
}

async function openSession(meta: SessionMeta, opts: ConnectOptions): Promise<ConnectedTarget> {
  const wsUrl = buildWebSocketUrl(meta.host, meta.port, meta.id);
  const transport = await connectWebSocket(
    wsUrl,
    opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
  const client = new CdpClient(transport);
  try {
    const warnings = [...meta.warnings];
    let probe: ProbeResult | null = null;
    let unresponsive = false;
    try {
      const res = await client.send(
        'Runtime.evaluate',
        { expression: PROBE_EXPRESSION, returnByValue: true, silent: true },
        { timeoutMs: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS },
      );
      probe = parseProbe(res.result.value);
    } catch (err) {
      // A blocked event loop does not answer: stay attached, the target shows as unresponsive (F10).
      if (!(err instanceof MonitorError) || err.code !== ErrorCodes.TIMEOUT) throw err;
      unresponsive = true;
      warnings.push(
        'The target did not answer its first command in time; its event loop may be blocked.',
      );
    }
    const paused = probe !== null && !probe.booted;
    if (paused) {
      warnings.push(
        'The target is waiting for a debugger (--inspect-brk); the dashboard will not resume it.',
      );
    }
    const pid = meta.pid ?? probe?.pid ?? null;
    // A pid the target reports is only looked up in our /proc when the target is local.
    const local = isLoopbackAddress(meta.host) || meta.info !== null;
    const info = meta.info ?? (pid !== null && local ? await readProcInfo(pid) : null);
    // By port or URL, an inspector of our own process (it says so itself): refused as by pid.
    if (probe?.pid != null && local) {
      const reported = probe.pid === info?.pid ? info : await readProcInfo(probe.pid);
      if (reported && (await isOwnProcess(reported))) throw selfRefused(probe.pid, null);
    }
    const argv =
      info?.argv ??
      (probe?.argv
        ? [probe.argv[0] ?? 'node', ...(probe.execArgv ?? []), ...probe.argv.slice(1)]
        : null);
    const scriptArgv = probe?.argv ?? (info ? scriptArgvOf(info.argv) : null);
    const result: ConnectedTarget = {
      client,
      pid,
      port: meta.port,
      inspectorId: meta.id,
      bindAddress: meta.bindAddress,
      // A local process is named like the process list names it (its package or script).
      title: info ? await titleOf(info) : titleFrom(scriptArgv, meta.listTitle),
      command: argv ? commandOf({ argv }) : meta.listTitle,
      warnings,
      paused,
      unresponsive,
    };
    if (probe?.version) result.nodeVersion = probe.version;
    return result;
  } catch (err) {
    client.close();
    throw err;
  }
}

/** argv as process.argv shows it: the executable, then the script and its arguments. */
function scriptArgvOf(argv: string[]): string[] {
  return [argv[0] ?? 'node', ...argv.slice(1 + nodeOptionsOf(argv).length)];
}

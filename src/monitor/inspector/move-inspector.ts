// Moving an inspector that SIGUSR1 opened on 127.0.0.1:9229 to a free ephemeral port,
// so that 9229 is free for the next process of a group (SIGUSR1 always opens 9229
// unless the process was started with --inspect-port, and a second one on the same
// port fails with a message only on that target's stderr).
//
// How: from inside the session on 9229, one Runtime.evaluate sets a 0 ms timer in the
// target that runs node:inspector's close() (which drops our own socket: that is why it
// runs after the evaluate has answered) and then open(0, '127.0.0.1'), which binds a
// port the kernel picks. The new URL is left in a global for us. We wait for our socket
// to close, find the new listening port of that pid in /proc (listeningSocketsOf, via
// findInspectorOf), connect to it, and read and delete the global. If open(0) fails in
// the target, the timer reopens 9229, so the process stays attached there; the caller
// then says so, and other SIGUSR1 attaches get PORT_TAKEN naming this process.
//
// Needs process.getBuiltinModule (Node >= 20.16) or a CommonJS main module
// (process.mainModule.require) in the target; without either the process stays on 9229.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { findInspectorOf } from '../discovery/list-processes';
import { inspectorPortAfterSignal, nodeOptionsOf } from '../discovery/proc-parse';
import type { CdpClient } from './cdp-client';

export const MOVE_KEY = 'resdash.inspectorMove.v1';
/** The port SIGUSR1 opens when nothing says otherwise. */
export const DEFAULT_SIGNAL_PORT = 9229;
/** The target moves only if its timer fires within this; the dashboard waits longer. */
const LATE_MS = 2_000;
const SOCKET_CLOSE_WAIT_MS = 3_000;
const NEW_PORT_WAIT_MS = 3_000;
const POLL_MS = 15;

/**
 * True when SIGUSR1 opens this process's inspector on the default 9229 because nothing
 * chose a port: --inspect-port, --debug-port and --inspect=HOST:PORT (in argv or
 * NODE_OPTIONS) keep their own port and are never moved.
 */
export function signalPortIsDefault(argv: string[], nodeOptionsEnv = ''): boolean {
  const opts = [...nodeOptionsEnv.split(/\s+/).filter(Boolean), ...nodeOptionsOf(argv)];
  const chosen = opts.some((a) =>
    /^--(inspect-port|debug-port)(=|$)|^--inspect(-brk|-wait)?=/.test(a),
  );
  return !chosen && inspectorPortAfterSignal(argv, nodeOptionsEnv) === DEFAULT_SIGNAL_PORT;
}

/** What runs in the target: schedules close + open(0) and answers before either runs. */
export function moveExpression(fromPort: number): string {
  return `(() => {
  const p = globalThis.process;
  const load = typeof p.getBuiltinModule === 'function'
    ? (n) => p.getBuiltinModule(n)
    : p.mainModule && typeof p.mainModule.require === 'function'
      ? (n) => p.mainModule.require(n)
      : null;
  if (!load) return { ok: false, why: 'Node.js ' + p.version + ' has no process.getBuiltinModule (20.16 or later is needed) and its main module is not CommonJS' };
  const inspector = load('node:inspector');
  if (typeof inspector.open !== 'function' || typeof inspector.close !== 'function') {
    return { ok: false, why: 'node:inspector has no open() and close() in Node.js ' + p.version };
  }
  const KEY = Symbol.for(${JSON.stringify(MOVE_KEY)});
  const from = inspector.url() || null;
  const until = Date.now() + ${LATE_MS};
  setTimeout(() => {
    // Too late (a blocked loop): the dashboard has given up waiting and kept its socket.
    if (Date.now() > until) return;
    const rec = { from, url: null, error: null };
    try { inspector.close(); } catch (e) { rec.error = 'close: ' + String(e && e.message || e); }
    // A cluster primary signals every worker to open its inspector whenever its own
    // opens (NODE_DEBUG_ENABLED): not for this reopening, or one would take ${fromPort}.
    const emit = p.emit;
    p.emit = function (event, message, ...rest) {
      if (event === 'internalMessage' && message && message.cmd === 'NODE_DEBUG_ENABLED') return false;
      return emit.call(this, event, message, ...rest);
    };
    try {
      inspector.open(0, '127.0.0.1');
      rec.url = inspector.url() || null;
    } catch (e) {
      rec.error = String(e && e.message || e);
      try { inspector.open(${fromPort}, '127.0.0.1'); } catch (e2) { rec.error += '; reopening ${fromPort} failed too: ' + String(e2 && e2.message || e2); }
    } finally {
      p.emit = emit;
    }
    Object.defineProperty(globalThis, KEY, { value: rec, configurable: true, enumerable: false, writable: true });
  }, 0);
  return { ok: true, from };
})()`;
}

export const READ_MOVE_RECORD = `(() => {
  const KEY = Symbol.for(${JSON.stringify(MOVE_KEY)});
  const r = globalThis[KEY];
  delete globalThis[KEY];
  return r ? { from: r.from, url: r.url, error: r.error } : null;
})()`;

export type MoveOutcome =
  | { moved: true; port: number; bindAddress: string }
  /** The target refused before closing anything: still attached on the old port. */
  | { moved: false; stillConnected: true; why: string }
  /** The inspector was closed and came back on `port` (the old one: open(0) failed). */
  | { moved: false; stillConnected: false; port: number; bindAddress: string; why: string };

/**
 * Moves the inspector of pid, reached through client on fromPort, to a free port.
 * On success the client is closed (the target closed it) and the caller connects to
 * the returned port. Throws when the inspector did not come back at all.
 */
export async function moveInspector(
  client: CdpClient,
  pid: number,
  fromPort: number,
): Promise<MoveOutcome> {
  const res = await client.send(
    'Runtime.evaluate',
    { expression: moveExpression(fromPort), returnByValue: true, silent: true },
    { timeoutMs: 3_000 },
  );
  const value = res.result.value as { ok?: unknown; why?: unknown } | undefined;
  if (res.exceptionDetails || value?.ok !== true) {
    const why =
      typeof value?.why === 'string'
        ? value.why
        : (res.exceptionDetails?.exception?.description ?? 'the target refused');
    return { moved: false, stillConnected: true, why: why.split('\n')[0]!.slice(0, 300) };
  }
  // The target's close() drops our socket once the evaluate has answered.
  if (!client.closed) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SOCKET_CLOSE_WAIT_MS);
      client.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  if (!client.closed) {
    // Its timer did not run in time (a busy loop): it never will (LATE_MS), we stay.
    return {
      moved: false,
      stillConnected: true,
      why: 'the target did not run the move in time (its event loop was busy)',
    };
  }
  const deadline = Date.now() + NEW_PORT_WAIT_MS;
  for (;;) {
    const found = await findInspectorOf(pid, { probeTimeoutMs: 500 });
    if (found.state.state === 'open') {
      const { port, bindAddress } = found.state;
      if (port !== fromPort) return { moved: true, port, bindAddress };
      return {
        moved: false,
        stillConnected: false,
        port,
        bindAddress,
        why: 'the target could not open a new port',
      };
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new MonitorError(
    ErrorCodes.SIGNAL_FAILED,
    `The inspector of PID ${pid} was closed to move it off port ${fromPort}, but it did not open again within ${NEW_PORT_WAIT_MS} ms; nothing is left open.`,
  );
}

/** After reconnecting: what the target recorded about the move (and the global removed). */
export async function readMoveRecord(
  client: CdpClient,
): Promise<{ from: string | null; url: string | null; error: string | null } | null> {
  try {
    const res = await client.send(
      'Runtime.evaluate',
      { expression: READ_MOVE_RECORD, returnByValue: true, silent: true },
      { timeoutMs: 2_000 },
    );
    const v = res.result.value as Record<string, unknown> | null | undefined;
    if (!v || typeof v !== 'object') return null;
    const str = (x: unknown) => (typeof x === 'string' ? x.slice(0, 500) : null);
    return { from: str(v.from), url: str(v.url), error: str(v.error) };
  } catch {
    return null;
  }
}

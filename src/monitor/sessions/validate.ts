// Argument checks shared by the request modules: arguments arrive from IPC and the
// WebSocket bridge, so every field is validated before use (BAD_ARGUMENT).
import type { AttachArgs } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { INTERVAL_MAX_MS, INTERVAL_MIN_MS, type TargetInfo } from '../../shared/model';

export function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

export function argsObject(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw bad('Arguments must be an object.');
  return args as Record<string, unknown>;
}

export function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65_535;
}

export function validateInterval(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INTERVAL_MIN_MS || v > INTERVAL_MAX_MS) {
    throw bad(
      `intervalMs must be a whole number of ms between ${INTERVAL_MIN_MS} and ${INTERVAL_MAX_MS}.`,
    );
  }
  return v;
}

export function validateAttachArgs(args: unknown): AttachArgs {
  const a = argsObject(args);
  const out: AttachArgs = {};
  if (a.pid !== undefined) {
    if (typeof a.pid !== 'number' || !Number.isInteger(a.pid) || a.pid <= 0 || a.pid > 2 ** 31) {
      throw bad('pid must be a positive whole number.');
    }
    out.pid = a.pid;
  }
  if (a.port !== undefined) {
    if (!isPort(a.port)) throw bad('port must be a TCP port between 1 and 65535.');
    out.port = a.port;
  }
  if (a.url !== undefined) {
    if (typeof a.url !== 'string' || a.url.length > 2048 || !a.url.startsWith('ws://')) {
      throw bad('url must be a ws:// inspector URL.');
    }
    out.url = a.url;
  }
  for (const flag of ['enableInspector', 'allowRemote'] as const) {
    if (a[flag] !== undefined) {
      if (typeof a[flag] !== 'boolean') throw bad(`${flag} must be true or false.`);
      out[flag] = a[flag];
    }
  }
  if (a.intervalMs !== undefined) out.intervalMs = validateInterval(a.intervalMs);
  if (out.pid === undefined && out.port === undefined && out.url === undefined) {
    throw bad('Attach needs a pid, a port or a ws:// URL.');
  }
  return out;
}

export function alreadyAttached(info: TargetInfo): MonitorError {
  return new MonitorError(
    ErrorCodes.ALREADY_ATTACHED,
    `Already attached to ${info.title} (pid ${info.pid ?? 'unknown'}, port ${info.port}) as ${info.id}.`,
  );
}

export function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function lostReason(pid: number | null, reason: string): string {
  return isAlive(pid)
    ? `The inspector connection was lost (${reason}).`
    : `The process exited (${reason}).`;
}

// Argument values the commands share: durations, targets, ports.
import type { AttachArgs } from '../shared/contract';
import { ErrorCodes, MonitorError } from '../shared/errors';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `500ms`, `1s`, `2.5s`, `2m`, `1h`; a bare number is milliseconds. */
export function parseDurationMs(text: string, option: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `${option} expects a duration like 500ms, 1s or 2m, not ${JSON.stringify(text)}.`,
    );
  }
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${option} must be longer than zero.`);
  }
  return Math.round(ms);
}

/** A port to connect to (a TARGET's inspector, a port to scan): 1..65535. */
export function parsePort(text: string, option: string): number {
  return portIn(text, option, 1);
}

/** A port to listen on: 1..65535, or 0 for any free port (the caller prints the real one). */
export function parseListenPort(text: string, option: string): number {
  return portIn(text, option, 0);
}

function portIn(text: string, option: string, min: 0 | 1): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < min || port > 65_535) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      min === 0
        ? `${option} expects a port number between 0 (any free port) and 65535, not ${JSON.stringify(text)}.`
        : `${option} expects a port number between 1 and 65535, not ${JSON.stringify(text)}.`,
    );
  }
  return port;
}

export type TargetSpec = Pick<AttachArgs, 'pid' | 'port' | 'url'>;

export const TARGET_HELP = [
  'TARGET is one of:',
  '  PID              a process id, e.g. 4242',
  '  :PORT            an inspector port on 127.0.0.1, e.g. :9229',
  '  ws://HOST:PORT/ID  an inspector WebSocket URL',
];

/** A plain number is a pid, `:N` an inspector port, `ws://…` an inspector URL. */
export function parseTarget(text: string): TargetSpec {
  if (/^\d+$/.test(text)) {
    const pid = Number(text);
    if (Number.isSafeInteger(pid) && pid > 0) return { pid };
  }
  if (/^:0+$/.test(text)) {
    // 0 means "any free port" only to a listener; no inspector listens on it.
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `Target ${JSON.stringify(text)} names no inspector: give the port one listens on, e.g. :9229.`,
    );
  }
  if (/^:\d+$/.test(text)) return { port: parsePort(text.slice(1), 'TARGET') };
  if (/^ws:\/\//i.test(text)) {
    try {
      new URL(text);
      return { url: text };
    } catch {
      // fall through to the error below
    }
  }
  throw new MonitorError(
    ErrorCodes.BAD_ARGUMENT,
    `Cannot read target ${JSON.stringify(text)}: give a pid (4242), an inspector port (:9229) or a ws:// URL.`,
  );
}

export function describeTarget(spec: TargetSpec): string {
  if (spec.pid !== undefined) return `pid ${spec.pid}`;
  if (spec.port !== undefined) return `port ${spec.port}`;
  return spec.url ?? 'target';
}

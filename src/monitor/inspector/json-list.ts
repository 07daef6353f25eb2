// Reads an inspector's /json/list with a deadline and a size cap, and validates it
// (F1, F2). The WebSocket URL is rebuilt from the port and id we know (F3): the
// target's own webSocketDebuggerUrl echoes whatever Host header it was sent.
import { Client } from 'undici';
import { ErrorCodes, MonitorError } from '../../shared/errors';

export interface InspectorTarget {
  id: string;
  type: 'node';
  title: string;
  /** The main script's URL as the target reports it. Hostile: render as text only. */
  url: string;
  port: number;
  /** The host we connect to (loopback unless the caller chose otherwise). */
  host: string;
  /** ws://HOST:PORT/ID built by us, never taken from the target. */
  webSocketUrl: string;
  /** What the target claimed; kept for display and diagnosis only. */
  reportedWebSocketUrl: string;
}

export interface FetchTargetsOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Deadline for the whole exchange: connect, headers and body. */
  timeoutMs?: number;
  maxBytes?: number;
}

export const JSON_LIST_TIMEOUT_MS = 2_000;
export const JSON_LIST_MAX_BYTES = 1024 * 1024;
const MAX_TARGETS = 64;
const MAX_TEXT_CHARS = 4096;

/** A target id as Node prints it: a UUID; we accept any short token of that alphabet. */
const TARGET_ID_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

export function isValidTargetId(id: string): boolean {
  return TARGET_ID_RE.test(id);
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port < 65536;
}

/** Formats a host for a URL: IPv6 literals go in brackets. */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function buildWebSocketUrl(host: string, port: number, id: string): string {
  return `ws://${hostForUrl(host)}:${port}/${id}`;
}

/**
 * Validates the body of /json/list. Entries that are not Node targets are skipped;
 * a body with no valid Node target at all is not an inspector.
 */
export function parseInspectorList(
  body: string,
  port: number,
  host = '127.0.0.1',
): InspectorTarget[] {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new MonitorError(
      ErrorCodes.NOT_INSPECTOR,
      `Port ${port} answered /json/list with something that is not JSON, so it is not a Node inspector.`,
    );
  }
  if (!Array.isArray(data)) {
    throw new MonitorError(
      ErrorCodes.NOT_INSPECTOR,
      `Port ${port} answered /json/list with JSON that is not a target list, so it is not a Node inspector.`,
    );
  }
  const targets: InspectorTarget[] = [];
  for (const entry of data.slice(0, MAX_TARGETS)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    if (e.type !== 'node') continue;
    if (typeof e.id !== 'string' || !isValidTargetId(e.id)) continue;
    if (typeof e.webSocketDebuggerUrl !== 'string') continue;
    targets.push({
      id: e.id,
      type: 'node',
      title: typeof e.title === 'string' ? e.title.slice(0, MAX_TEXT_CHARS) : '',
      url: typeof e.url === 'string' ? e.url.slice(0, MAX_TEXT_CHARS) : '',
      port,
      host,
      webSocketUrl: buildWebSocketUrl(host, port, e.id),
      reportedWebSocketUrl: e.webSocketDebuggerUrl.slice(0, MAX_TEXT_CHARS),
    });
  }
  if (targets.length === 0) {
    throw new MonitorError(
      ErrorCodes.NOT_INSPECTOR,
      `Port ${port} answered /json/list without any Node target, so it is not a Node inspector.`,
    );
  }
  return targets;
}

function errorCodeOf(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  // undici wraps socket errors; the useful code can sit on a cause.
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

function mapRequestError(
  err: unknown,
  port: number,
  timeoutMs: number,
  timedOut: boolean,
): MonitorError {
  if (err instanceof MonitorError) return err;
  const code = errorCodeOf(err);
  if (
    timedOut ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return new MonitorError(
      ErrorCodes.TIMEOUT,
      `Port ${port} did not answer /json/list within ${timeoutMs} ms.`,
      { cause: err },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'EADDRNOTAVAIL' || code === 'EHOSTUNREACH') {
    return new MonitorError(
      ErrorCodes.CONNECT_REFUSED,
      `Nothing is listening on port ${port}, so there is no inspector to attach to.`,
      { cause: err },
    );
  }
  // Parser errors, resets and early closes: something answered, but not HTTP we understand.
  return new MonitorError(
    ErrorCodes.NOT_INSPECTOR,
    `Port ${port} did not answer /json/list like a Node inspector (${code || (err as Error)?.message || 'unknown error'}).`,
    { cause: err },
  );
}

/** GET http://HOST:PORT/json/list, bounded in time and size, validated. */
export async function fetchInspectorTargets(
  port: number,
  opts: FetchTargetsOptions = {},
): Promise<InspectorTarget[]> {
  if (!isValidPort(port)) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${String(port)} is not a valid TCP port.`);
  }
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? JSON_LIST_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? JSON_LIST_MAX_BYTES;
  // One client per probe, destroyed afterwards: no keep-alive sockets to other
  // people's ports outlive the call.
  const client = new Client(`http://${hostForUrl(host)}:${port}`, {
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 0,
  });
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  try {
    const res = await client.request({
      path: '/json/list',
      method: 'GET',
      signal: abort.signal,
      headers: { host: `${hostForUrl(host)}:${port}`, accept: 'application/json' },
    });
    // Destroying an unread body emits an abort error; we never want it as an uncaught one.
    res.body.on('error', () => {});
    if (res.statusCode !== 200) {
      res.body.destroy();
      throw new MonitorError(
        ErrorCodes.NOT_INSPECTOR,
        `Port ${port} answered /json/list with HTTP ${res.statusCode}, so it is not a Node inspector.`,
      );
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.body.destroy();
      throw tooBig(port, maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBytes) {
        res.body.destroy();
        throw tooBig(port, maxBytes);
      }
      chunks.push(buf);
    }
    return parseInspectorList(Buffer.concat(chunks).toString('utf8'), port, host);
  } catch (err) {
    throw mapRequestError(err, port, timeoutMs, timedOut);
  } finally {
    clearTimeout(timer);
    // destroy() settles promptly even when the peer never answers.
    await client.destroy().catch(() => {});
  }
}

function tooBig(port: number, maxBytes: number): MonitorError {
  return new MonitorError(
    ErrorCodes.NOT_INSPECTOR,
    `Port ${port} answered /json/list with more than ${maxBytes} bytes, so it is not a Node inspector.`,
  );
}

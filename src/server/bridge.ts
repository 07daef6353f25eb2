// The WebSocket bridge: ClientFrame requests are validated and forwarded to the
// monitor, answers go back as Outcome; `samples` / `targets` events are pushed to
// every socket. A socket that does not keep up loses sample frames, then is closed
// (F27): nothing here buffers without bound. Snapshot uploads belong to the socket that
// began them: when it closes, they are aborted (their partial files deleted, their
// slots freed) instead of blocking later imports until the idle timeout.
import type { WebSocket } from 'ws';
import {
  EVENT_NAMES,
  isRequestName,
  type EventName,
  type MonitorApi,
  type Outcome,
  type RequestName,
  type ServerFrame,
} from '../shared/contract';
import { ErrorCodes, MonitorError, serializeError } from '../shared/errors';

export interface BridgeLimits {
  /** Above this many buffered bytes a socket gets no more sample frames. */
  softBufferBytes: number;
  /** Above this many buffered bytes a socket is closed. */
  hardBufferBytes: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  softBufferBytes: 1024 * 1024,
  hardBufferBytes: 8 * 1024 * 1024,
};

/** Close code for a client that falls too far behind (1013 = try again later). */
export const CLOSE_TOO_SLOW = 1013;

/** Upload ids a socket remembers; older ones are left to the monitor's idle timeout. */
const MAX_UPLOADS_PER_SOCKET = 16;

interface SocketState {
  /** Uploads this socket began and has not finished or aborted. */
  uploads: Set<string>;
  closed: boolean;
}

interface ParsedRequest {
  id: number;
  method: RequestName;
  args: Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Parses one text frame; throws MonitorError(BAD_ARGUMENT) with the id it could read. */
export function parseClientFrame(
  text: string,
): ParsedRequest | { id: number; error: MonitorError } {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return {
      id: -1,
      error: new MonitorError(ErrorCodes.BAD_ARGUMENT, 'The frame is not valid JSON.'),
    };
  }
  if (!isPlainObject(frame)) {
    return {
      id: -1,
      error: new MonitorError(ErrorCodes.BAD_ARGUMENT, 'The frame is not an object.'),
    };
  }
  const id = Number.isSafeInteger(frame.id) ? (frame.id as number) : -1;
  if (frame.kind !== 'request' || id < 0) {
    return {
      id,
      error: new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        'Expected a request frame with an integer id.',
      ),
    };
  }
  if (!isRequestName(frame.method)) {
    return {
      id,
      error: new MonitorError(
        ErrorCodes.BAD_ARGUMENT,
        `Unknown method ${JSON.stringify(String(frame.method)).slice(0, 80)}.`,
      ),
    };
  }
  const args = frame.args === undefined ? {} : frame.args;
  if (!isPlainObject(args)) {
    return {
      id,
      error: new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Request args must be an object.'),
    };
  }
  return { id, method: frame.method, args };
}

export class Bridge {
  readonly #sockets = new Set<WebSocket>();
  readonly #state = new WeakMap<WebSocket, SocketState>();
  readonly #unsubscribe: Array<() => void> = [];
  /** Sample frames dropped because a socket was behind, for diagnostics. */
  droppedFrames = 0;

  constructor(
    private readonly monitor: MonitorApi,
    private readonly limits: BridgeLimits = DEFAULT_BRIDGE_LIMITS,
  ) {
    for (const event of EVENT_NAMES) {
      this.#unsubscribe.push(
        monitor.on(event, (payload: unknown) => this.#broadcast(event, payload)),
      );
    }
  }

  get socketCount(): number {
    return this.#sockets.size;
  }

  add(ws: WebSocket): void {
    this.#sockets.add(ws);
    const state: SocketState = { uploads: new Set(), closed: false };
    this.#state.set(ws, state);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.#send(ws, {
          kind: 'response',
          id: -1,
          outcome: {
            ok: false,
            error: serializeError(
              new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Binary frames are not accepted.'),
            ),
          },
        });
        return;
      }
      void this.#handle(ws, data.toString());
    });
    ws.on('close', () => {
      this.#sockets.delete(ws);
      state.closed = true;
      for (const id of state.uploads) this.#abortUpload(id);
      state.uploads.clear();
    });
    ws.on('error', () => this.#sockets.delete(ws));
  }

  #abortUpload(uploadId: string): void {
    try {
      this.monitor.uploadSnapshotAbort({ uploadId }).catch(() => undefined);
    } catch {
      // a monitor already disposed: its uploads are gone with it
    }
  }

  /** Keeps track of the uploads a socket owns, from the requests it made and their outcomes. */
  #trackUpload(ws: WebSocket, req: ParsedRequest, outcome: Outcome<unknown>): void {
    const state = this.#state.get(ws);
    if (!state) return;
    if (req.method === 'uploadSnapshotBegin' && outcome.ok) {
      const id = (outcome.value as { uploadId?: unknown } | null)?.uploadId;
      if (typeof id !== 'string') return;
      // Begun after its socket closed: nobody can finish it.
      if (state.closed) return this.#abortUpload(id);
      state.uploads.add(id);
      if (state.uploads.size > MAX_UPLOADS_PER_SOCKET) {
        state.uploads.delete(state.uploads.values().next().value!);
      }
      return;
    }
    const id = req.args.uploadId;
    if (typeof id !== 'string') return;
    // A finish refused as incomplete (BAD_ARGUMENT) leaves the upload open; every other
    // outcome of finish, and any abort, ends it.
    if (
      req.method === 'uploadSnapshotAbort' ||
      (req.method === 'uploadSnapshotFinish' &&
        (outcome.ok || outcome.error.code !== ErrorCodes.BAD_ARGUMENT))
    ) {
      state.uploads.delete(id);
    }
  }

  async #handle(ws: WebSocket, text: string): Promise<void> {
    const parsed = parseClientFrame(text);
    let outcome: Outcome<unknown>;
    if ('error' in parsed) {
      outcome = { ok: false, error: serializeError(parsed.error) };
    } else {
      try {
        const call = this.monitor[parsed.method] as (args: unknown) => Promise<unknown>;
        const value = await call.call(this.monitor, parsed.args);
        outcome = { ok: true, value: value ?? null };
      } catch (err) {
        outcome = { ok: false, error: serializeError(err) };
      }
      this.#trackUpload(ws, parsed, outcome);
    }
    this.#send(ws, { kind: 'response', id: parsed.id, outcome });
  }

  #broadcast(event: EventName, payload: unknown): void {
    if (this.#sockets.size === 0) return;
    const text = JSON.stringify({ kind: 'event', event, payload } satisfies ServerFrame);
    for (const ws of this.#sockets) this.#sendText(ws, text, event === 'samples');
  }

  #send(ws: WebSocket, frame: ServerFrame): void {
    this.#sendText(ws, JSON.stringify(frame), false);
  }

  #sendText(ws: WebSocket, text: string, droppable: boolean): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount + text.length > this.limits.hardBufferBytes) {
      this.#sockets.delete(ws);
      ws.close(CLOSE_TOO_SLOW, 'client too slow');
      return;
    }
    if (droppable && ws.bufferedAmount > this.limits.softBufferBytes) {
      this.droppedFrames++;
      return;
    }
    ws.send(text);
  }

  close(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
    for (const ws of this.#sockets) ws.terminate();
    this.#sockets.clear();
  }
}

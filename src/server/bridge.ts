// The WebSocket bridge: ClientFrame requests are validated and forwarded to the
// monitor, answers go back as Outcome; `samples` / `targets` events are pushed to
// every socket. A socket that does not keep up loses sample frames, then is closed
// (F27): nothing here buffers without bound.
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
    ws.on('close', () => this.#sockets.delete(ws));
    ws.on('error', () => this.#sockets.delete(ws));
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

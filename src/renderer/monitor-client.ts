// The renderer's only way to the core. In Electron the preload exposes a MonitorApi
// as window.monitor; in a browser we speak the WebSocket bridge (ClientFrame /
// ServerFrame from the contract). Callers cannot tell which one they have.
import type {
  ClientFrame,
  EventName,
  Events,
  MonitorApi,
  RequestArgs,
  RequestName,
  RequestResult,
} from '../shared/contract';
import { EVENT_NAMES, REQUEST_NAMES } from '../shared/contract';
import { ErrorCodes, MonitorError, deserializeError, isSerializedError } from '../shared/errors';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser shell. */
    monitor?: MonitorApi;
  }
}

/** The part of the browser WebSocket the bridge uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export type LinkState = 'connecting' | 'open' | 'closed';

export interface BridgeOptions {
  url: string;
  createSocket?: SocketFactory;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Requests waiting for the socket to open; more are refused, not queued (F27). */
  maxQueued?: number;
  /** Called on every state change; `reconnected` is true for opens after the first. */
  onLinkState?: (state: LinkState, reconnected: boolean) => void;
}

const OPEN = 1;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: MonitorError) => void;
}

type AnyListener = (payload: unknown) => void;

/** Builds ws(s)://host/bridge?token=… from the page's own address. */
export function bridgeUrlFromLocation(loc: {
  protocol: string;
  host: string;
  search: string;
}): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const token = new URLSearchParams(loc.search).get('token');
  // Without a token in the page URL the server's cookie authenticates the upgrade.
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${loc.host}/bridge${query}`;
}

function parseFrame(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** MonitorApi over the WebSocket bridge, reconnecting with backoff. */
export class BridgeClient {
  readonly api: MonitorApi;
  readonly #opts: Required<Omit<BridgeOptions, 'onLinkState'>> & Pick<BridgeOptions, 'onLinkState'>;
  readonly #pending = new Map<number, Pending>();
  readonly #queue: string[] = [];
  readonly #listeners = new Map<EventName, Set<AnyListener>>();
  #socket: SocketLike | null = null;
  #nextId = 1;
  #backoffMs: number;
  #opens = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(options: BridgeOptions) {
    this.#opts = {
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      initialBackoffMs: 250,
      maxBackoffMs: 5_000,
      maxQueued: 64,
      ...options,
    };
    this.#backoffMs = this.#opts.initialBackoffMs;
    const call = <K extends RequestName>(method: K) =>
      ((args: RequestArgs<K>) => this.request(method, args)) as (
        args: RequestArgs<K>,
      ) => Promise<RequestResult<K>>;
    // Every request of the contract, so a new request needs no line here.
    this.api = Object.fromEntries([
      ...REQUEST_NAMES.map((name) => [name, call(name)] as const),
      ['on', (event: EventName, listener: AnyListener) => this.on(event, listener)],
    ]) as unknown as MonitorApi;
    this.#connect();
  }

  request<K extends RequestName>(method: K, args: RequestArgs<K>): Promise<RequestResult<K>> {
    if (this.#closed) {
      return Promise.reject(
        new MonitorError(ErrorCodes.DISCONNECTED, 'The monitor client has been closed.'),
      );
    }
    const id = this.#nextId++;
    const frame: ClientFrame = { kind: 'request', id, method, args };
    const text = JSON.stringify(frame);
    return new Promise<RequestResult<K>>((resolve, reject) => {
      if (this.#socket?.readyState === OPEN) {
        this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        this.#socket.send(text);
        return;
      }
      if (this.#queue.length >= this.#opts.maxQueued) {
        reject(
          new MonitorError(
            ErrorCodes.DISCONNECTED,
            'The monitor is not connected and too many requests are waiting.',
          ),
        );
        return;
      }
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#queue.push(text);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const l = listener as AnyListener;
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** Stops reconnecting and rejects everything still pending. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.#socket;
    this.#socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      s.close();
    }
    this.#failPending('The monitor client has been closed.');
    this.#opts.onLinkState?.('closed', false);
  }

  #connect(): void {
    this.#opts.onLinkState?.('connecting', false);
    let socket: SocketLike;
    try {
      socket = this.#opts.createSocket(this.#opts.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#backoffMs = this.#opts.initialBackoffMs;
      this.#opens++;
      for (const text of this.#queue.splice(0)) socket.send(text);
      this.#opts.onLinkState?.('open', this.#opens > 1);
    };
    socket.onmessage = (ev) => this.#onMessage(ev.data);
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#failPending('The connection to the monitor closed before it answered.');
      this.#opts.onLinkState?.('closed', false);
      this.#scheduleReconnect();
    };
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#opts.maxBackoffMs);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#closed) this.#connect();
    }, delay);
  }

  #failPending(message: string): void {
    this.#queue.length = 0;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(new MonitorError(ErrorCodes.DISCONNECTED, message));
  }

  #onMessage(data: unknown): void {
    const frame = parseFrame(data);
    if (!frame) return; // Malformed frames are ignored (F9).
    if (frame.kind === 'response' && typeof frame.id === 'number') {
      const p = this.#pending.get(frame.id);
      if (!p) return;
      this.#pending.delete(frame.id);
      const outcome = frame.outcome as Record<string, unknown> | undefined;
      if (outcome?.ok === true) p.resolve(outcome.value);
      else if (outcome && isSerializedError(outcome.error))
        p.reject(deserializeError(outcome.error));
      else p.reject(new MonitorError(ErrorCodes.PROTOCOL, 'The monitor sent a malformed answer.'));
      return;
    }
    if (frame.kind === 'event' && (EVENT_NAMES as readonly unknown[]).includes(frame.event)) {
      const set = this.#listeners.get(frame.event as EventName);
      if (!set) return;
      for (const l of [...set]) {
        try {
          l(frame.payload);
        } catch (err) {
          // One broken listener must not starve the others.
          console.error(err);
        }
      }
    }
  }
}

export interface MonitorConnection {
  api: MonitorApi;
  /** 'preload' in Electron, 'bridge' in the browser shell. */
  kind: 'preload' | 'bridge';
  close(): void;
}

/**
 * Connects to the core the way this page can: the preload's window.monitor or the
 * bridge at this page's host. `onOpen` runs on every (re)connect so callers can
 * rehydrate (F26); with the preload that is once.
 */
export function connectMonitor(hooks: {
  onLinkState: (state: LinkState) => void;
  onOpen: (api: MonitorApi, reconnected: boolean) => void;
}): MonitorConnection {
  const preload = typeof window !== 'undefined' ? window.monitor : undefined;
  if (preload) {
    hooks.onLinkState('open');
    queueMicrotask(() => hooks.onOpen(preload, false));
    return { api: preload, kind: 'preload', close: () => undefined };
  }
  let client: BridgeClient | null = null;
  client = new BridgeClient({
    url: bridgeUrlFromLocation(window.location),
    onLinkState: (state, reconnected) => {
      hooks.onLinkState(state);
      if (state === 'open' && client) hooks.onOpen(client.api, reconnected);
    },
  });
  const c = client;
  return { api: c.api, kind: 'bridge', close: () => c.close() };
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../shared/contract';
import { ErrorCodes, MonitorError } from '../shared/errors';
import {
  BridgeClient,
  bridgeUrlFromLocation,
  type LinkState,
  type SocketLike,
} from './monitor-client';
import { target } from './store/test-samples';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { id: number; method: string; args: unknown }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(frame: ServerFrame | string): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
}

let sockets: FakeSocket[];
let states: [LinkState, boolean][];
let client: BridgeClient;
const last = () => sockets[sockets.length - 1]!;

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  states = [];
  client = new BridgeClient({
    url: 'ws://127.0.0.1:1/bridge?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    initialBackoffMs: 100,
    maxBackoffMs: 400,
    maxQueued: 2,
    onLinkState: (s, r) => states.push([s, r]),
  });
});

afterEach(() => {
  client.close();
  vi.useRealTimers();
});

describe('BridgeClient', () => {
  it('builds the bridge URL from the page address, token optional', () => {
    expect(
      bridgeUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a b' }),
    ).toBe('ws://127.0.0.1:5000/bridge?token=a%20b');
    expect(bridgeUrlFromLocation({ protocol: 'https:', host: 'h:1', search: '' })).toBe(
      'wss://h:1/bridge',
    );
  });

  it('queues requests until open, then matches responses by id', async () => {
    const p = client.api.listTargets({});
    expect(last().sent).toHaveLength(0);
    last().open();
    expect(last().sent[0]).toMatchObject({ kind: 'request', method: 'listTargets', args: {} });
    last().receive({
      kind: 'response',
      id: last().sent[0]!.id,
      outcome: { ok: true, value: [target('a')] },
    });
    await expect(p).resolves.toEqual([target('a')]);
  });

  it('rejects with the serialized error and its code', async () => {
    last().open();
    const p = client.api.attach({ pid: 42 });
    last().receive({
      kind: 'response',
      id: last().sent[0]!.id,
      outcome: { ok: false, error: { code: ErrorCodes.INSPECTOR_CLOSED, message: 'closed' } },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MonitorError);
    expect(err).toMatchObject({ code: 'MONITOR_ERR_INSPECTOR_CLOSED', message: 'closed' });
  });

  it('refuses to queue without bound while disconnected', async () => {
    const a = client.api.listTargets({});
    const b = client.api.listTargets({});
    await expect(client.api.listTargets({})).rejects.toMatchObject({
      code: ErrorCodes.DISCONNECTED,
    });
    last().drop();
    await expect(a).rejects.toMatchObject({ code: ErrorCodes.DISCONNECTED });
    await expect(b).rejects.toMatchObject({ code: ErrorCodes.DISCONNECTED });
  });

  it('on close rejects every pending request at once and reconnects with backoff', async () => {
    last().open();
    const p1 = client.api.listProcesses({});
    const p2 = client.api.startDemo({});
    last().drop();
    await expect(p1).rejects.toMatchObject({ code: ErrorCodes.DISCONNECTED });
    await expect(p2).rejects.toMatchObject({ code: ErrorCodes.DISCONNECTED });
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(states.filter(([s]) => s === 'open')).toEqual([
      ['open', false],
      ['open', true],
    ]);
  });

  it('dispatches known events, ignores malformed frames and unknown events (F9)', () => {
    last().open();
    const got: unknown[] = [];
    const off = client.api.on('samples', (b) => got.push(b.targetId));
    last().receive('not json');
    last().receive({ kind: 'event', event: 'bogus' as 'samples', payload: {} });
    last().receive({ kind: 'response', id: 999, outcome: { ok: true, value: 1 } });
    last().receive({ kind: 'event', event: 'samples', payload: { targetId: 'x', samples: [] } });
    off();
    last().receive({ kind: 'event', event: 'samples', payload: { targetId: 'y', samples: [] } });
    expect(got).toEqual(['x']);
  });

  it('after close() nothing reconnects and requests fail fast', async () => {
    last().open();
    const p = client.api.listTargets({});
    client.close();
    await expect(p).rejects.toMatchObject({ code: ErrorCodes.DISCONNECTED });
    await expect(client.api.listTargets({})).rejects.toMatchObject({
      code: ErrorCodes.DISCONNECTED,
    });
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });
});

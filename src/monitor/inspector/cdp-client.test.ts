import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { CdpClient } from './cdp-client';
import type { Transport } from './transport';

class FakeTransport implements Transport {
  sent: { id: number; method: string; params: unknown }[] = [];
  closed = false;
  failSend = false;
  onmessage?: (message: string) => void;
  onclose?: (reason: string) => void;
  send(message: string): void {
    if (this.failSend) throw new Error('socket is gone');
    this.sent.push(JSON.parse(message) as { id: number; method: string; params: unknown });
  }
  close(): void {
    this.closed = true;
  }
  reply(id: number, result: unknown): void {
    this.onmessage?.(JSON.stringify({ id, result }));
  }
  receive(raw: string): void {
    this.onmessage?.(raw);
  }
}

function setup(timeoutMs = 5_000): { t: FakeTransport; c: CdpClient } {
  const t = new FakeTransport();
  return { t, c: new CdpClient(t, timeoutMs) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(MonitorError);
    return (err as MonitorError).code;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('CdpClient', () => {
  it('routes each result to its call by id, whatever the order of answers', async () => {
    const { t, c } = setup();
    const a = c.send('Runtime.evaluate', { expression: '1' });
    const b = c.send('Runtime.getHeapUsage');
    expect(t.sent.map((m) => m.method)).toEqual(['Runtime.evaluate', 'Runtime.getHeapUsage']);
    expect(t.sent[0]!.params).toEqual({ expression: '1' });
    expect(t.sent[1]!.params).toEqual({});
    t.reply(t.sent[1]!.id, { usedSize: 10, totalSize: 20 });
    t.reply(t.sent[0]!.id, { result: { type: 'number', value: 1 } });
    await expect(b).resolves.toEqual({ usedSize: 10, totalSize: 20 });
    await expect(a).resolves.toEqual({ result: { type: 'number', value: 1 } });
    expect(c.pendingCount).toBe(0);
  });

  it('rejects a call that gets no answer with TIMEOUT and ignores a late answer', async () => {
    vi.useFakeTimers();
    const { t, c } = setup(1_000);
    const p = c.send('Runtime.getHeapUsage');
    const other = c.send('Runtime.evaluate', { expression: '2' }, { timeoutMs: 0 });
    const code = codeOf(p);
    vi.advanceTimersByTime(1_000);
    expect(await code).toBe(ErrorCodes.TIMEOUT);
    expect(c.pendingCount).toBe(1); // timeoutMs 0 never times out
    t.reply(t.sent[0]!.id, { usedSize: 1, totalSize: 2 }); // late: ignored, no throw
    t.reply(t.sent[1]!.id, { result: { type: 'number', value: 2 } });
    await expect(other).resolves.toEqual({ result: { type: 'number', value: 2 } });
  });

  it('rejects every pending call at once with TARGET_CLOSED when the socket closes', async () => {
    const { t, c } = setup();
    const calls = [
      c.send('Runtime.getHeapUsage'),
      c.send('Runtime.enable'),
      c.send('HeapProfiler.collectGarbage'),
    ];
    const codes = Promise.all(calls.map(codeOf));
    t.onclose?.('socket closed (code 1006)');
    expect(await codes).toEqual([
      ErrorCodes.TARGET_CLOSED,
      ErrorCodes.TARGET_CLOSED,
      ErrorCodes.TARGET_CLOSED,
    ]);
    expect(c.closed).toBe(true);
    expect(c.pendingCount).toBe(0);
  });

  it('sends nothing after close and rejects new calls with TARGET_CLOSED', async () => {
    const { t, c } = setup();
    const reasons: string[] = [];
    c.onClose((r) => reasons.push(r));
    c.close();
    expect(t.closed).toBe(true);
    expect(await codeOf(c.send('Runtime.getHeapUsage'))).toBe(ErrorCodes.TARGET_CLOSED);
    expect(t.sent).toEqual([]);
    expect(reasons).toEqual(['closed by the dashboard']);
    c.close(); // idempotent
    expect(reasons).toHaveLength(1);
  });

  it('tells a late onClose listener that the client is already closed', async () => {
    const { t, c } = setup();
    t.onclose?.('gone');
    const reason = await new Promise<string>((resolve) => c.onClose(resolve));
    expect(reason).toBe('gone');
  });

  it('rejects with TARGET_CLOSED when the transport throws on send', async () => {
    const { t, c } = setup();
    t.failSend = true;
    expect(await codeOf(c.send('Runtime.getHeapUsage'))).toBe(ErrorCodes.TARGET_CLOSED);
    expect(c.pendingCount).toBe(0);
  });

  it('turns a protocol error into PROTOCOL with the target message', async () => {
    const { t, c } = setup();
    const p = c.send('HeapProfiler.collectGarbage');
    t.receive(
      JSON.stringify({
        id: t.sent[0]!.id,
        error: { code: -32601, message: "'HeapProfiler.collectGarbage' wasn't found" },
      }),
    );
    await expect(p).rejects.toMatchObject({
      code: ErrorCodes.PROTOCOL,
      message: expect.stringContaining("wasn't found"),
    });
  });

  it('ignores malformed frames and unknown events, and still routes what follows', async () => {
    const { t, c } = setup();
    const seen: unknown[] = [];
    c.on('Runtime.consoleAPICalled', (p) => seen.push(p.type));
    const p = c.send('Runtime.getHeapUsage');
    for (const junk of [
      'not json',
      '[]',
      'null',
      '42',
      '{"id":"1"}',
      '{"id":99999,"result":{}}',
      '{"method":"Made.up","params":{}}',
      '{"method":7}',
    ]) {
      t.receive(junk);
    }
    t.receive(
      JSON.stringify({ method: 'Runtime.consoleAPICalled', params: { type: 'log', args: [] } }),
    );
    t.reply(t.sent[0]!.id, { usedSize: 3, totalSize: 4 });
    await expect(p).resolves.toEqual({ usedSize: 3, totalSize: 4 });
    expect(seen).toEqual(['log']);
  });

  it('keeps delivering events when one listener throws, and unsubscribes', () => {
    const { t, c } = setup();
    const seen: string[] = [];
    c.on('Runtime.executionContextDestroyed', () => {
      throw new Error('listener bug');
    });
    const off = c.on('Runtime.executionContextDestroyed', () => seen.push('second'));
    const frame = JSON.stringify({
      method: 'Runtime.executionContextDestroyed',
      params: { executionContextId: 1 },
    });
    t.receive(frame);
    off();
    t.receive(frame);
    expect(seen).toEqual(['second']);
  });
});

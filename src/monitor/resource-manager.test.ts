// The core service with the connection seam faked: batching (F27), status events and
// ownership, without real processes (those are in test/integration).
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../shared/errors';
import type { SampleBatch, TargetInfo } from '../shared/model';
import { CdpClient } from './inspector/cdp-client';
import type { ConnectedTarget } from './inspector/connect';
import type { Transport } from './inspector/transport';
import { ResourceManager } from './resource-manager';

/** A target that answers the probe's evaluates like a healthy Node process. */
function fakeTarget(opts: { paused?: boolean } = {}) {
  const sent: string[] = [];
  let closed = false;
  const transport: Transport = {
    send(message) {
      const { id, params } = JSON.parse(message) as {
        id: number;
        params: { expression: string };
      };
      sent.push(params.expression);
      // The install source mentions read() and uninstall() too: test it first.
      const value = params.expression.includes('replaced')
        ? { nodeVersion: 'v20.0.0', replaced: false }
        : params.expression.includes('.read()')
          ? { heapUsedBytes: 1e6, gc: null, activeResources: {}, eventLoopUtilization: 0.1 }
          : true;
      queueMicrotask(() =>
        transport.onmessage?.(JSON.stringify({ id, result: { result: { value } } })),
      );
    },
    close() {
      closed = true;
      queueMicrotask(() => transport.onclose?.('closed'));
    },
  };
  const client = new CdpClient(transport);
  const connected: ConnectedTarget = {
    client,
    pid: null,
    port: 9229,
    inspectorId: 'x',
    bindAddress: '127.0.0.1',
    title: 'fake.js',
    command: 'node fake.js',
    warnings: [],
    paused: opts.paused ?? false,
  };
  return { connected, sent, isClosed: () => closed, transport };
}

const managers: ResourceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.dispose()));
});

describe('ResourceManager (fake target)', () => {
  it('coalesces samples into batches (F27)', async () => {
    const fake = fakeTarget();
    const m = new ResourceManager({ connect: async () => fake.connected, batchIntervalMs: 300 });
    managers.push(m);
    const batches: Array<SampleBatch & { atMs: number }> = [];
    m.on('samples', (b) => batches.push({ ...b, atMs: Date.now() }));
    const t = await m.attach({ port: 9229, intervalMs: 100 });
    expect(t.status).toBe('attached');
    expect(t.nodeVersion).toBe('v20.0.0');
    await new Promise((r) => setTimeout(r, 1000));
    const samples = batches.reduce((n, b) => n + b.samples.length, 0);
    expect(samples).toBeGreaterThan(batches.length); // several samples per push
    expect(batches.every((b) => b.targetId === t.id)).toBe(true);
    const h = await m.getHistory({ targetId: t.id });
    expect(h.length).toBeGreaterThanOrEqual(samples);
    expect(h[0]!.heapUsedBytes).toBe(1e6);
  });

  it('detach uninstalls the probe, closes the socket and keeps history', async () => {
    const fake = fakeTarget();
    const m = new ResourceManager({ connect: async () => fake.connected });
    managers.push(m);
    const lists: TargetInfo[][] = [];
    m.on('targets', (l) => lists.push(l));
    const t = await m.attach({ port: 9229, intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 250));
    const d = await m.detach({ targetId: t.id });
    expect(d).toMatchObject({ status: 'detached', detachReason: 'Detached by the user.' });
    expect(fake.sent.some((e) => e.includes('uninstall()'))).toBe(true);
    expect(fake.isClosed()).toBe(true);
    expect((await m.getHistory({ targetId: t.id })).length).toBeGreaterThan(0);
    expect(lists.at(-1)![0]!.status).toBe('detached');
    // Detaching twice is harmless.
    expect((await m.detach({ targetId: t.id })).status).toBe('detached');
  });

  it('a paused target gets no probe and status paused', async () => {
    const fake = fakeTarget({ paused: true });
    const m = new ResourceManager({ connect: async () => fake.connected });
    managers.push(m);
    const t = await m.attach({ port: 9229 });
    expect(t.status).toBe('paused');
    expect(fake.sent).toEqual([]); // nothing evaluated in a paused target
  });

  it('a socket lost mid-sampling marks the target detached', async () => {
    const fake = fakeTarget();
    const m = new ResourceManager({ connect: async () => fake.connected });
    managers.push(m);
    const t = await m.attach({ port: 9229, intervalMs: 100 });
    fake.transport.onclose?.('socket hang up');
    await new Promise((r) => setTimeout(r, 50));
    const [info] = await m.listTargets({});
    expect(info!.status).toBe('detached');
    expect(info!.detachReason).toMatch(/socket hang up/);
    await expect(m.setSampleInterval({ targetId: t.id, intervalMs: 200 })).rejects.toMatchObject({
      code: ErrorCodes.NOT_ATTACHED,
    });
  });
});

// Riders on the sampling probe's read, in a real target: each rider's expression runs
// in the one Runtime.evaluate of the read, a rider that throws degrades only itself,
// one that sits a read out is not evaluated, and unsubscribing stops it.
import { afterAll, describe, expect, it } from 'vitest';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { Probe } from '../../src/monitor/sampling/probe';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

afterAll(stopAllFixtures);

describe('probe riders', () => {
  it('ride on one evaluate per read; a throwing rider costs neither the sample nor the others', async () => {
    const f = await startFixture('idle.js');
    const client = new CdpClient(await connectWebSocket(f.wsUrl!));
    try {
      const probe = new Probe(client);
      await probe.install();
      let evaluates = 0;
      const send = client.send.bind(client);
      client.send = ((method: string, ...rest: unknown[]) => {
        if (method === 'Runtime.evaluate') evaluates++;
        return (send as (...a: unknown[]) => unknown)(method, ...rest);
      }) as typeof client.send;

      const got: Record<string, unknown[]> = { pid: [], boom: [], skip: [] };
      const errors: string[] = [];
      const stopPid = probe.ride({
        key: 'pid',
        expression: () => 'process.pid',
        onValue: (v) => got.pid!.push(v),
      });
      probe.ride({
        key: 'boom',
        expression: () => '(() => { throw new Error("rider failed"); })()',
        onValue: (v) => got.boom!.push(v),
        onError: (m) => errors.push(m),
      });
      probe.ride({ key: 'skip', expression: () => null, onValue: (v) => got.skip!.push(v) });

      const reading = await probe.read(10_000);
      expect(evaluates).toBe(1);
      expect(reading?.heapUsedBytes).toBeGreaterThan(0);
      expect(got.pid).toEqual([f.pid]);
      expect(got.boom).toEqual([]);
      expect(errors).toEqual(['rider failed']);
      expect(got.skip).toEqual([]);

      stopPid();
      await probe.read(10_000);
      expect(evaluates).toBe(2);
      expect(got.pid).toEqual([f.pid]);
      await probe.uninstall();
    } finally {
      client.close();
    }
  });
});

// The GC gate: forced GCs of one target never overlap (each reads its own before and
// after), run in the order asked, and a failed one does not block the next.
import { describe, expect, it } from 'vitest';
import { GcGate } from './gc-gate';

function fakeTarget() {
  const log: string[] = [];
  let heap = 100;
  let fail = false;
  const client = {
    async send(method: string) {
      log.push(method);
      await new Promise((r) => setTimeout(r, 2));
      if (method === 'HeapProfiler.collectGarbage') {
        if (fail) {
          fail = false;
          throw new Error('target went away');
        }
        heap -= 10;
        return {};
      }
      return { usedSize: heap, totalSize: 0 };
    },
  };
  return { client, log, failNext: () => (fail = true) };
}

describe('GcGate', () => {
  it('runs GCs one at a time, in order, each with its own before and after', async () => {
    const t = fakeTarget();
    const gate = new GcGate(t.client as never, () => 0);
    const started: number[] = [];
    const runs = [1, 2, 3].map((n) => gate.run({ onStart: () => started.push(n) }));
    expect(gate.busy).toBe(true);
    const results = await Promise.all(runs);
    expect(started).toEqual([1, 2, 3]);
    expect(results.map((r) => [r.beforeBytes, r.afterBytes])).toEqual([
      [100, 90],
      [90, 80],
      [80, 70],
    ]);
    // Never interleaved: heap, GC, heap for each run in turn.
    expect(t.log).toEqual(
      Array(3)
        .fill(['Runtime.getHeapUsage', 'HeapProfiler.collectGarbage', 'Runtime.getHeapUsage'])
        .flat(),
    );
    expect(gate.busy).toBe(false);
  });

  it('a failed GC rejects its caller only; the next one runs', async () => {
    const t = fakeTarget();
    const gate = new GcGate(t.client as never, () => 0);
    t.failNext();
    const a = gate.run();
    const b = gate.run();
    await expect(a).rejects.toThrow('target went away');
    await expect(b).resolves.toMatchObject({ beforeBytes: 100, afterBytes: 90 });
    expect(gate.busy).toBe(false);
  });
});

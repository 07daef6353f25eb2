// The discovery pass's CDP steps with a fake client: what it sends and in which order,
// the heap-size gate, the object group released whatever happens, the pause noted as
// ours, passes that overlap, and a dispose that undoes the install and sends nothing after.
import { describe, expect, it } from 'vitest';
import { PoolDiscovery, type DiscoveryClient } from './discovery';

type Reply = (params: Record<string, unknown>) => unknown;

function fakeClient(heapUsed: number, overrides: Record<string, Reply> = {}) {
  const sent: string[] = [];
  const replies: Record<string, Reply> = {
    'Runtime.getHeapUsage': () => ({ usedSize: heapUsed, totalSize: heapUsed * 2 }),
    'Runtime.evaluate': (p) =>
      p.returnByValue
        ? { result: { type: 'object', value: { discovered: 2, hooked: ['http', 'pg'] } } }
        : { result: { type: 'object', objectId: 'proto-1' } },
    'Runtime.queryObjects': () => ({ objects: { type: 'object', objectId: 'array-1' } }),
    'Runtime.callFunctionOn': () => ({
      result: { type: 'object', value: { discovered: 5, hooked: ['http', 'undici'] } },
    }),
    'Runtime.releaseObjectGroup': () => ({}),
    ...overrides,
  };
  const client = {
    closed: false,
    send: async (method: string, params?: Record<string, unknown>) => {
      const expr = typeof params?.expression === 'string' ? params.expression : '';
      sent.push(
        method === 'Runtime.evaluate' && expr.includes('uninstall(') && !expr.includes('const MAX_')
          ? 'uninstall'
          : method,
      );
      await Promise.resolve();
      return replies[method]!(params ?? {});
    },
  };
  return { client: client as unknown as DiscoveryClient & { closed: boolean }, sent };
}

describe('PoolDiscovery', () => {
  it('small heap: install, one heap search, classify, release the group; noted as our pause', async () => {
    const { client, sent } = fakeClient(10 * 1024 * 1024);
    const noted: string[] = [];
    const d = new PoolDiscovery(client, 't1', {
      pauses: () => ({
        during: async (kind, fn) => {
          noted.push(`${kind}:start`);
          try {
            return await fn();
          } finally {
            noted.push(`${kind}:end`);
          }
        },
      }),
    });
    const r = await d.run('auto');
    expect(sent).toEqual([
      'Runtime.getHeapUsage',
      'Runtime.evaluate',
      'Runtime.queryObjects',
      'Runtime.callFunctionOn',
      'Runtime.releaseObjectGroup',
    ]);
    expect(r).toMatchObject({
      targetId: 't1',
      heapSearched: true,
      discovered: 5,
      hooked: ['http', 'undici'],
      heapUsedBytes: 10 * 1024 * 1024,
    });
    expect(r.warning).toBeUndefined();
    expect(noted).toEqual(['gc:start', 'gc:end']);
    expect(d.last).toBe(r);
  });

  it('big heap: attach installs the hooks only and says why; a rescan searches', async () => {
    const { client, sent } = fakeClient(2 * 1024 * 1024 * 1024);
    const d = new PoolDiscovery(client, 't1');
    const r = await d.run('auto');
    expect(sent).toEqual(['Runtime.getHeapUsage', 'Runtime.evaluate']);
    expect(r).toMatchObject({ heapSearched: false, heapSearchMs: null, discovered: 2 });
    expect(r.warning).toMatch(/2048 MB.*not searched at attach.*rescan/);
    sent.length = 0;
    expect((await d.run('always')).heapSearched).toBe(true);
    expect(sent).toContain('Runtime.queryObjects');
  });

  it('a failed search still releases its object group, and reports instead of throwing', async () => {
    const { client, sent } = fakeClient(1024, {
      'Runtime.callFunctionOn': () => {
        throw new Error('Runtime.callFunctionOn got no answer within 5000 ms.');
      },
    });
    const r = await new PoolDiscovery(client, 't1').run('always');
    expect(r.warning).toMatch(/^Pool discovery failed: .*no answer/);
    expect(sent.at(-1)).toBe('Runtime.releaseObjectGroup');
  });

  it('a pass asked for while one runs shares it (and searches again only if it must)', async () => {
    const { client, sent } = fakeClient(2 * 1024 * 1024 * 1024);
    const d = new PoolDiscovery(client, 't1');
    const [a, b] = await Promise.all([d.run('auto'), d.run('auto')]);
    expect(a).toBe(b);
    expect(sent.filter((m) => m === 'Runtime.getHeapUsage')).toHaveLength(1);
    const [c, e] = await Promise.all([d.run('auto'), d.run('always')]);
    expect(c.heapSearched).toBe(false);
    expect(e.heapSearched).toBe(true);
  });

  it('dispose undoes an install, sends nothing after it, and nothing at all if none was sent', async () => {
    const none = fakeClient(1024);
    await new PoolDiscovery(none.client, 't1').dispose();
    expect(none.sent).toEqual([]);

    const { client, sent } = fakeClient(1024);
    const d = new PoolDiscovery(client, 't1');
    await d.run('auto');
    await d.dispose();
    expect(sent.at(-1)).toBe('uninstall');
    sent.length = 0;
    expect((await d.run('always')).warning).toMatch(/session ended/);
    await d.dispose();
    expect(sent).toEqual([]);

    // A dispose while the pass waits for the heap size: the pass stops before installing.
    const slow = fakeClient(1024);
    const d2 = new PoolDiscovery(slow.client, 't1');
    const pass = d2.run('auto');
    await d2.dispose();
    expect((await pass).warning).toMatch(/session ended/);
    expect(slow.sent).toEqual(['Runtime.getHeapUsage']);
  });

  it('over a closed socket there is nothing to undo', async () => {
    const { client, sent } = fakeClient(1024);
    const d = new PoolDiscovery(client, 't1');
    await d.run('auto');
    client.closed = true;
    sent.length = 0;
    await d.dispose();
    expect(sent).toEqual([]);
  });
});

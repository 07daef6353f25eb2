import { describe, expect, it } from 'vitest';
import { detectKind, readPool, releaseIdle } from '../agent/adapters';
import {
  ObjectPool,
  ObjectPoolFullError,
  ObjectPoolTimeoutError,
  type ObjectPoolOptions,
} from './object-pool';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

type Item = { bytes: Uint8Array };

function bufferPool(extra: Partial<ObjectPoolOptions<Item>> = {}) {
  const destroyed: object[] = [];
  const pool = new ObjectPool<Item>({
    create: () => ({ bytes: new Uint8Array(16) }),
    destroy: (item) => {
      destroyed.push(item);
    },
    reset: (item) => item.bytes.fill(0),
    max: 2,
    ...extra,
  });
  return { pool, destroyed };
}

describe('ObjectPool', () => {
  it('reuses returned objects and counts created, borrowed, returned, efficiency', async () => {
    const { pool } = bufferPool();
    expect(pool.stats().efficiency).toBeNull();
    const a = await pool.acquire();
    a.bytes[0] = 7;
    pool.release(a);
    const again = await pool.acquire();
    expect(again).toBe(a);
    expect(again.bytes[0]).toBe(0); // reset on release
    expect(pool.stats()).toMatchObject({
      size: 1,
      inUse: 1,
      idle: 0,
      created: 1,
      borrowed: 2,
      returned: 1,
      efficiency: 0.5,
    });
    pool.release(again);
    expect(pool.stats().efficiency).toBe(1);
    await pool.drain();
  });

  it('a waiter gets the next returned object; past the timeout it fails with a typed error', async () => {
    const { pool } = bufferPool({ acquireTimeoutMs: 50 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const waiter = pool.acquire();
    expect(pool.stats().waiting).toBe(1);
    pool.release(a);
    expect(await waiter).toBe(a);
    const late = pool.acquire();
    await sleep(5);
    expect(pool.stats().oldestWaitMs).toBeGreaterThanOrEqual(0);
    await expect(late).rejects.toBeInstanceOf(ObjectPoolTimeoutError);
    expect(pool.stats()).toMatchObject({ waiting: 0, oldestWaitMs: null });
    pool.release(a);
    pool.release(b);
    await pool.drain();
  });

  it('refuses waiters beyond maxWaiting at once', async () => {
    const { pool } = bufferPool({ max: 1, maxWaiting: 1 });
    const a = await pool.acquire();
    const first = pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ObjectPoolFullError);
    pool.release(a);
    pool.release(await first);
    await pool.drain();
  });

  it('evicts idle objects after idleTimeoutMs, down to min', async () => {
    const { pool, destroyed } = bufferPool({
      max: 3,
      min: 1,
      idleTimeoutMs: 30,
      evictionIntervalMs: 20,
    });
    const items = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const i of items) pool.release(i);
    expect(pool.stats().idle).toBe(3);
    for (let i = 0; i < 100 && pool.stats().size > 1; i++) await sleep(20);
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, destroyed: 2 });
    expect(destroyed).toHaveLength(2);
    await pool.drain();
  });

  it('release of a foreign object throws and is not counted', async () => {
    const { pool } = bufferPool();
    expect(() => pool.release({ bytes: new Uint8Array(1) })).toThrow(/did not lend/);
    expect(pool.stats().returned).toBe(0);
    await pool.drain();
  });

  it('validates max and min', () => {
    expect(() => new ObjectPool({ create: () => ({}), max: 0 })).toThrow(RangeError);
    expect(() => new ObjectPool({ create: () => ({}), max: 2, min: 3 })).toThrow(RangeError);
  });

  it('is read by the agent through the POOL_STATS protocol and releases idle objects', async () => {
    const { pool } = bufferPool({ max: 4 });
    const items = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    pool.release(items[0]!);
    pool.release(items[1]!);
    expect(detectKind(pool)).toBe('object-pool');
    expect(readPool('scratch', pool, 'object-pool', { maxOrigins: 4 })).toMatchObject({
      kind: 'object-pool',
      size: 3,
      max: 4,
      inUse: 1,
      idle: 2,
      borrowed: 3,
      returned: 2,
      efficiency: 2 / 3,
      canReleaseIdle: true,
    });
    expect(await releaseIdle('object-pool', pool)).toEqual({ released: 2 });
    expect(pool.stats()).toMatchObject({ size: 1, idle: 0, destroyed: 2 });
    pool.release(items[2]!);
    await pool.drain();
  });
});

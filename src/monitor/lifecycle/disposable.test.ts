import { describe, expect, it, vi } from 'vitest';
import { DisposableStore, disposalStats, toDisposable } from './disposable';

describe('DisposableStore', () => {
  it('disposes in reverse order, once, and counts outcomes', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.addFn(() => void order.push('a'));
    store.addFn(async () => {
      await Promise.resolve();
      order.push('b');
    });
    store.addFn(() => {
      order.push('c');
      throw new Error('boom');
    });
    const before = disposalStats();
    await Promise.all([store.dispose(), store.dispose()]);
    expect(order).toEqual(['c', 'b', 'a']);
    expect(store.stats).toEqual({ succeeded: 2, failed: 1 });
    expect(store.errors).toHaveLength(1);
    expect(store.size).toBe(0);
    const after = disposalStats();
    expect(after.succeeded - before.succeeded).toBe(2);
    expect(after.failed - before.failed).toBe(1);
    await store.dispose();
    expect(order).toHaveLength(3);
  });

  it('disposes items added after disposal immediately', async () => {
    const store = new DisposableStore();
    await store.dispose();
    const fn = vi.fn();
    store.addFn(fn);
    await Promise.resolve();
    expect(fn).toHaveBeenCalledOnce();
    expect(store.size).toBe(0);
  });

  it('delete() releases one item early and forgets it', async () => {
    const store = new DisposableStore();
    const fn = vi.fn();
    const d = store.addFn(fn);
    await store.delete(d);
    expect(fn).toHaveBeenCalledOnce();
    await store.dispose();
    expect(fn).toHaveBeenCalledOnce();
  });

  it('toDisposable runs its function only once', () => {
    const fn = vi.fn();
    const d = toDisposable(fn);
    void d.dispose();
    void d.dispose();
    expect(fn).toHaveBeenCalledOnce();
  });
});

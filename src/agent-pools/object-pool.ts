// An object pool with the seed's MemoryPool semantics (acquire/release, max size,
// waiters with a timeout, idle eviction, efficiency = returned / borrowed) built on
// generic-pool, which does the pooling. It lives outside src/agent because the agent
// stays dependency-free; it publishes its figures through the agent's POOL_STATS
// protocol, so `trackPool(name, objectPool)` just works.
import genericPool from 'generic-pool';
import { releaseGenericPoolIdle } from '../agent/adapters';
import type { Pool } from 'generic-pool';
import {
  POOL_INNER,
  POOL_RELEASE_IDLE,
  POOL_STATS,
  type CustomPool,
  type CustomPoolStats,
} from '../agent/types';

export interface ObjectPoolOptions<T> {
  create: () => T | Promise<T>;
  destroy?: (item: T) => void | Promise<void>;
  /** Called on release, before the item is offered again (clear buffers, reset state). */
  reset?: (item: T) => void;
  max: number;
  min?: number;
  /** A waiter gives up after this long (ObjectPoolTimeoutError). 0 = wait forever. */
  acquireTimeoutMs?: number;
  /** At most this many waiters; the next acquire fails at once. Default: unbounded. */
  maxWaiting?: number;
  /** Idle items older than this are destroyed (down to min). 0 = never. */
  idleTimeoutMs?: number;
  /** How often idle eviction runs; default min(idleTimeoutMs, 30 s). */
  evictionIntervalMs?: number;
}

export interface ObjectPoolStats extends CustomPoolStats {
  kind: 'object-pool';
  created: number;
  destroyed: number;
  borrowed: number;
  returned: number;
  /** returned / borrowed; null before the first borrow. */
  efficiency: number | null;
}

export class ObjectPoolTimeoutError extends Error {
  readonly code = 'OBJECT_POOL_TIMEOUT';
  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`No pooled object became free within ${timeoutMs} ms.`, options);
    this.name = 'ObjectPoolTimeoutError';
  }
}

export class ObjectPoolFullError extends Error {
  readonly code = 'OBJECT_POOL_QUEUE_FULL';
  constructor(maxWaiting: number, options?: { cause?: unknown }) {
    super(`Too many callers waiting for a pooled object (limit ${maxWaiting}).`, options);
    this.name = 'ObjectPoolFullError';
  }
}

export class ObjectPool<T extends object> implements CustomPool {
  readonly #pool: Pool<T>;
  readonly #options: ObjectPoolOptions<T>;
  /** Start times of pending acquires, for the age of the oldest waiter. */
  readonly #waitStarts = new Set<{ startMs: number }>();
  #created = 0;
  #destroyed = 0;
  #borrowed = 0;
  #returned = 0;

  constructor(options: ObjectPoolOptions<T>) {
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new RangeError('ObjectPool: max must be an integer >= 1');
    }
    const min = options.min ?? 0;
    if (!Number.isInteger(min) || min < 0 || min > options.max) {
      throw new RangeError('ObjectPool: min must be an integer between 0 and max');
    }
    this.#options = options;
    const idleTimeoutMs = options.idleTimeoutMs ?? 0;
    this.#pool = genericPool.createPool<T>(
      {
        create: async () => {
          const item = await options.create();
          this.#created++;
          return item;
        },
        destroy: async (item) => {
          this.#destroyed++;
          await options.destroy?.(item);
        },
      },
      {
        max: options.max,
        min,
        ...(options.acquireTimeoutMs ? { acquireTimeoutMillis: options.acquireTimeoutMs } : {}),
        ...(options.maxWaiting !== undefined ? { maxWaitingClients: options.maxWaiting } : {}),
        ...(idleTimeoutMs > 0
          ? {
              // The soft timeout keeps min idle objects; the hard one would evict them
              // too and recreate them at once.
              softIdleTimeoutMillis: idleTimeoutMs,
              idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
              evictionRunIntervalMillis:
                options.evictionIntervalMs ?? Math.min(idleTimeoutMs, 30_000),
              numTestsPerEvictionRun: options.max,
            }
          : {}),
      },
    );
  }

  async acquire(): Promise<T> {
    const waiter = { startMs: Date.now() };
    this.#waitStarts.add(waiter);
    try {
      const item = await this.#pool.acquire();
      this.#borrowed++;
      return item;
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      const message = err instanceof Error ? err.message : '';
      if (name === 'TimeoutError') {
        throw new ObjectPoolTimeoutError(this.#options.acquireTimeoutMs ?? 0, { cause: err });
      }
      if (/max waitingClients/i.test(message)) {
        throw new ObjectPoolFullError(this.#options.maxWaiting ?? 0, { cause: err });
      }
      throw err;
    } finally {
      this.#waitStarts.delete(waiter);
    }
  }

  release(item: T): void {
    this.#options.reset?.(item);
    // generic-pool rejects (async) an item it did not lend; count only real returns.
    if (!this.#pool.isBorrowedResource(item)) {
      throw new Error('ObjectPool: release() of an object this pool did not lend');
    }
    this.#returned++;
    void this.#pool.release(item);
  }

  /** Acquire, run, always release. */
  async use<R>(fn: (item: T) => R | Promise<R>): Promise<R> {
    const item = await this.acquire();
    try {
      return await fn(item);
    } finally {
      this.release(item);
    }
  }

  stats(): ObjectPoolStats {
    const p = this.#pool;
    let oldest = Infinity;
    for (const w of this.#waitStarts) oldest = Math.min(oldest, w.startMs);
    return {
      kind: 'object-pool',
      size: p.size,
      max: p.max,
      min: p.min,
      inUse: p.borrowed,
      idle: p.available,
      waiting: p.pending,
      created: this.#created,
      destroyed: this.#destroyed,
      borrowed: this.#borrowed,
      returned: this.#returned,
      efficiency: this.#borrowed === 0 ? null : this.#returned / this.#borrowed,
      oldestWaitMs: oldest === Infinity ? null : Math.max(0, Date.now() - oldest),
    };
  }

  /** Destroys every idle object now (the pool refills to min); resolves to how many. */
  releaseIdle(): Promise<number> {
    return releaseGenericPoolIdle(this.#pool as unknown as Record<PropertyKey, unknown>);
  }

  /** Waits for borrowed objects to come back, then destroys everything. */
  async drain(): Promise<void> {
    await this.#pool.drain();
    await this.#pool.clear();
  }

  [POOL_STATS](): ObjectPoolStats {
    return this.stats();
  }

  [POOL_RELEASE_IDLE](): Promise<number> {
    return this.releaseIdle();
  }

  /** The generic-pool inside: the dashboard shows this object pool, not it as well. */
  [POOL_INNER](): readonly object[] {
    return [this.#pool];
  }
}

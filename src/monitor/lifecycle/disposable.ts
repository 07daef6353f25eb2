// Ownership of resources, VS Code style: everything a session creates (socket, timer,
// listener, injected probe) is registered with a store and released by one dispose().
// Disposal may be async (uninstalling a probe is a CDP round trip) and may fail; the
// store never stops half way, and it counts outcomes for the cleanup success rate.

export interface Disposable {
  dispose(): void | Promise<void>;
}

export interface DisposalStats {
  succeeded: number;
  failed: number;
}

/** Process-wide counts across all stores, for the "cleanup success" KPI. */
const globalStats: DisposalStats = { succeeded: 0, failed: 0 };

export function disposalStats(): DisposalStats {
  return { ...globalStats };
}

export function toDisposable(fn: () => void | Promise<void>): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      return fn();
    },
  };
}

export class DisposableStore implements Disposable {
  readonly #items: Disposable[] = [];
  #disposed = false;
  #disposing: Promise<void> | null = null;
  readonly #stats: DisposalStats = { succeeded: 0, failed: 0 };
  readonly #errors: unknown[] = [];

  get isDisposed(): boolean {
    return this.#disposed;
  }

  get size(): number {
    return this.#items.length;
  }

  get stats(): DisposalStats {
    return { ...this.#stats };
  }

  /** Errors thrown by disposables so far (kept, never rethrown: cleanup must finish). */
  get errors(): readonly unknown[] {
    return this.#errors;
  }

  /** Registers a disposable; if the store is already disposed it is released at once. */
  add<T extends Disposable>(item: T): T {
    if (this.#disposed) {
      void this.#disposeOne(item);
      return item;
    }
    this.#items.push(item);
    return item;
  }

  addFn(fn: () => void | Promise<void>): Disposable {
    return this.add(toDisposable(fn));
  }

  /** Releases one item early and forgets it. */
  async delete(item: Disposable): Promise<void> {
    const i = this.#items.indexOf(item);
    if (i >= 0) this.#items.splice(i, 1);
    await this.#disposeOne(item);
  }

  /** Releases everything in reverse order of registration. Idempotent. */
  dispose(): Promise<void> {
    if (this.#disposing) return this.#disposing;
    this.#disposed = true;
    this.#disposing = (async () => {
      while (this.#items.length > 0) {
        const item = this.#items.pop() as Disposable;
        await this.#disposeOne(item);
      }
    })();
    return this.#disposing;
  }

  async #disposeOne(item: Disposable): Promise<void> {
    try {
      await item.dispose();
      this.#stats.succeeded++;
      globalStats.succeeded++;
    } catch (err) {
      this.#stats.failed++;
      globalStats.failed++;
      this.#errors.push(err);
    }
  }
}

/** A repeating timer owned as a disposable. */
export function disposableInterval(fn: () => void, intervalMs: number): Disposable {
  const timer = setInterval(fn, intervalMs);
  return toDisposable(() => clearInterval(timer));
}

export function disposableTimeout(fn: () => void, delayMs: number): Disposable {
  const timer = setTimeout(fn, delayMs);
  return toDisposable(() => clearTimeout(timer));
}

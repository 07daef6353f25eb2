// The heap right after each major GC, recorded in the target by a GC PerformanceObserver
// (its callback runs just after the collection, so the heap it reads is the post-GC
// heap plus a few allocations) and drained every few seconds by an expression that
// rides on the sampling probe's read (POST_GC_DRAIN_SOURCE). Cheaper and closer than a
// sample whose interval merely contained a major GC. Installed under a Symbol.for key,
// replaced on re-attach, removed on detach (F13). No require: getBuiltinModule.
import type { CdpClient } from '../inspector/cdp-client';
import type { Point } from './trend';

export const POST_GC_KEY = 'resdash.postgc.v1';
/** Points kept in the target between drains. */
const CAP = 200;

export const POST_GC_INSTALL_SOURCE = `(() => {
  const KEY = Symbol.for(${JSON.stringify(POST_GC_KEY)});
  const g = globalThis;
  if (g[KEY]) { try { g[KEY].uninstall(); } catch {} }
  const ph = process.getBuiltinModule('node:perf_hooks');
  const v8 = process.getBuiltinModule('node:v8');
  const MAJOR = ph.constants.NODE_PERFORMANCE_GC_MAJOR;
  const points = [];
  const obs = new ph.PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e.detail ? e.detail.kind : e.kind) !== MAJOR) continue;
      points.push([Date.now(), v8.getHeapStatistics().used_heap_size]);
      if (points.length > ${CAP}) points.shift();
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const api = {
    drain: () => points.splice(0, points.length),
    uninstall: () => { obs.disconnect(); points.length = 0; if (g[KEY] === api) delete g[KEY]; return true; },
  };
  Object.defineProperty(g, KEY, { value: api, configurable: true, enumerable: false, writable: true });
  return true;
})()`;

export const POST_GC_DRAIN_SOURCE = `(() => { const p = globalThis[Symbol.for(${JSON.stringify(POST_GC_KEY)})]; return p ? p.drain() : null; })()`;
const UNINSTALL_SOURCE = `(() => { const p = globalThis[Symbol.for(${JSON.stringify(POST_GC_KEY)})]; return p ? p.uninstall() : false; })()`;
export const POST_GC_PRESENT_SOURCE = `Symbol.for(${JSON.stringify(POST_GC_KEY)}) in globalThis`;

type Client = Pick<CdpClient, 'send' | 'closed'>;

/** Validates what the target sent (F9): [[timeMs, bytes], ...]; anything else is dropped. */
export function parsePostGcPoints(value: unknown): Point[] {
  if (!Array.isArray(value)) return [];
  const out: Point[] = [];
  for (const p of value.slice(0, CAP)) {
    if (!Array.isArray(p)) continue;
    const [t, v] = p as unknown[];
    if (
      typeof t === 'number' &&
      Number.isFinite(t) &&
      typeof v === 'number' &&
      v >= 0 &&
      Number.isFinite(v)
    ) {
      out.push({ tMs: t, value: v });
    }
  }
  return out;
}

export class PostGcRecorder {
  #installed = false;
  constructor(private readonly client: Client) {}

  get installed(): boolean {
    return this.#installed;
  }

  async install(): Promise<boolean> {
    const r = await this.client.send(
      'Runtime.evaluate',
      { expression: POST_GC_INSTALL_SOURCE, returnByValue: true, silent: true },
      { timeoutMs: 5_000 },
    );
    this.#installed = !r.exceptionDetails && r.result.value === true;
    return this.#installed;
  }

  async uninstall(): Promise<void> {
    if (!this.#installed) return;
    this.#installed = false;
    if (this.client.closed) return;
    await this.client.send(
      'Runtime.evaluate',
      { expression: UNINSTALL_SOURCE, returnByValue: true, silent: true },
      { timeoutMs: 2_000 },
    );
  }
}

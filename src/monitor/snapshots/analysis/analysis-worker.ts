// The analysis process's second thread: it tokenizes segments of the snapshot's numeric
// region while the main thread places numbers (segments.ts), then runs graph passes the
// main thread hands it (graph-tasks.ts) on the same shared arrays. Started by
// startAnalysisWorker(); in a bundled build this module's code sits inside the bundle
// and the bundle itself is the worker's script (WORKER_URL is then the bundle's URL).
import { closeSync, openSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runGraphTask, type GraphTask } from './graph-tasks';
import { Region, type RegionShared } from './segments';

const FLAG = 'resdashAnalysisWorker';

export type WorkerRequest =
  | { kind: 'tokenize'; file: string; region: RegionShared }
  | { kind: 'graph'; id: number; task: GraphTask };

export type WorkerReply =
  | { kind: 'tokenized'; segments: number }
  | { kind: 'graph-done'; id: number; value?: unknown; error?: string };

function serve(): void {
  parentPort!.on('message', (msg: WorkerRequest) => {
    if (msg.kind === 'tokenize') {
      let segments = 0;
      let fd = -1;
      try {
        fd = openSync(msg.file, 'r');
        segments = new Region(msg.region).helpUntilDone(fd);
      } catch {
        // The main thread does whatever is left.
      } finally {
        if (fd !== -1) closeSync(fd);
      }
      parentPort!.postMessage({ kind: 'tokenized', segments } satisfies WorkerReply);
    } else if (msg.kind === 'graph') {
      let error: string | undefined;
      let value: unknown = null;
      try {
        value = runGraphTask(msg.task);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      parentPort!.postMessage({
        kind: 'graph-done',
        id: msg.id,
        ...(error !== undefined ? { error } : { value }),
      } satisfies WorkerReply);
    }
  });
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[FLAG] === 1) serve();

/** The script a worker runs: this file, or the bundle that holds it. */
const WORKER_URL = import.meta.url;

function tsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return 'tsx/esm/api';
  }
}

/** The second thread of an analysis, with a promise per graph task. */
export class AnalysisWorker {
  readonly #worker: Worker;
  #dead = false;
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly #tokenized: Array<() => void> = [];

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.unref();
    worker.on('message', (m: WorkerReply) => {
      if (m.kind === 'tokenized') this.#tokenized.shift()?.();
      else if (m.kind === 'graph-done') {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.value);
        if (this.#pending.size === 0) this.#worker.unref();
      }
    });
    const die = (): void => {
      this.#dead = true;
      for (const p of this.#pending.values()) p.reject(new Error('the analysis worker ended'));
      this.#pending.clear();
      for (const t of this.#tokenized.splice(0)) t();
    };
    worker.on('error', (e) => {
      if (process.env.RESDASH_DEBUG) console.error('worker error', e);
      die();
    });
    worker.on('exit', die);
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** Joins the tokenizing of a region; resolves when it has nothing left to claim. */
  tokenize(file: string, region: RegionShared): Promise<void> {
    if (this.#dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.#tokenized.push(resolve);
      this.#worker.postMessage({ kind: 'tokenize', file, region } satisfies WorkerRequest);
    });
  }

  /** Runs a graph task there; resolves with what it returns (shared arrays). */
  run<T = unknown>(task: GraphTask): Promise<T> {
    if (this.#dead) return Promise.reject(new Error('the analysis worker ended'));
    const id = this.#nextId++;
    // Only a worker with work to do keeps the process alive.
    this.#worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ kind: 'graph', id, task } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.#dead = true;
    await this.#worker.terminate();
  }
}

/**
 * Starts the second thread, or returns null where threads are unavailable (the
 * analysis then runs on one thread). RESDASH_ANALYSIS_THREADS=1 turns it off.
 */
export function startAnalysisWorker(): AnalysisWorker | null {
  if (process.env.RESDASH_ANALYSIS_THREADS === '1') return null;
  try {
    // Run from TypeScript sources (tests, tsx): the worker registers tsx itself, since
    // loader hooks given with --import do not reach a worker's entry on Node 20.
    const ts = WORKER_URL.endsWith('.ts');
    const worker = ts
      ? new Worker(
          `import(${JSON.stringify(tsxApi())}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL)}); })`,
          { eval: true, workerData: { [FLAG]: 1 } },
        )
      : new Worker(new URL(WORKER_URL), { workerData: { [FLAG]: 1 } });
    return new AnalysisWorker(worker);
  } catch {
    return null;
  }
}

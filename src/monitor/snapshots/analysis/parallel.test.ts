// The two-thread parse and the semi-NCA dominators against slow, obvious versions:
// the numeric region cut into tiny segments (every cut lands somewhere new) must give
// exactly what the sequential parser gives, hostile files the same error code, and
// dominators must match the textbook fixed point on random graphs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import { startAnalysisWorker, type AnalysisWorker } from './analysis-worker';
import { analyzeInProcess, parseSnapshotFile } from './analyze';
import { buildGraph, NONE } from './graph';
import { lastRegion } from './parallel-parse';
import type { RawSnapshot } from './parser';
import { EDGE_TYPES, SnapshotBuilder } from './test-builder';

const dir = mkdtempSync(path.join(os.tmpdir(), 'resdash-parallel-'));
let worker: AnalysisWorker | null;
let fileNo = 0;

beforeAll(() => {
  worker = startAnalysisWorker();
});
afterAll(async () => {
  await worker?.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(text: string): string {
  const f = path.join(dir, `s${fileNo++}.heapsnapshot`);
  writeFileSync(f, text);
  return f;
}

/** A small deterministic random generator (xorshift). */
function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function randomSnapshot(seed: number, nodes: number, edgesPerNode: number): SnapshotBuilder {
  const r = rng(seed);
  const b = new SnapshotBuilder();
  const ids: number[] = [];
  for (let i = 0; i < nodes; i++) {
    ids.push(
      b.node({
        name: `Class${Math.floor(r() * 7)}`,
        type: r() < 0.1 ? 'string' : 'object',
        selfSize: Math.floor(r() * 1000),
      }),
    );
  }
  for (let i = 0; i < 3; i++) b.rootEdge(ids[Math.floor(r() * nodes)]!);
  for (const from of ids) {
    const k = Math.floor(r() * edgesPerNode * 2);
    for (let j = 0; j < k; j++) {
      const type = EDGE_TYPES[Math.floor(r() * EDGE_TYPES.length)]!;
      const to = ids[Math.floor(r() * nodes)]!;
      b.edge(from, to, {
        type,
        name: type === 'element' || type === 'hidden' ? j : `p${Math.floor(r() * 50)}`,
      });
    }
  }
  return b;
}

function arraysOf(raw: RawSnapshot): unknown[] {
  const strings = Array.from({ length: raw.strings.length }, (_, i) => raw.strings.get(i));
  return [
    raw.nodeCount,
    raw.edgeCount,
    [...raw.nodeType],
    [...raw.nodeName],
    [...raw.nodeId],
    [...raw.nodeSelfSize],
    [...raw.firstEdge],
    [...raw.edgeType],
    [...raw.edgeName],
    [...raw.edgeTo],
    strings,
  ];
}

async function parallel(file: string, segmentBytes: number): Promise<RawSnapshot> {
  const { raw } = await parseSnapshotFile(file, undefined, {
    worker,
    segmentBytes,
    parallelMinBytes: 0,
  });
  return raw;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MonitorError);
    return (err as MonitorError).code;
  }
  return 'no error';
}

describe('parsing the numeric region on two threads', () => {
  it('gives exactly what the sequential parser gives, wherever the cuts fall', async () => {
    expect(worker).not.toBeNull();
    for (const seed of [1, 2, 3]) {
      const b = randomSnapshot(seed, 60, 3);
      // V8's layout (a newline before each node and edge) and a compact one.
      const compact = b.toJSON();
      const v8like = compact.replace(/\],"edges":\[/, '],\n"edges":[').replace(/,(\d+,)/g, ',\n$1');
      for (const text of [compact, v8like]) {
        const file = write(text);
        const { raw: seq } = await parseSnapshotFile(file, undefined, { worker: null });
        for (const seg of [64, 97, 160, 1021]) {
          const par = await parallel(file, seg);
          expect(lastRegion.bailed, lastRegion.reason).toBe(false);
          expect(lastRegion.segments).toBeGreaterThan(1);
          expect(arraysOf(par)).toEqual(arraysOf(seq));
        }
      }
    }
  });

  it('hostile and truncated files fail with SNAPSHOT_INVALID, as sequentially', async () => {
    const text = randomSnapshot(9, 40, 2).toJSON();
    const nodesAt = text.indexOf('"nodes":[') + 9;
    const edgesAt = text.indexOf('"edges":[') + 9;
    const variants = [
      text.slice(0, nodesAt + 50),
      text.slice(0, edgesAt + 7),
      text.replace('"edges":[', '"edges":[,'),
      `${text.slice(0, edgesAt + 20)}x${text.slice(edgesAt + 20)}`,
      `${text.slice(0, nodesAt + 30)}-${text.slice(nodesAt + 30)}`,
      text.replace('],"edges":[', ',],"edges":['),
      text.replace('],"edges":[', '],"nodes":['),
      text.replace('"edges":[', '"edges":[99999999999,'),
    ];
    for (const v of variants) {
      const file = write(v);
      expect(await codeOf(parallel(file, 64))).toBe(ErrorCodes.SNAPSHOT_INVALID);
      expect(await codeOf(parseSnapshotFile(file, undefined, { worker: null }))).toBe(
        ErrorCodes.SNAPSHOT_INVALID,
      );
    }
  });

  it('the whole analysis gives the same summary with and without the second thread', async () => {
    const file = write(randomSnapshot(5, 300, 3).toJSON());
    const one = await analyzeInProcess(file, { top: 100 }, undefined, { worker: null });
    const two = await analyzeInProcess(file, { top: 100 }, undefined, {
      worker,
      segmentBytes: 128,
      parallelMinBytes: 0,
    });
    expect(two.summary.constructors).toEqual(one.summary.constructors);
  });
});

/** Dominators by the textbook fixed point: dom(n) = {n} ∪ ⋂ dom(preds). */
function naiveIdoms(raw: RawSnapshot): Map<number, number> {
  const weak = raw.meta.edgeTypes.indexOf('weak');
  const shortcut = raw.meta.edgeTypes.indexOf('shortcut');
  const preds = new Map<number, number[]>();
  const reach = new Set<number>([0]);
  const stack = [0];
  while (stack.length) {
    const n = stack.pop()!;
    for (let e = raw.firstEdge[n]!; e < raw.firstEdge[n + 1]!; e++) {
      const t = raw.edgeType[e]!;
      if (t === weak || (t === shortcut && n !== 0)) continue;
      const to = raw.edgeTo[e]!;
      if (!preds.has(to)) preds.set(to, []);
      preds.get(to)!.push(n);
      if (!reach.has(to)) {
        reach.add(to);
        stack.push(to);
      }
    }
  }
  const all = [...reach];
  const dom = new Map<number, Set<number>>();
  for (const n of all) dom.set(n, n === 0 ? new Set([0]) : new Set(all));
  for (let changed = true; changed;) {
    changed = false;
    for (const n of all) {
      if (n === 0) continue;
      let next: Set<number> | null = null;
      for (const p of preds.get(n) ?? []) {
        if (!reach.has(p)) continue;
        const d: Set<number> = dom.get(p)!;
        const prev: Set<number> | null = next;
        next = prev === null ? new Set(d) : new Set([...prev].filter((x: number) => d.has(x)));
      }
      next = next ?? new Set();
      next.add(n);
      if (next.size !== dom.get(n)!.size) {
        dom.set(n, next);
        changed = true;
      }
    }
  }
  // The immediate dominator is the strict dominator with the most dominators itself.
  const idom = new Map<number, number>();
  for (const n of all) {
    if (n === 0) continue;
    let best = 0;
    for (const d of dom.get(n)!) {
      if (d !== n && dom.get(d)!.size > dom.get(best)!.size) best = d;
    }
    idom.set(n, best);
  }
  return idom;
}

describe('semi-NCA dominators', () => {
  it('match the textbook fixed point on random graphs with weak and shortcut edges', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const b = randomSnapshot(seed * 7919, 10 + (seed % 30), 1 + (seed % 3));
      const { raw } = await parseSnapshotFile(write(b.toJSON()), undefined, { worker: null });
      const g = buildGraph(raw);
      const want = naiveIdoms(raw);
      for (let n = 0; n < raw.nodeCount; n++) {
        const p = g.nodeToPre[n]!;
        if (!want.has(n) && n !== 0) {
          expect(p).toBe(NONE);
          continue;
        }
        if (n === 0) continue;
        expect(g.preToNode[g.idomPre[p]!], `seed ${seed} node ${n}`).toBe(want.get(n));
      }
    }
  });
});

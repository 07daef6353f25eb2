// The heap explorer's queries on snapshots built by hand, with every answer worked out
// on paper: a diamond, a cycle, a weak edge and a shortcut edge that must not count,
// retainers that end at the root even around a cycle, and paging that returns every row
// exactly once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type { ExplorerNode } from '../../../shared/snapshot-model';
import { startAnalysisWorker } from './analysis-worker';
import { openExplorerInProcess } from './analyze';
import type { SnapshotExplorer } from './explorer';
import { SnapshotBuilder } from './test-builder';

const dir = mkdtempSync(path.join(os.tmpdir(), 'resdash-explorer-'));
let fileNo = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open(b: SnapshotBuilder, threads = false): Promise<SnapshotExplorer> {
  const file = path.join(dir, `e${fileNo++}.heapsnapshot`);
  writeFileSync(file, b.toJSON());
  const worker = threads ? startAnalysisWorker() : null;
  try {
    const { explorer } = await openExplorerInProcess(file, {}, undefined, { worker });
    return explorer;
  } finally {
    await worker?.close();
  }
}

/**
 *   root ─shortcut→ A(10) ─→ B(20) ─→ D(40) ─→ E(50) ─→ F(60) ─→ G(70) ─→ E   (cycle)
 *        │                 └→ C(30) ─→ D                                       (diamond)
 *        │                 └→ X(5)
 *        └─shortcut→ W(1) ─weak→ B,  W ─shortcut→ X   (neither keeps B or X alive)
 *
 * Dominators: A, W by the root; B, C, D, X by A; E by D; F by E; G by F.
 * Retained: G 70, F 130, E 180, D 220, B 20, C 30, X 5, A 285, W 1, root 286.
 */
function handGraph() {
  const b = new SnapshotBuilder();
  const A = b.node({ name: 'A', selfSize: 10 });
  const B = b.node({ name: 'B', selfSize: 20 });
  const C = b.node({ name: 'C', selfSize: 30 });
  const D = b.node({ name: 'D', selfSize: 40 });
  const E = b.node({ name: 'E', selfSize: 50 });
  const F = b.node({ name: 'F', selfSize: 60 });
  const G = b.node({ name: 'G', selfSize: 70 });
  const X = b.node({ name: 'X', selfSize: 5 });
  const W = b.node({ name: 'W', selfSize: 1 });
  b.rootEdge(A, 'a').rootEdge(W, 'w');
  b.edge(A, B, { name: 'b' }).edge(A, C, { name: 'c' }).edge(A, X, { name: 'x' });
  b.edge(B, D, { name: 'd' }).edge(C, D, { name: 'd' });
  b.edge(D, E, { name: 'e' }).edge(E, F, { name: 'f' }).edge(F, G, { name: 'g' });
  b.edge(G, E, { name: 'back' });
  b.edge(W, B, { type: 'weak', name: 'ref' });
  b.edge(W, X, { type: 'shortcut', name: 'alias' });
  const id = (n: number) => b.idOf(n);
  return { b, A, B, C, D, E, F, G, X, W, id };
}

const names = (rows: ExplorerNode[]) => rows.map((r) => `${r.name}:${r.retainedBytes}`);

describe('heap explorer queries', () => {
  it('dominator children and retained sizes exactly as worked out by hand', async () => {
    for (const threads of [false, true]) {
      const h = handGraph();
      const x = await open(h.b, threads);
      expect(x.totalBytes).toBe(286);
      const root = x.children(undefined);
      expect(names(root.rows)).toEqual(['A:285', 'W:1']);
      expect(root.total).toBe(2);
      expect(names(x.children(h.id(h.A)).rows)).toEqual(['D:220', 'C:30', 'B:20', 'X:5']);
      expect(names(x.children(h.id(h.D)).rows)).toEqual(['E:180']);
      expect(names(x.children(h.id(h.E)).rows)).toEqual(['F:130']);
      expect(names(x.children(h.id(h.F)).rows)).toEqual(['G:70']);
      expect(x.children(h.id(h.G)).total).toBe(0);
      // The weak edge W -> B and the shortcut W -> X do not make the root their dominator.
      expect(x.node(h.id(h.B)).dominator?.name).toBe('A');
      expect(x.node(h.id(h.X)).dominator?.name).toBe('A');
      expect(x.node(h.id(h.D)).dominator?.name).toBe('A');
      const a = x.node(h.id(h.A));
      expect(a).toMatchObject({
        nodeId: h.id(h.A),
        className: 'A',
        type: 'object',
        selfBytes: 10,
        retainedBytes: 285,
        reachable: true,
        distance: 1,
        childCount: 4,
        retainerCount: 1,
      });
      expect(a.dominator?.type).toBe('synthetic');
    }
  });

  it('retainers name their edges, mark weak ones, and come nearest to the root first', async () => {
    const h = handGraph();
    const x = await open(h.b);
    const rb = x.retainers(h.id(h.B));
    expect(rb.rows.map((r) => [r.node.name, r.edgeName, r.edgeType, r.weak])).toEqual([
      ['A', 'b', 'property', false],
      ['W', 'ref', 'weak', true],
    ]);
    const re = x.retainers(h.id(h.E));
    expect(re.rows.map((r) => [r.node.name, r.edgeName, r.node.distance])).toEqual([
      ['D', 'e', 3],
      ['G', 'back', 6],
    ]);
    const rx = x.retainers(h.id(h.X));
    expect(rx.rows.map((r) => [r.node.name, r.edgeType])).toEqual([
      ['A', 'property'],
      ['W', 'shortcut'],
    ]);
  });

  it('retainers of a node in a cycle end at the root (each object expanded once)', async () => {
    const h = handGraph();
    const x = await open(h.b);
    const rootId = x.root.nodeId;
    // Expand retainers upwards from G the way the UI does: an object already on the
    // way is shown once, not expanded again.
    const seen = new Set<number>([h.id(h.G)]);
    let frontier = [h.id(h.G)];
    let reachedRoot = false;
    let rounds = 0;
    while (frontier.length > 0) {
      expect(rounds++).toBeLessThan(20);
      const next: number[] = [];
      for (const id of frontier) {
        for (const r of x.retainers(id).rows) {
          if (r.node.nodeId === rootId) reachedRoot = true;
          if (seen.has(r.node.nodeId)) continue;
          seen.add(r.node.nodeId);
          next.push(r.node.nodeId);
        }
      }
      frontier = next;
    }
    expect(reachedRoot).toBe(true);
    // G's retainers hold F, F's hold E, and E's hold G again: the cycle is met once.
    expect(x.retainers(h.id(h.F)).rows.map((r) => r.node.name)).toEqual(['E']);
    expect(x.retainers(h.id(h.G)).rows.map((r) => r.node.name)).toEqual(['F']);
    // The shortest path is the BFS one: through B (A's first edge), never the weak W.
    const p = x.path(h.id(h.G));
    expect(p.nodeIds).toEqual([rootId, ...[h.A, h.B, h.D, h.E, h.F, h.G].map(h.id)]);
    expect(p.text).toBe('A.b -> B.d -> D.e -> E.f -> F.g -> G');
    expect(x.path(undefined, 'F').nodeIds.at(-1)).toBe(h.id(h.F));
  });

  it('pages return every row exactly once, biggest first', async () => {
    const b = new SnapshotBuilder();
    const holder = b.node({ name: 'Holder', selfSize: 1 });
    b.rootEdge(holder);
    const n = 457;
    for (let i = 0; i < n; i++) {
      const item = b.node({ name: 'Item', selfSize: 1 + ((i * 37) % 101) });
      b.edge(holder, item, { type: 'element', name: i });
    }
    const x = await open(b);
    const holderId = b.idOf(holder);
    for (const [what, get] of [
      ['children', (o: number, l: number) => x.children(holderId, o, l)],
      ['instances', (o: number, l: number) => x.instances('Item', o, l)],
    ] as const) {
      for (const limit of [200, 64, 1]) {
        const ids: number[] = [];
        const sizes: number[] = [];
        let total: number | undefined;
        for (let o = 0; ; o += limit) {
          const pg = get(o, limit);
          total = pg.total;
          expect(pg.rows.length, what).toBeLessThanOrEqual(Math.min(limit, 200));
          if (pg.rows.length === 0) break;
          ids.push(...pg.rows.map((r) => r.nodeId));
          sizes.push(...pg.rows.map((r) => r.retainedBytes));
        }
        expect(total).toBe(n);
        expect(ids.length).toBe(n);
        expect(new Set(ids).size).toBe(n);
        expect(sizes).toEqual([...sizes].sort((p, q) => q - p));
      }
    }
    // A limit above 200 still gives 200 rows.
    expect(x.children(holderId, 0, 10_000).rows).toHaveLength(200);
    expect(x.retainers(x.children(holderId).rows[0]!.nodeId).total).toBe(1);
  });

  it('instances: exact counts, new objects after an id, class search', async () => {
    const b = new SnapshotBuilder();
    const holder = b.node({ name: 'Holder' });
    b.rootEdge(holder);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      const w = b.node({ name: 'Widget', selfSize: 8 + i });
      ids.push(b.idOf(w));
      b.edge(holder, w, { type: 'element', name: i });
    }
    b.edge(0, b.node({ name: 'Unreachable' }), { type: 'weak', name: 'w' });
    const x = await open(b);
    expect(x.instances('Widget').total).toBe(30);
    const after = ids[19]!;
    const newer = x.instances('Widget', 0, 200, after);
    expect(newer.total).toBe(10);
    expect(newer.rows.every((r) => r.nodeId > after)).toBe(true);
    expect(x.classes('widg').rows.map((c) => [c.name, c.count])).toEqual([['Widget', 30]]);
    expect(x.classes('').total).toBeGreaterThanOrEqual(2);
    expect(() => x.instances('Nope')).toThrow(
      expect.objectContaining({ code: ErrorCodes.CLASS_NOT_FOUND }),
    );
  });

  it('a path longer than a page gives the 200 steps nearest the object, and its length', async () => {
    const b = new SnapshotBuilder();
    let prev = b.node({ name: 'Link' });
    b.rootEdge(prev);
    for (let i = 1; i < 300; i++) {
      const next = b.node({ name: 'Link' });
      b.edge(prev, next, { name: 'next' });
      prev = next;
    }
    const x = await open(b);
    const p = x.path(b.idOf(prev));
    expect(p.length).toBe(300);
    expect(p.steps).toHaveLength(200);
    expect(p.nodeIds).toHaveLength(200);
    expect(p.nodeIds.at(-1)).toBe(b.idOf(prev));
    expect(p.text.startsWith('… -> Link.next')).toBe(true);
    expect(x.path(b.idOf(1)).nodeIds).toEqual([x.root.nodeId, b.idOf(1)]);
  });

  it('an unknown node id is EXPLORER_NODE_NOT_FOUND; values of strings are previewed', async () => {
    const b = new SnapshotBuilder();
    const s = b.node({ type: 'string', name: 'x'.repeat(500), selfSize: 520 });
    const short = b.node({ type: 'string', name: 'hello', selfSize: 20 });
    const cons = b.node({ type: 'concatenated string', name: '(concatenated string)' });
    b.rootEdge(s).rootEdge(cons);
    b.edge(cons, short, { type: 'internal', name: 'first' });
    b.edge(cons, s, { type: 'internal', name: 'second' });
    const x = await open(b);
    const v = x.node(b.idOf(s)).value!;
    expect(v.length).toBeLessThanOrEqual(200);
    expect(v.startsWith('xxx')).toBe(true);
    expect(x.node(b.idOf(cons)).value!.startsWith('helloxxx')).toBe(true);
    for (const q of [() => x.node(999_999), () => x.children(999_999), () => x.retainers(8)]) {
      let err: unknown;
      try {
        q();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MonitorError);
      expect((err as MonitorError).code).toBe(ErrorCodes.EXPLORER_NODE_NOT_FOUND);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import { diffSides } from './diff';
import { buildGraph, NONE, type HeapGraph } from './graph';
import { HeapSnapshotParser, type RawSnapshot } from './parser';
import { diffSide, retainerPath, summarize } from './summary';
import { SnapshotBuilder } from './test-builder';

/** Parses text fed in small chunks, so every state crosses chunk boundaries. */
function parse(text: string, chunkBytes = 7, maxStringChars?: number): RawSnapshot {
  const buf = Buffer.from(text, 'utf8');
  const parser = new HeapSnapshotParser({
    totalBytes: buf.length,
    ...(maxStringChars !== undefined ? { maxStringChars } : {}),
  });
  for (let i = 0; i < buf.length; i += chunkBytes) parser.write(buf.subarray(i, i + chunkBytes));
  return parser.close();
}

function graphOf(b: SnapshotBuilder): HeapGraph {
  return buildGraph(parse(b.toJSON()));
}

function expectInvalid(text: string, pattern?: RegExp): void {
  let caught: unknown;
  try {
    parse(text);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(MonitorError);
  expect((caught as MonitorError).code).toBe(ErrorCodes.SNAPSHOT_INVALID);
  if (pattern) expect((caught as MonitorError).message).toMatch(pattern);
}

const meta = { path: '/x.heapsnapshot', fileBytes: 1 };

/** Immediate dominator of node ordinal n, as a node ordinal. */
function idom(g: HeapGraph, n: number): number {
  const p = g.nodeToPre[n]!;
  return g.preToNode[g.idomPre[p]!]!;
}

function retained(g: HeapGraph, n: number): number {
  return g.retainedPre[g.nodeToPre[n]!]!;
}

describe('parser', () => {
  it('reads nodes, edges and strings with escapes across chunk boundaries', () => {
    const b = new SnapshotBuilder();
    const a = b.node({ name: 'Quote"Back\\slash\nNewline \u00e9\u{1F600}', selfSize: 10 });
    b.rootEdge(a);
    for (const chunk of [1, 3, 7, 4096]) {
      const raw = parse(b.toJSON(), chunk);
      expect(raw.nodeCount).toBe(2);
      expect(raw.edgeCount).toBe(1);
      expect(raw.strings.get(raw.nodeName[1]!)).toBe('Quote"Back\\slash\nNewline \u00e9\u{1F600}');
    }
  });

  it('reads field positions from meta: reordered and extra fields (F20)', () => {
    const make = (opts: ConstructorParameters<typeof SnapshotBuilder>[0]) => {
      const b = new SnapshotBuilder(opts);
      const w = b.node({ name: 'Widget', selfSize: 40 });
      const s = b.node({ type: 'string', name: 'hello', selfSize: 24 });
      b.rootEdge(w);
      b.edge(w, s, { name: 'label' });
      return summarize(graphOf(b), { meta }).constructors;
    };
    const plain = make({});
    const drifted = make({
      nodeFields: [
        'extra_a',
        'edge_count',
        'self_size',
        'id',
        'name',
        'type',
        'detachedness',
        'extra_b',
      ],
      edgeFields: ['to_node', 'extra_edge', 'name_or_index', 'type'],
      extraFieldValue: 7,
    });
    expect(drifted).toEqual(plain);
    expect(plain.find((c) => c.name === 'Widget')).toMatchObject({ count: 1, retainedBytes: 64 });
  });

  it('cuts very long strings to the cap', () => {
    const b = new SnapshotBuilder();
    b.rootEdge(b.node({ type: 'string', name: 'x'.repeat(5000) }));
    const raw = parse(b.toJSON(), 100, 50);
    const all = Array.from({ length: raw.strings.length }, (_, i) => raw.strings.get(i));
    const s = all.find((t) => t.startsWith('xxx'))!;
    expect(s.length).toBeLessThanOrEqual(51);
    expect(s.endsWith('…')).toBe(true);
  });

  describe('corrupt, truncated and hostile files give SNAPSHOT_INVALID (F19)', () => {
    const good = (): Record<string, unknown> => {
      const b = new SnapshotBuilder();
      const a = b.node({ name: 'A' });
      const c = b.node({ name: 'C' });
      b.rootEdge(a).edge(a, c, { name: 'c' });
      return b.toObject();
    };
    const withSnap = (f: (o: Record<string, unknown>) => void): string => {
      const o = good();
      f(o);
      return JSON.stringify(o);
    };
    const snap = (o: Record<string, unknown>) => o.snapshot as Record<string, unknown>;

    it('not JSON / not an object', () => {
      expectInvalid('hello world');
      expectInvalid('[1,2,3]');
      expectInvalid('');
    });
    it('missing or bad meta', () => {
      expectInvalid(
        withSnap((o) => delete snap(o).meta),
        /meta/,
      );
      expectInvalid(
        withSnap((o) => ((snap(o).meta as Record<string, unknown>).node_fields = ['type', 'name'])),
        /lacks/,
      );
      expectInvalid(
        withSnap((o) => ((snap(o).meta as Record<string, unknown>).edge_types = 5)),
        /edge_types/,
      );
    });
    it('wrong array lengths', () => {
      expectInvalid(
        withSnap((o) => (o.nodes as number[]).push(1)),
        /nodes/,
      );
      expectInvalid(
        withSnap((o) => (o.edges as number[]).pop()),
        /edges/,
      );
      expectInvalid(withSnap((o) => (snap(o).edge_count = 3)));
    });
    it('edge pointing out of range or between nodes', () => {
      expectInvalid(
        withSnap((o) => ((o.edges as number[])[2] = 9999 * 7)),
        /not a node/,
      );
      expectInvalid(
        withSnap((o) => ((o.edges as number[])[2] = 3)),
        /not a node/,
      );
    });
    it('string index out of range', () => {
      expectInvalid(
        withSnap((o) => ((o.nodes as number[])[7 + 1] = 500)),
        /string/,
      );
      expectInvalid(
        withSnap((o) => ((o.edges as number[])[1] = 500)),
        /string/,
      );
    });
    it('truncated anywhere, including mid-number', () => {
      const text = JSON.stringify(good());
      const nodesAt = text.indexOf('"nodes":[') + 12;
      for (const cut of [1, 20, nodesAt, text.indexOf('"strings"') + 14, text.length - 1]) {
        expectInvalid(text.slice(0, cut), /truncated|ends early/);
      }
    });
    it('non-numeric garbage, negative or fractional numbers', () => {
      const text = JSON.stringify(good());
      expectInvalid(text.replace('"nodes":[9,', '"nodes":["x",'), /not a non-negative integer/);
      expectInvalid(text.replace('"nodes":[9,', '"nodes":[-9,'), /not a non-negative integer/);
      expectInvalid(text.replace('"nodes":[9,', '"nodes":[9.5,'), /not a non-negative integer/);
      expectInvalid(text.replace('"nodes":[9,', '"nodes":[9,,'));
      expectInvalid(text.replace('"nodes":[9,', '"nodes":[99999999999999,'), /out of range/);
      expectInvalid(text.replace('"strings":[', '"strings":[1,'), /not a string/);
    });
    it('a huge claimed node_count is refused before allocating', () => {
      expectInvalid(
        withSnap((o) => (snap(o).node_count = 2_000_000_000)),
        /more than a file/,
      );
      expectInvalid(
        withSnap((o) => (snap(o).node_count = -1)),
        /node_count/,
      );
      expectInvalid(
        withSnap((o) => (snap(o).node_count = 'many')),
        /node_count/,
      );
    });
    it('nodes before the header, data after the end, duplicate keys, deep nesting', () => {
      const o = good();
      const { snapshot, ...rest } = o;
      expectInvalid(JSON.stringify({ ...rest, snapshot }), /before the "snapshot" header/);
      expectInvalid(`${JSON.stringify(good())}{}`, /after the end/);
      expectInvalid(JSON.stringify(good()).replace('"samples":[]', '"nodes":[]'), /twice/);
      expectInvalid(JSON.stringify(good()).replace('"samples":[]', `"samples":${'['.repeat(100)}`));
    });
    it('a flood of tiny strings is refused (bounded memory)', () => {
      const text = JSON.stringify(good()).replace(
        '"strings":[',
        `"strings":[${'"",'.repeat(3000)}`,
      );
      expectInvalid(text, /more strings/);
    });
    it('skips unknown top-level keys of any shape', () => {
      const text = JSON.stringify({ extra: { a: [1, { b: '}]' }] }, ...good(), more: 'x]}', n: 5 });
      expect(parse(text).nodeCount).toBe(3);
    });
  });
});

describe('dominators and retained sizes', () => {
  it('a diamond: the top dominates the bottom', () => {
    const b = new SnapshotBuilder();
    const top = b.node({ name: 'Top', selfSize: 1 });
    const left = b.node({ name: 'Left', selfSize: 10 });
    const right = b.node({ name: 'Right', selfSize: 100 });
    const bottom = b.node({ name: 'Bottom', selfSize: 1000 });
    b.rootEdge(top).edge(top, left).edge(top, right).edge(left, bottom).edge(right, bottom);
    const g = graphOf(b);
    expect(idom(g, bottom)).toBe(top);
    expect(idom(g, left)).toBe(top);
    expect(retained(g, top)).toBe(1111);
    expect(retained(g, left)).toBe(10);
    expect(retained(g, right)).toBe(100);
  });

  it('a chain accumulates; a cycle is dominated by its entry', () => {
    const b = new SnapshotBuilder();
    const a = b.node({ name: 'A', selfSize: 1 });
    const c = b.node({ name: 'B', selfSize: 2 });
    const d = b.node({ name: 'C', selfSize: 4 });
    b.rootEdge(a).edge(a, c).edge(c, d).edge(d, a);
    const g = graphOf(b);
    expect(idom(g, d)).toBe(c);
    expect(idom(g, c)).toBe(a);
    expect(retained(g, a)).toBe(7);
    expect(retained(g, c)).toBe(6);
    expect(retained(g, d)).toBe(4);
  });

  it('weak edges neither keep alive nor dominate; unreachable nodes are left out', () => {
    const b = new SnapshotBuilder();
    const holder = b.node({ name: 'Holder', selfSize: 1 });
    const cache = b.node({ name: 'WeakCache', selfSize: 1 });
    const target = b.node({ name: 'Target', selfSize: 50 });
    const orphan = b.node({ name: 'Orphan', selfSize: 999 });
    b.rootEdge(holder).rootEdge(cache);
    b.edge(holder, target).edge(cache, target, { type: 'weak', name: 'w' });
    b.edge(orphan, target);
    const g = graphOf(b);
    expect(idom(g, target)).toBe(holder);
    expect(g.nodeToPre[orphan]).toBe(NONE);
    const s = summarize(g, { meta });
    expect(s.constructors.find((c) => c.name === 'Orphan')).toBeUndefined();
    expect(s.reachableShallowBytes).toBe(52);
    expect(s.totalShallowBytes).toBe(52 + 999);
  });
});

describe('summary', () => {
  it('groups like DevTools and counts a class retained size once per dominating instance', () => {
    const b = new SnapshotBuilder();
    const list = b.node({ name: 'Item', selfSize: 10 });
    const inner = b.node({ name: 'Item', selfSize: 20 }); // dominated by another Item
    const fn = b.node({ type: 'closure', name: 'onClick', selfSize: 32 });
    const str = b.node({ type: 'string', name: 'text', selfSize: 16 });
    const cons = b.node({ type: 'concatenated string', name: 'a+b', selfSize: 24 });
    const arr = b.node({ type: 'array', name: '', selfSize: 8 });
    const sys = b.node({ type: 'hidden', name: 'system / Context', selfSize: 4 });
    const code = b.node({ type: 'code', name: 'f', selfSize: 100 });
    b.rootEdge(list).edge(list, inner).edge(inner, fn).edge(fn, code);
    b.rootEdge(str).rootEdge(cons).rootEdge(arr).rootEdge(sys);
    const s = summarize(graphOf(b), { meta, top: 100 });
    const by = Object.fromEntries(s.constructors.map((c) => [c.name, c]));
    expect(by.Item).toEqual({ name: 'Item', count: 2, shallowBytes: 30, retainedBytes: 162 });
    expect(by['(closure)']).toMatchObject({ count: 1, retainedBytes: 132 });
    expect(by['(string)']).toMatchObject({ count: 2, shallowBytes: 40 });
    expect(by['(array)']).toMatchObject({ count: 1 });
    expect(by['(system)']).toMatchObject({ count: 1 });
    expect(by['(compiled code)']).toMatchObject({ count: 1, shallowBytes: 100 });
    expect(s.constructors[0]!.name).toBe('Item');
    expect(s.nodeCount).toBe(9);
    expect(summarize(graphOf(b), { meta, top: 2 }).constructors).toHaveLength(2);
  });
});

describe('retainer path', () => {
  it('finds the shortest path skipping weak edges, with edge names', () => {
    const b = new SnapshotBuilder();
    const roots = b.node({ type: 'synthetic', name: '(GC roots)', selfSize: 0 });
    const win = b.node({ name: 'Window', selfSize: 1 });
    const map = b.node({ name: 'Map', selfSize: 1 });
    const table = b.node({ type: 'array', name: '', selfSize: 1 });
    const leak = b.node({ name: 'LeakyWidget', selfSize: 64 });
    const weakHolder = b.node({ name: 'WeakRef', selfSize: 1 });
    b.edge(0, roots, { type: 'element', name: 1 });
    b.edge(roots, weakHolder, { type: 'element', name: 2 });
    b.edge(weakHolder, leak, { type: 'weak', name: 'target' });
    b.edge(roots, win, { type: 'element', name: 1 });
    b.edge(win, map, { name: 'cache' });
    b.edge(map, table, { type: 'internal', name: 'table' });
    b.edge(table, leak, { type: 'element', name: 3 });
    const p = retainerPath(graphOf(b), 'LeakyWidget');
    expect(p.text).toBe('(GC roots)[1] -> Window.cache -> Map.table -> (array)[3] -> LeakyWidget');
    expect(p.targetNodeId).toBe(b.idOf(leak));
    expect(p.instanceCount).toBe(1);
    expect(p.steps.at(-1)!.edgeName).toBeUndefined();
  });

  it('an unknown class is a clear CLASS_NOT_FOUND', () => {
    const b = new SnapshotBuilder();
    b.rootEdge(b.node({ name: 'A' }));
    expect(() => retainerPath(graphOf(b), 'Nope')).toThrow(
      expect.objectContaining({ code: ErrorCodes.CLASS_NOT_FOUND }),
    );
  });
});

describe('diff', () => {
  const side = (b: SnapshotBuilder, pid?: number) =>
    diffSide(graphOf(b), { ...meta, ...(pid !== undefined ? { pid } : {}) });

  it('reports added and removed objects per class by node id', () => {
    const before = new SnapshotBuilder();
    const keep = before.node({ name: 'Keep', id: 101, selfSize: 10 });
    const gone = before.node({ name: 'Gone', id: 103, selfSize: 20 });
    before.rootEdge(keep).rootEdge(gone);
    const after = new SnapshotBuilder();
    const keep2 = after.node({ name: 'Keep', id: 101, selfSize: 10 });
    after.rootEdge(keep2);
    for (let i = 0; i < 3; i++)
      after.edge(keep2, after.node({ name: 'New', id: 201 + 2 * i, selfSize: 8 }));
    const d = diffSides(side(before), side(after), { maxIdsPerClass: 2 });
    const by = Object.fromEntries(d.perConstructor.map((c) => [c.name, c]));
    expect(by.New).toMatchObject({
      addedCount: 3,
      removedCount: 0,
      countDelta: 3,
      sizeDeltaBytes: 24,
    });
    expect(by.Gone).toMatchObject({
      addedCount: 0,
      removedCount: 1,
      countDelta: -1,
      sizeDeltaBytes: -20,
    });
    expect(by.Keep).toBeUndefined();
    expect(d.newObjects).toEqual([{ name: 'New', count: 3, nodeIds: [201, 203], truncated: true }]);
    expect(d.totals).toEqual({ addedCount: 3, removedCount: 1, sizeDeltaBytes: 4 });
    expect(d.warnings).toEqual([]);
  });

  it('an id that changed class is a removed object and an added one (V8 reused a dead id)', () => {
    const before = new SnapshotBuilder();
    const keep = before.node({ name: 'Keep', id: 101, selfSize: 10 });
    before.rootEdge(keep).rootEdge(before.node({ name: 'Request', id: 103, selfSize: 20 }));
    const after = new SnapshotBuilder();
    const keep2 = after.node({ name: 'Keep', id: 101, selfSize: 10 });
    after.rootEdge(keep2).rootEdge(after.node({ name: 'Response', id: 103, selfSize: 8 }));
    const d = diffSides(side(before), side(after));
    const by = Object.fromEntries(d.perConstructor.map((c) => [c.name, c]));
    expect(by.Request).toMatchObject({ addedCount: 0, removedCount: 1, countDelta: -1 });
    expect(by.Response).toMatchObject({ addedCount: 1, removedCount: 0, countDelta: 1 });
    expect(by.Keep).toBeUndefined();
    expect(d.totals).toEqual({ addedCount: 1, removedCount: 1, sizeDeltaBytes: -12 });
    expect(d.newObjects).toEqual([
      { name: 'Response', count: 1, nodeIds: [103], truncated: false },
    ]);
    expect(d.warnings).toEqual([]);
  });

  it('refuses snapshots whose ids were renumbered (an inspector session ended between them)', () => {
    // Same ids on both sides, but a third of them name objects of another class now.
    const before = new SnapshotBuilder();
    const after = new SnapshotBuilder();
    for (let i = 0; i < 300; i++) {
      const id = 101 + 2 * i;
      before.rootEdge(before.node({ name: i % 3 === 0 ? 'Order' : 'Item', id, selfSize: 10 }));
      after.rootEdge(after.node({ name: i % 3 === 1 ? 'Order' : 'Item', id, selfSize: 10 }));
    }
    expect(() => diffSides(side(before), side(after))).toThrow(
      expect.objectContaining({
        code: ErrorCodes.SNAPSHOT_MISMATCH,
        message: expect.stringMatching(/renumbered.*inspector session ends/),
      }),
    );
    const forced = diffSides(side(before), side(after), { force: true });
    // 300 planted objects and the synthetic root (id 1) on both sides.
    expect(forced.warnings.join(' ')).toMatch(/200 of 301 objects/);
    // Counts per class do not depend on ids: still right.
    expect(forced.perConstructor.every((c) => c.countDelta === 0)).toBe(true);
  });

  it('refuses snapshots of different processes (F22), or warns with force', () => {
    const one = new SnapshotBuilder();
    one.rootEdge(one.node({ name: 'A', id: 100_001 }));
    const other = new SnapshotBuilder();
    for (let i = 0; i < 150; i++) other.rootEdge(other.node({ name: 'B' }));
    expect(() => diffSides(side(one, 1), side(one, 2))).toThrow(
      expect.objectContaining({ code: ErrorCodes.SNAPSHOT_MISMATCH }),
    );
    // No pids: new objects with ids below the first snapshot's max id give it away.
    expect(() => diffSides(side(one), side(other))).toThrow(
      expect.objectContaining({ code: ErrorCodes.SNAPSHOT_MISMATCH }),
    );
    const forced = diffSides(side(one), side(other), { force: true });
    expect(forced.warnings.length).toBeGreaterThan(0);
    expect(forced.totals.addedCount).toBe(150);
  });
});

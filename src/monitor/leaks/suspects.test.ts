import { describe, expect, it } from 'vitest';
import { classCountsFromSnapshot, retainerPathFromSnapshot } from './snapshot-counts';
import { growingClasses, retainedByFromPath, suspectSentence, type ClassCounts } from './suspects';

const counts = (atMs: number, entries: Record<string, number>): ClassCounts => ({
  atMs,
  classes: new Map(Object.entries(entries).map(([k, v]) => [k, { count: v, bytes: v * 64 }])),
});

describe('constructors that grow at every step', () => {
  it('names the user class first, skips classes that dip once', () => {
    const s = growingClasses([
      counts(0, { LeakyWidget: 100, Object: 5000, Jitter: 10, '(string)': 900 }),
      counts(30_000, { LeakyWidget: 6100, Object: 11000, Jitter: 40, '(string)': 1900 }),
      counts(60_000, { LeakyWidget: 12100, Object: 17000, Jitter: 20, '(string)': 2900 }),
    ]);
    expect(s.map((x) => x.className)).toEqual(['LeakyWidget', 'Object', '(string)']);
    expect(s[0]!.countPerMinute).toBe(12_000);
    expect(s[0]!.counts).toEqual([100, 6100, 12100]);
    expect(suspectSentence({ ...s[0]!, retainedBy: 'Map cache' })).toBe(
      'LeakyWidget +12,000 objects/min, retained by Map cache',
    );
  });

  it('nothing grows in a stable heap', () => {
    expect(growingClasses([counts(0, { A: 5 }), counts(1, { A: 5 }), counts(2, { A: 6 })])).toEqual(
      [],
    );
  });
});

/** A tiny snapshot: root -> (GC roots) -> Map "cache" -> table -> 2 LeakyWidget, plus a weak edge. */
function tinySnapshot() {
  const strings = [
    '',
    '(GC roots)',
    'Map',
    'LeakyWidget',
    'cache',
    'table',
    'system / Context',
    'w',
  ];
  // type indexes: 0 hidden, 1 array, 2 object, 3 synthetic ; fields: type,name,id,self_size,edge_count
  const nodeTypes = ['hidden', 'array', 'object', 'synthetic'];
  const nodes = [
    3,
    0,
    1,
    0,
    1, // 0 root (synthetic)
    3,
    1,
    3,
    0,
    1, // 1 (GC roots)
    2,
    2,
    5,
    32,
    1, // 2 Map
    1,
    5,
    7,
    16,
    2, // 3 table (array)
    2,
    3,
    9,
    40,
    0, // 4 LeakyWidget
    2,
    3,
    11,
    40,
    1, // 5 LeakyWidget (weakly points at the Map)
  ];
  const NF = 5;
  const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
  // fields: type, name_or_index, to_node
  const edges = [
    4,
    1,
    1 * NF, // root -hidden-> (GC roots)
    2,
    4,
    2 * NF, // (GC roots) -cache-> Map
    3,
    5,
    3 * NF, // Map -table-> array
    1,
    0,
    4 * NF, // array[0] -> widget
    1,
    1,
    5 * NF, // array[1] -> widget
    6,
    7,
    2 * NF, // widget2 -weak-> Map
  ];
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [nodeTypes],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [edgeTypes],
      },
      node_count: 6,
      edge_count: 6,
    },
    nodes,
    edges,
    strings,
  };
}

describe('built-in snapshot counter', () => {
  it('counts by class and finds the retainer path', () => {
    const snap = tinySnapshot();
    const c = classCountsFromSnapshot(snap);
    expect(c.get('LeakyWidget')).toEqual({ count: 2, bytes: 80 });
    expect(c.get('Map')).toEqual({ count: 1, bytes: 32 });
    const path = retainerPathFromSnapshot(snap, 'LeakyWidget')!;
    expect(path.steps.map((s) => s.className)).toEqual([
      '(synthetic)',
      '(GC roots)',
      'Map',
      '(array)',
      'LeakyWidget',
    ]);
    expect(path.text).toBe(
      '(synthetic).1 -> (GC roots).cache -> Map.table -> (array).0 -> LeakyWidget',
    );
    expect(path.instanceCount).toBe(2);
    expect(retainedByFromPath(path)).toBe('Map cache');
    expect(retainerPathFromSnapshot(snap, 'Nope')).toBeNull();
  });

  it('rejects malformed snapshots with a clear error', () => {
    const snap = tinySnapshot();
    expect(() => classCountsFromSnapshot({})).toThrow(/Not a readable heap snapshot/);
    expect(() => classCountsFromSnapshot({ ...snap, nodes: [1, 2, 3] })).toThrow(/lengths/);
    const badEdge = { ...snap, edges: [...snap.edges.slice(0, -1), 999] };
    expect(() => retainerPathFromSnapshot(badEdge, 'LeakyWidget')).toThrow(/out of range/);
  });
});

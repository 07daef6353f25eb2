// The indexes an open snapshot answers queries from, built once after the graph:
//  - dominator-tree children of every node, biggest retained first;
//  - the instances of every class, biggest retained first;
//  - node id -> node (ids sorted);
//  - every edge into every node (weak ones too), their sources in BFS order from the
//    root, with each node's BFS distance: the first non-weak retainer of a node is the
//    one its shortest path from the root goes through.
// The last one runs on the analysis worker (explorerWorkerPhase) while this thread sorts
// the others. Sorting is radix sorting on typed arrays: no comparator, no objects.
import type { AnalysisWorker } from './analysis-worker';
import { NONE, takeScratch, type HeapGraph } from './graph';
import { sharedU32 } from './parser';

/** What the worker needs and fills for the retainer index (shared memory). */
export interface ExplorerWorkerArrays {
  nodeCount: number;
  edgeCount: number;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  edgeTo: Uint32Array;
  weakType: number;
  shortcutType: number;
  /** Out: BFS distance of each node ordinal from the root; NONE when unreachable. */
  distance: Uint32Array;
  /** Scratch (nodeCount): the BFS order. */
  order: Uint32Array;
  /** Out: edges into node n are retainerEdges[firstRetainer[n] .. firstRetainer[n + 1]). */
  firstRetainer: Uint32Array;
  retainerEdges: Uint32Array;
}

export function explorerWorkerPhase(a: ExplorerWorkerArrays): void {
  const { nodeCount, firstEdge, edgeType, edgeTo, weakType, shortcutType } = a;
  const { distance, order, firstRetainer, retainerEdges } = a;
  if (nodeCount === 0) return;
  // BFS from the root over essential edges.
  distance.fill(NONE);
  distance[0] = 0;
  order[0] = 0;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const n = order[head++]!;
    const d = distance[n]! + 1;
    for (let e = firstEdge[n]!, end = firstEdge[n + 1]!; e < end; e++) {
      const t = edgeType[e]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const to = edgeTo[e]!;
      if (distance[to] !== NONE) continue;
      distance[to] = d;
      order[tail++] = to;
    }
  }
  for (let n = 0; n < nodeCount; n++) if (distance[n] === NONE) order[tail++] = n;
  // Every edge into every node, sources in BFS order (unreachable ones last).
  firstRetainer.fill(0);
  const edgeCount = a.edgeCount;
  for (let e = 0; e < edgeCount; e++) firstRetainer[edgeTo[e]! + 1]!++;
  for (let n = 0; n < nodeCount; n++) firstRetainer[n + 1]! += firstRetainer[n]!;
  for (let k = 0; k < nodeCount; k++) {
    const n = order[k]!;
    for (let e = firstEdge[n]!, end = firstEdge[n + 1]!; e < end; e++) {
      retainerEdges[firstRetainer[edgeTo[e]!]!++] = e;
    }
  }
  for (let n = nodeCount; n >= 1; n--) firstRetainer[n] = firstRetainer[n - 1]!;
  firstRetainer[0] = 0;
}

export interface ExplorerIndex {
  /** Dominator children of preorder index p: children[firstChild[p] .. firstChild[p + 1]), biggest first. */
  firstChild: Uint32Array;
  children: Uint32Array;
  /** Reachable instances (preorder indexes) of class c, biggest retained first. */
  firstInstance: Uint32Array;
  instances: Uint32Array;
  /** Node ordinals sorted by node id. */
  byId: Uint32Array;
  distance: Uint32Array;
  firstRetainer: Uint32Array;
  retainerEdges: Uint32Array;
  /** Milliseconds per step, for the benchmark. */
  timings: Record<string, number>;
}

const KEY_MAX = 2 ** 48 - 1;

/**
 * Preorder indexes 1..r-1 (the root left out) ordered by retained size, biggest first,
 * ties in preorder. LSD radix sort on 16-bit digits of a 48-bit key; a digit every key
 * shares is skipped.
 */
export function byRetainedDesc(g: HeapGraph): Uint32Array {
  const r = g.reachableCount;
  const n = Math.max(0, r - 1);
  const ret = g.retainedPre;
  let src = takeScratch(g, n);
  let dst = takeScratch(g, n);
  for (let i = 0; i < n; i++) src[i] = i + 1;
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 3; pass++) {
    const div = 2 ** (16 * pass);
    const digit = (p: number): number => {
      const k = KEY_MAX - Math.min(ret[p]!, KEY_MAX);
      return Math.floor(k / div) % 65536;
    };
    count.fill(0);
    for (let i = 0; i < n; i++) count[digit(src[i]!)]!++;
    if (n === 0 || count[digit(src[0]!)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const p = src[i]!;
      dst[count[digit(p)]!++] = p;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  g.scratch.push(dst);
  return src;
}

/** Node ordinals sorted by node id (two 16-bit radix passes). */
function byNodeId(g: HeapGraph): Uint32Array {
  const n = g.raw.nodeCount;
  const ids = g.raw.nodeId;
  let src = sharedU32(n);
  let dst = takeScratch(g, n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    src[i] = i;
    if (i > 0 && ids[i]! < ids[i - 1]!) sorted = false;
  }
  if (sorted) {
    g.scratch.push(dst);
    return src;
  }
  const count = new Uint32Array(65536);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(ids[src[i]!]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const o = src[i]!;
      dst[count[(ids[o]! >>> shift) & 0xffff]!++] = o;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // src may be a scratch view: keep it (it is the index now), return the other.
  g.scratch.push(dst);
  return src;
}

/** Builds every index; the retainer index on the worker when there is one. */
export async function buildExplorerIndex(
  g: HeapGraph,
  worker: AnalysisWorker | null,
): Promise<ExplorerIndex> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const { raw } = g;
  const w: ExplorerWorkerArrays = {
    nodeCount: raw.nodeCount,
    edgeCount: raw.edgeCount,
    firstEdge: raw.firstEdge,
    edgeType: raw.edgeType,
    edgeTo: raw.edgeTo,
    weakType: raw.meta.edgeTypes.indexOf('weak'),
    shortcutType: raw.meta.edgeTypes.indexOf('shortcut'),
    distance: sharedU32(raw.nodeCount),
    order: sharedU32(raw.nodeCount),
    firstRetainer: sharedU32(raw.nodeCount + 1),
    retainerEdges: sharedU32(raw.edgeCount),
  };
  let remote: Promise<void> | null = null;
  if (worker && !worker.dead) {
    remote = worker.run({ kind: 'explorer', arrays: w });
    remote.catch(() => undefined);
  }

  const r = g.reachableCount;
  const order = byRetainedDesc(g);
  lap('sort');
  // Stable counting sorts over the retained order: each list comes out biggest first.
  const firstChild = sharedU32(r + 1);
  const dom = g.idomPre;
  for (let i = 0; i < order.length; i++) firstChild[dom[order[i]!]! + 1]!++;
  for (let p = 0; p < r; p++) firstChild[p + 1]! += firstChild[p]!;
  const children = sharedU32(order.length);
  {
    const fill = takeScratch(g, r);
    fill.set(firstChild.subarray(0, r));
    for (let i = 0; i < order.length; i++) {
      const p = order[i]!;
      children[fill[dom[p]!]!++] = p;
    }
    g.scratch.push(fill);
  }
  // The summary reads the same children (order does not matter to it).
  g.domChildren = { firstChild, children };
  lap('children');
  const classCount = g.classNames.length;
  const firstInstance = new Uint32Array(classCount + 1);
  const classOf = g.classOf;
  const preToNode = g.preToNode;
  for (let i = 0; i < order.length; i++) firstInstance[classOf[preToNode[order[i]!]!]! + 1]!++;
  for (let c = 0; c < classCount; c++) firstInstance[c + 1]! += firstInstance[c]!;
  const instances = sharedU32(order.length);
  {
    const fill = firstInstance.slice(0, classCount);
    for (let i = 0; i < order.length; i++) {
      const p = order[i]!;
      instances[fill[classOf[preToNode[p]!]!]!++] = p;
    }
  }
  g.scratch.push(order);
  lap('instances');
  const byId = byNodeId(g);
  lap('ids');
  if (remote) {
    try {
      await remote;
    } catch {
      explorerWorkerPhase(w);
    }
  } else {
    explorerWorkerPhase(w);
  }
  lap('retainers');
  g.scratch.push(w.order);
  return {
    firstChild,
    children,
    firstInstance,
    instances,
    byId,
    distance: w.distance,
    firstRetainer: w.firstRetainer,
    retainerEdges: w.retainerEdges,
    timings,
  };
}

// Graph analysis over a parsed snapshot, on flat typed arrays (no object per node):
// first-edge index, reachability from the root (node 0) by a DFS post-order over
// "essential" edges (DevTools: no weak edges, shortcut edges only from the root),
// dominators with the Cooper-Harvey-Kennedy iterative algorithm in post-order space,
// retained sizes accumulated in post order, class names grouped like DevTools.
import type { RawSnapshot } from './parser';

export const NONE = 0xffffffff;

export interface HeapGraph {
  raw: RawSnapshot;
  /** firstEdge[n]..firstEdge[n+1] are node n's edges, as edge ordinals. */
  firstEdge: Uint32Array;
  /** Post-order index of each node ordinal; NONE when unreachable. */
  nodeToPost: Uint32Array;
  /** Node ordinal at each post-order index (only reachable ones). */
  postToNode: Uint32Array;
  reachableCount: number;
  /** Immediate dominator of each node, in post-order space (root dominates itself). */
  dominatorPost: Uint32Array;
  /** Retained size of each node, by post-order index. */
  retainedPost: Float64Array;
  /** Class index of each node ordinal, into classNames. */
  classOf: Uint32Array;
  classNames: string[];
  typeName: (type: number) => string;
  /**
   * Arrays the graph no longer needs (at least nodeCount long), handed to the summary
   * for reuse: fewer big allocations, lower peak RSS. Take with takeScratch().
   */
  scratch: Uint32Array[];
}

export type Progress = (
  phase: 'index' | 'dominators' | 'retained' | 'summary',
  fraction: number,
) => void;

const noProgress: Progress = () => undefined;

/** DevTools-like class name of a node type + name. */
export function classNameFor(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'native':
      return name;
    case 'hidden':
    case 'object shape':
      return '(system)';
    case 'code':
      return '(compiled code)';
    case 'closure':
      return '(closure)';
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'synthetic':
      return name.startsWith('(') ? name : `(${name || 'synthetic'})`;
    default:
      return `(${type})`;
  }
}

export function buildGraph(raw: RawSnapshot, progress: Progress = noProgress): HeapGraph {
  const { nodes, edges, nodeCount, nodeFieldCount: nfc, edgeFieldCount: efc } = raw;
  const nodeTypes = raw.meta.nodeTypes;
  const edgeTypes = raw.meta.edgeTypes;
  const weakType = edgeTypes.indexOf('weak');
  const shortcutType = edgeTypes.indexOf('shortcut');
  const eTypeOff = raw.edgeTypeOffset;
  const eToOff = raw.edgeToNodeOffset;

  // First-edge index.
  const firstEdge = new Uint32Array(nodeCount + 1);
  let e = 0;
  for (let n = 0; n < nodeCount; n++) {
    firstEdge[n] = e;
    e += nodes[n * nfc + raw.nodeEdgeCountOffset]!;
  }
  firstEdge[nodeCount] = e;
  progress('index', 0.2);

  // DFS post order from the root over essential edges (iterative).
  const nodeToPost = new Uint32Array(nodeCount).fill(NONE);
  const postToNode = new Uint32Array(nodeCount);
  const visited = new Uint8Array(nodeCount);
  const stackNode = new Uint32Array(nodeCount);
  const stackEdge = new Uint32Array(nodeCount);
  // Essential edges into each node, counted during the DFS (which scans every edge of
  // every reachable node exactly once): saves a pass over all edges.
  const retainerCount = new Uint32Array(nodeCount);
  let post = 0;
  stackNode[0] = 0;
  stackEdge[0] = firstEdge[0]!;
  visited[0] = 1;
  let sp = 1;
  while (sp > 0) {
    const n = stackNode[sp - 1]!;
    const end = firstEdge[n + 1]!;
    let ei = stackEdge[sp - 1]!;
    let pushed = false;
    while (ei < end) {
      const base = ei * efc;
      ei++;
      const t = edges[base + eTypeOff]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const to = edges[base + eToOff]!;
      retainerCount[to]!++;
      if (visited[to] === 1) continue;
      visited[to] = 1;
      stackEdge[sp - 1] = ei;
      stackNode[sp] = to;
      stackEdge[sp] = firstEdge[to]!;
      sp++;
      pushed = true;
      break;
    }
    if (!pushed) {
      nodeToPost[n] = post;
      postToNode[post++] = n;
      sp--;
    }
  }
  const reachableCount = post;
  const rootPost = reachableCount - 1;
  progress('index', 0.5);

  // Retainers through essential edges, reachable nodes only, in post-order space.
  const firstRetainer = new Uint32Array(reachableCount + 1);
  for (let p = 0; p < reachableCount; p++) {
    firstRetainer[p + 1] = firstRetainer[p]! + retainerCount[postToNode[p]!]!;
  }
  const retainers = new Uint32Array(firstRetainer[reachableCount]!);
  // The DFS stack is free now: reuse it for the fill cursors.
  const fill = stackNode;
  fill.set(firstRetainer.subarray(0, reachableCount));
  for (let n = 0; n < nodeCount; n++) {
    const fromPost = nodeToPost[n]!;
    if (fromPost === NONE) continue;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const base = ei * efc;
      const t = edges[base + eTypeOff]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const toPost = nodeToPost[edges[base + eToOff]!]!;
      if (toPost !== NONE) retainers[fill[toPost]!++] = fromPost;
    }
  }
  progress('index', 1);

  // Cooper-Harvey-Kennedy: iterate in reverse post order until nothing changes; only
  // nodes whose retainers' dominators changed are revisited.
  const dom = new Uint32Array(reachableCount).fill(NONE);
  dom[rootPost] = rootPost;
  const affected = new Uint8Array(reachableCount).fill(1);
  let changed = true;
  let rounds = 0;
  while (changed) {
    changed = false;
    rounds++;
    for (let p = rootPost - 1; p >= 0; p--) {
      if (affected[p] === 0) continue;
      affected[p] = 0;
      let newDom = NONE;
      for (let r = firstRetainer[p]!, end = firstRetainer[p + 1]!; r < end; r++) {
        let f1 = retainers[r]!;
        if (dom[f1] === NONE) continue;
        if (newDom === NONE) {
          newDom = f1;
          continue;
        }
        let f2 = newDom;
        while (f1 !== f2) {
          while (f1 < f2) f1 = dom[f1]!;
          while (f2 < f1) f2 = dom[f2]!;
        }
        newDom = f1;
        if (newDom === rootPost) break;
      }
      if (newDom !== NONE && dom[p] !== newDom) {
        dom[p] = newDom;
        changed = true;
        const n = postToNode[p]!;
        for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
          const toPost = nodeToPost[edges[ei * efc + eToOff]!]!;
          if (toPost !== NONE) affected[toPost] = 1;
        }
      }
    }
    progress('dominators', Math.min(0.95, rounds / 10));
  }
  progress('dominators', 1);

  // Retained sizes: a dominator always has a larger post-order index than the nodes it
  // dominates (it is their DFS ancestor), so one pass in post order accumulates them.
  const retainedPost = new Float64Array(reachableCount);
  const selfOff = raw.nodeSelfSizeOffset;
  for (let p = 0; p < reachableCount; p++) {
    retainedPost[p] = nodes[postToNode[p]! * nfc + selfOff]!;
  }
  for (let p = 0; p < rootPost; p++) retainedPost[dom[p]!]! += retainedPost[p]!;
  progress('retained', 1);

  // Class of every node: object-like types are keyed by name, others share one class
  // per type. Flat lookup tables instead of maps: this runs once per node.
  const classOf = new Uint32Array(nodeCount);
  const classNames: string[] = [];
  const classIndex = new Map<string, number>();
  const classFor = (cname: string): number => {
    let c = classIndex.get(cname);
    if (c === undefined) {
      c = classNames.length;
      classNames.push(cname);
      classIndex.set(cname, c);
    }
    return c;
  };
  const byName = new Int32Array(raw.strings.length).fill(-1);
  const byType = new Int32Array(nodeTypes.length).fill(-1);
  const namedType = new Uint8Array(nodeTypes.length);
  nodeTypes.forEach((t, k) => {
    if (t === 'object' || t === 'native') namedType[k] = 1;
    else if (t === 'synthetic') namedType[k] = 2;
  });
  const typeOff = raw.nodeTypeOffset;
  const nameOff = raw.nodeNameOffset;
  for (let n = 0; n < nodeCount; n++) {
    const t = nodes[n * nfc + typeOff]!;
    const kind = namedType[t]!;
    let c: number;
    if (kind === 0) {
      c = byType[t]!;
      if (c === -1) byType[t] = c = classFor(classNameFor(nodeTypes[t] ?? 'unknown', ''));
    } else if (kind === 1) {
      const nameIdx = nodes[n * nfc + nameOff]!;
      c = byName[nameIdx]!;
      if (c === -1)
        byName[nameIdx] = c = classFor(classNameFor('object', raw.strings[nameIdx] ?? ''));
    } else {
      // Synthetic nodes are few (roots): no table.
      c = classFor(classNameFor('synthetic', raw.strings[nodes[n * nfc + nameOff]!] ?? ''));
    }
    classOf[n] = c;
  }

  return {
    raw,
    firstEdge,
    nodeToPost,
    postToNode,
    reachableCount,
    dominatorPost: dom,
    retainedPost,
    scratch: [stackEdge, retainerCount, stackNode],
    classOf,
    classNames,
    typeName: (type) => nodeTypes[type] ?? 'unknown',
  };
}

/** A zeroed array of `length` from the graph's scratch, or a new one. */
export function takeScratch(g: HeapGraph, length: number): Uint32Array {
  const k = g.scratch.findIndex((a) => a.length >= length);
  if (k === -1) return new Uint32Array(length);
  const [a] = g.scratch.splice(k, 1);
  return a!.subarray(0, length).fill(0);
}

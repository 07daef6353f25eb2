// Graph analysis over a parsed snapshot, on flat typed arrays (no object per node):
// reachability from the root (node 0) by a DFS over "essential" edges (DevTools: no
// weak edges, shortcut edges only from the root) numbering nodes in preorder,
// predecessors in preorder space, immediate dominators by semi-NCA (Georgiadis; the
// variant LLVM uses: semidominators with path compression, then each idom from its
// DFS parent up to its semidominator), retained sizes accumulated in reverse preorder
// (a dominator always precedes what it dominates), class names grouped like DevTools.
//
// The phases are plain functions over shared arrays (GraphArrays) so that either thread
// can run them: buildGraph() runs them all here; loadGraph() (analyze.ts) hands the DFS,
// half of the predecessors, the class counts and the dominator tree's children to the
// analysis worker (graph-tasks.ts).
import type { RawSnapshot } from './parser';
import { sharedU32 } from './parser';

export const NONE = 0xffffffff;

/** The arrays the graph phases read and write; shared memory, so a worker can run a phase. */
export interface GraphArrays {
  nodeCount: number;
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  edgeTo: Uint32Array;
  /** Edge type indexes of weak and shortcut edges (-1 when the snapshot has none). */
  weakType: number;
  shortcutType: number;
  /** Preorder index of each node ordinal; NONE when unreachable. */
  nodeToPre: Uint32Array;
  preToNode: Uint32Array;
  /** DFS parent of each preorder index (the root's is itself). */
  parentPre: Uint32Array;
  /** Essential edges from reachable nodes into each node ordinal (nodeCount + 1). */
  retainerCount: Uint32Array;
  /** DFS stacks; free for reuse after the DFS. */
  stackA: Uint32Array;
  stackB: Uint32Array;
  /** [0]: reachable count, set by the DFS; [1]: the preorder index that halves the edges. */
  info: Int32Array;
}

export interface HeapGraph {
  raw: RawSnapshot;
  reachableCount: number;
  /** Preorder index of each node ordinal (DFS over essential edges); NONE when unreachable. */
  nodeToPre: Uint32Array;
  /** Node ordinal at each preorder index (reachable ones only). */
  preToNode: Uint32Array;
  /** Immediate dominator of each preorder index, as a preorder index (the root's is 0). */
  idomPre: Uint32Array;
  /** Retained size of each node, by preorder index. */
  retainedPre: Float64Array;
  /** Class index of each node ordinal, into classNames. */
  classOf: Uint32Array;
  classNames: string[];
  typeName: (type: number) => string;
  /**
   * Arrays the graph no longer needs (at least nodeCount long), handed to the summary
   * for reuse: fewer big allocations, lower peak RSS. Take with takeScratch().
   */
  scratch: Uint32Array[];
  /** Dominator-tree children, once computed (by the summary, the explorer or the worker). */
  domChildren?: { firstChild: Uint32Array; children: Uint32Array };
  /** Counts and sizes per class, once computed (summary.ts classStats). */
  stats?: ClassStats;
}

/** Per class: reachable objects and their shallow bytes; and totals of the heap. */
export interface ClassStats {
  count: Float64Array;
  shallow: Float64Array;
  totalShallowBytes: number;
  reachableShallowBytes: number;
  minNodeId: number;
  maxNodeId: number;
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

export function graphArrays(
  src: Pick<RawSnapshot, 'nodeCount' | 'firstEdge' | 'edgeType' | 'edgeTo'>,
  edgeTypes: readonly string[],
): GraphArrays {
  const n = src.nodeCount;
  return {
    nodeCount: n,
    firstEdge: src.firstEdge,
    edgeType: src.edgeType,
    edgeTo: src.edgeTo,
    weakType: edgeTypes.indexOf('weak'),
    shortcutType: edgeTypes.indexOf('shortcut'),
    nodeToPre: sharedU32(n),
    preToNode: sharedU32(n),
    parentPre: sharedU32(n),
    retainerCount: sharedU32(n + 1),
    stackA: sharedU32(n),
    stackB: sharedU32(n),
    info: new Int32Array(new SharedArrayBuffer(16)),
  };
}

/**
 * Iterative DFS from the root over essential edges: preorder numbers, DFS parents, and
 * how many essential edges come into each node (by preorder index; it scans each edge
 * of each reachable node once).
 */
export function dfsPhase(a: GraphArrays): void {
  const { firstEdge, edgeType, edgeTo, weakType, shortcutType } = a;
  const { nodeToPre, preToNode, parentPre } = a;
  const countPre = a.retainerCount;
  const stackNode = a.stackA;
  const stackEdge = a.stackB;
  nodeToPre.fill(NONE);
  nodeToPre[0] = 0;
  preToNode[0] = 0;
  parentPre[0] = 0;
  let pre = 1;
  stackNode[0] = 0;
  stackEdge[0] = firstEdge[0]!;
  let sp = 1;
  while (sp > 0) {
    const n = stackNode[sp - 1]!;
    const end = firstEdge[n + 1]!;
    let ei = stackEdge[sp - 1]!;
    let pushed = false;
    while (ei < end) {
      const t = edgeType[ei]!;
      const to = edgeTo[ei]!;
      ei++;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const tp = nodeToPre[to]!;
      if (tp !== NONE) {
        countPre[tp]!++;
        continue;
      }
      countPre[pre]!++;
      nodeToPre[to] = pre;
      preToNode[pre] = to;
      parentPre[pre] = nodeToPre[n]!;
      pre++;
      stackEdge[sp - 1] = ei;
      stackNode[sp] = to;
      stackEdge[sp] = firstEdge[to]!;
      sp++;
      pushed = true;
      break;
    }
    if (!pushed) sp--;
  }
  a.info[0] = pre;
}

/**
 * The DFS without the counting (the parallel path counts predecessors on both threads
 * afterwards, predsCountPhase): preorder numbers and DFS parents only.
 */
export function dfsOnlyPhase(a: GraphArrays): void {
  const { firstEdge, edgeType, edgeTo, weakType, shortcutType } = a;
  const { nodeToPre, preToNode, parentPre } = a;
  const stackNode = a.stackA;
  const stackEdge = a.stackB;
  nodeToPre.fill(NONE);
  nodeToPre[0] = 0;
  preToNode[0] = 0;
  parentPre[0] = 0;
  let pre = 1;
  stackNode[0] = 0;
  stackEdge[0] = firstEdge[0]!;
  let sp = 1;
  // Where the nodes visited so far own half the edges: the two threads' split later.
  // (This thread takes a little less: it also sums the prefix in between.)
  const halfEdges = firstEdge[a.nodeCount]! * 0.42;
  let edges = firstEdge[1]!;
  let half = 0;
  while (sp > 0) {
    const n = stackNode[sp - 1]!;
    const end = firstEdge[n + 1]!;
    let ei = stackEdge[sp - 1]!;
    let pushed = false;
    while (ei < end) {
      const t = edgeType[ei]!;
      const to = edgeTo[ei]!;
      ei++;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      if (nodeToPre[to] !== NONE) continue;
      nodeToPre[to] = pre;
      preToNode[pre] = to;
      parentPre[pre] = nodeToPre[n]!;
      edges += firstEdge[to + 1]! - firstEdge[to]!;
      if (half === 0 && edges >= halfEdges) half = pre;
      pre++;
      stackEdge[sp - 1] = ei;
      stackNode[sp] = to;
      stackEdge[sp] = firstEdge[to]!;
      sp++;
      pushed = true;
      break;
    }
    if (!pushed) sp--;
  }
  a.info[0] = pre;
  a.info[1] = half > 0 ? half : pre >>> 1;
}

/** Essential edges into each node from the sources with preorder index in [from, to). */
export function predsCountPhase(a: GraphArrays, from: number, to: number, cnt: Uint32Array): void {
  const { firstEdge, edgeType, edgeTo, weakType, shortcutType, nodeToPre, preToNode } = a;
  for (let p = from; p < to; p++) {
    const n = preToNode[p]!;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const t = edgeType[ei]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      cnt[nodeToPre[edgeTo[ei]!]!]!++;
    }
  }
}

/** Writes the sources in [from, to) into their targets' predecessor lists (cursors advance). */
export function predsFillPhase(
  a: GraphArrays,
  from: number,
  to: number,
  cursor: Uint32Array,
  preds: Uint32Array,
): void {
  const { firstEdge, edgeType, edgeTo, weakType, shortcutType, nodeToPre, preToNode } = a;
  for (let p = from; p < to; p++) {
    const n = preToNode[p]!;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const t = edgeType[ei]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      preds[cursor[nodeToPre[edgeTo[ei]!]!]!++] = p;
    }
  }
}

/**
 * From the two halves' counts (sources [0, mid) in cntA, [mid, r) in cntB): firstPred
 * in a.retainerCount, and cntA / cntB turned into the two halves' fill cursors, so the
 * lists come out ascending as the one-thread version makes them.
 */
export function predsPrefix(
  a: GraphArrays,
  cntA: Uint32Array,
  cntB: Uint32Array,
): { firstPred: Uint32Array; preds: Uint32Array } {
  const r = a.info[0]!;
  const fp = a.retainerCount;
  let sum = 0;
  for (let t = 0; t < r; t++) {
    const x = cntA[t]!;
    const y = cntB[t]!;
    fp[t] = sum;
    cntA[t] = sum;
    cntB[t] = sum + x;
    sum += x + y;
  }
  fp[r] = sum;
  return { firstPred: fp.subarray(0, r + 1), preds: sharedU32(sum) };
}

/**
 * Predecessors of every reachable node through essential edges, in preorder space,
 * each list ascending. The DFS's counts become firstPred in place (r + 1 entries).
 */
export function predecessorsPhase(a: GraphArrays): { firstPred: Uint32Array; preds: Uint32Array } {
  const r = a.info[0]!;
  const { firstEdge, edgeType, edgeTo, weakType, shortcutType, nodeToPre, preToNode } = a;
  const fp = a.retainerCount;
  // Exclusive prefix sums in place: fp[p] = first pred of p.
  let sum = 0;
  for (let p = 0; p < r; p++) {
    const c = fp[p]!;
    fp[p] = sum;
    sum += c;
  }
  fp[r] = sum;
  const preds = sharedU32(sum);
  // fp[t] is the cursor of t while filling: afterwards fp[t] is the old fp[t + 1].
  for (let p = 0; p < r; p++) {
    const n = preToNode[p]!;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const t = edgeType[ei]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      preds[fp[nodeToPre[edgeTo[ei]!]!]!++] = p;
    }
  }
  for (let p = r; p >= 1; p--) fp[p] = fp[p - 1]!;
  fp[0] = 0;
  return { firstPred: fp.subarray(0, r + 1), preds };
}

/**
 * Semi-NCA: semidominators in reverse preorder (eval with path compression over the
 * nodes already processed), then idom(w) = the nearest ancestor of parent(w) in the
 * dominator tree that is not below semi(w). Writes idom by preorder index.
 * `semi` and `label` are scratch of at least r entries; parentPre is overwritten.
 */
export function dominatorsPhase(
  r: number,
  parentPre: Uint32Array,
  firstPred: Uint32Array,
  preds: Uint32Array,
  semi: Uint32Array,
  label: Uint32Array,
  idom: Uint32Array,
): void {
  // The eval stack: compressed paths are short, except the first walk up a long chain.
  let stack = new Uint32Array(1 << 12);
  // parentPre becomes the ancestor links of the compressed forest: copy it to idom first.
  idom.set(parentPre.subarray(0, r));
  const anc = parentPre;
  for (let v = 0; v < r; v++) {
    semi[v] = v;
    label[v] = v;
  }
  for (let w = r - 1; w >= 1; w--) {
    let sw = idom[w]!; // the DFS parent: always a candidate
    const last = w + 1;
    for (let k = firstPred[w]!, end = firstPred[w + 1]!; k < end; k++) {
      let v = preds[k]!;
      let u: number;
      if (anc[v]! < last) {
        u = label[v]!;
      } else {
        // eval(v): compress the path of processed nodes above v.
        let sp = 0;
        do {
          if (sp === stack.length) {
            const grown = new Uint32Array(Math.min(r, stack.length * 2));
            grown.set(stack);
            stack = grown;
          }
          stack[sp++] = v;
          v = anc[v]!;
        } while (anc[v]! >= last);
        let p = v;
        let pLabel = label[p]!;
        let x: number;
        do {
          x = stack[--sp]!;
          anc[x] = anc[p]!;
          const xLabel = label[x]!;
          if (semi[pLabel]! < semi[xLabel]!) label[x] = pLabel;
          else pLabel = xLabel;
          p = x;
        } while (sp > 0);
        u = label[x]!;
      }
      const su = semi[u]!;
      if (su < sw) sw = su;
    }
    semi[w] = sw;
  }
  idom[0] = 0;
  for (let w = 1; w < r; w++) {
    const s = semi[w]!;
    let c = idom[w]!;
    while (c > s) c = idom[c]!;
    idom[w] = c;
  }
}

/**
 * Retained sizes by preorder index: self sizes, then each added to its dominator.
 * `room`, when big enough, holds the result (the free predecessor array).
 */
export function retainedPhase(
  r: number,
  preToNode: Uint32Array,
  selfSize: Uint32Array,
  idom: Uint32Array,
  room?: Uint32Array,
): Float64Array {
  const ret =
    room && room.byteOffset % 8 === 0 && room.byteLength >= r * 8
      ? new Float64Array(room.buffer, room.byteOffset, r)
      : new Float64Array(r);
  for (let p = 0; p < r; p++) ret[p] = selfSize[preToNode[p]!]!;
  for (let w = r - 1; w >= 1; w--) ret[idom[w]!]! += ret[w]!;
  return ret;
}

/** Class of every node: object-like types keyed by name, the others one class per type. */
export function classesPhase(raw: RawSnapshot): { classOf: Uint32Array; classNames: string[] } {
  const { nodeCount, nodeType, nodeName } = raw;
  const nodeTypes = raw.meta.nodeTypes;
  const classOf = sharedU32(nodeCount);
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
  for (let n = 0; n < nodeCount; n++) {
    const t = nodeType[n]!;
    const kind = namedType[t]!;
    let c: number;
    if (kind === 0) {
      c = byType[t]!;
      if (c === -1) byType[t] = c = classFor(classNameFor(nodeTypes[t] ?? 'unknown', ''));
    } else if (kind === 1) {
      const nameIdx = nodeName[n]!;
      c = byName[nameIdx]!;
      if (c === -1)
        byName[nameIdx] = c = classFor(classNameFor('object', raw.strings.get(nameIdx)));
    } else {
      // Synthetic nodes are few (roots): no table.
      c = classFor(classNameFor('synthetic', raw.strings.get(nodeName[n]!)));
    }
    classOf[n] = c;
  }
  return { classOf, classNames };
}

/** The phases after the DFS (which `a` already holds), on this thread. */
export function finishGraph(
  raw: RawSnapshot,
  a: GraphArrays,
  classes: { classOf: Uint32Array; classNames: string[] },
  progress: Progress = noProgress,
): HeapGraph {
  const r = a.info[0]!;
  progress('index', 0.5);
  const { firstPred, preds } = predecessorsPhase(a);
  progress('index', 1);
  const idom = sharedU32(r);
  dominatorsPhase(r, a.parentPre, firstPred, preds, a.stackA, a.stackB, idom);
  progress('dominators', 1);
  // The predecessors are done with: the retained sizes go into their memory.
  const retainedPre = retainedPhase(r, a.preToNode, raw.nodeSelfSize, idom, preds);
  progress('retained', 1);
  return assembleGraph(raw, a, classes, idom, retainedPre, preds);
}

/** The graph from its phases' results; the arrays no longer needed become scratch. */
export function assembleGraph(
  raw: RawSnapshot,
  a: GraphArrays,
  classes: { classOf: Uint32Array; classNames: string[] },
  idom: Uint32Array,
  retainedPre: Float64Array,
  preds: Uint32Array,
): HeapGraph {
  const r = a.info[0]!;
  // The DFS stacks, the parents (the dominators' ancestor links) and the counts are free.
  const scratch = [a.stackA, a.stackB, a.parentPre, a.retainerCount];
  const usedBytes = retainedPre.buffer === preds.buffer ? retainedPre.byteLength : 0;
  const rest = Math.floor((preds.byteLength - usedBytes) / 4);
  if (rest >= r) scratch.push(new Uint32Array(preds.buffer, preds.byteOffset + usedBytes, rest));
  const nodeTypes = raw.meta.nodeTypes;
  return {
    raw,
    reachableCount: r,
    nodeToPre: a.nodeToPre,
    preToNode: a.preToNode,
    idomPre: idom,
    retainedPre,
    classOf: classes.classOf,
    classNames: classes.classNames,
    typeName: (type) => nodeTypes[type] ?? 'unknown',
    scratch,
  };
}

export function buildGraph(raw: RawSnapshot, progress: Progress = noProgress): HeapGraph {
  const a = graphArrays(raw, raw.meta.edgeTypes);
  dfsPhase(a);
  progress('index', 0.3);
  return finishGraph(raw, a, classesPhase(raw), progress);
}

/**
 * Children of every node in the dominator tree, in preorder space (counting sort; each
 * node's children ascending): children[firstChild[p] .. firstChild[p + 1]).
 */
export function domChildrenPhase(
  r: number,
  idom: Uint32Array,
  room?: { firstChild: Uint32Array; children: Uint32Array; fill: Uint32Array },
): { firstChild: Uint32Array; children: Uint32Array } {
  const firstChild = room ? room.firstChild.subarray(0, r + 1).fill(0) : sharedU32(r + 1);
  for (let p = 1; p < r; p++) firstChild[idom[p]! + 1]!++;
  for (let p = 0; p < r; p++) firstChild[p + 1]! += firstChild[p]!;
  const children = room
    ? room.children.subarray(0, Math.max(0, r - 1))
    : sharedU32(Math.max(0, r - 1));
  const fill = room ? room.fill : new Uint32Array(r);
  fill.set(firstChild.subarray(0, r));
  for (let p = 1; p < r; p++) children[fill[idom[p]!]!++] = p;
  return { firstChild, children };
}

/** A zeroed array of `length` from the graph's scratch, or a new one. */
export function takeScratch(g: HeapGraph, length: number): Uint32Array {
  let best = -1;
  for (let k = 0; k < g.scratch.length; k++) {
    const len = g.scratch[k]!.length;
    if (len >= length && (best === -1 || len < g.scratch[best]!.length)) best = k;
  }
  if (best === -1) return new Uint32Array(length);
  const [a] = g.scratch.splice(best, 1);
  return a!.subarray(0, length).fill(0);
}

// Plain results from a HeapGraph: the summary by class, the shortest retainer path to
// an instance of a class, and the per-node data a diff needs.
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type {
  ConstructorStat,
  RetainerPath,
  RetainerStep,
  SnapshotMeta,
  SnapshotSummary,
} from '../../../shared/snapshot-model';
import { domChildrenPhase, NONE, takeScratch, type ClassStats, type HeapGraph } from './graph';

const MAX_NAME_CHARS = 200;

export interface SummaryOptions {
  top?: number;
  meta: Omit<SnapshotMeta, 'minNodeId' | 'maxNodeId'>;
  analysisMs?: number;
}

/**
 * Count and shallow size per class over reachable nodes; the retained size of a class
 * is the sum over its instances that no other instance of the class dominates (DevTools).
 */
/** What classStats reads: plain shared arrays, so the worker can run it. */
export interface ClassStatsInput {
  nodeCount: number;
  nodeSelfSize: Uint32Array;
  nodeId: Uint32Array;
  reachableCount: number;
  preToNode: Uint32Array;
  classOf: Uint32Array;
  classCount: number;
}

/** Counts and shallow sizes per class and the heap's totals (needs no dominators). */
export function classStats(g: HeapGraph): ClassStats {
  return classStatsOf({
    nodeCount: g.raw.nodeCount,
    nodeSelfSize: g.raw.nodeSelfSize,
    nodeId: g.raw.nodeId,
    reachableCount: g.reachableCount,
    preToNode: g.preToNode,
    classOf: g.classOf,
    classCount: g.classNames.length,
  });
}

export function classStatsOf(x: ClassStatsInput): ClassStats {
  const { reachableCount, preToNode, classOf, nodeSelfSize, nodeId, classCount } = x;
  const count = new Float64Array(classCount);
  const shallow = new Float64Array(classCount);
  let totalShallowBytes = 0;
  let minNodeId = Infinity;
  let maxNodeId = 0;
  for (let n = 0; n < x.nodeCount; n++) {
    totalShallowBytes += nodeSelfSize[n]!;
    const id = nodeId[n]!;
    // V8 gives heap objects odd ids; native and synthetic nodes even ones (some huge).
    if (id % 2 === 1) {
      if (id < minNodeId) minNodeId = id;
      if (id > maxNodeId) maxNodeId = id;
    }
  }
  let reachableShallowBytes = 0;
  // The root (preorder 0) is not an object of the heap: not counted.
  for (let p = 1; p < reachableCount; p++) {
    const n = preToNode[p]!;
    const c = classOf[n]!;
    const size = nodeSelfSize[n]!;
    count[c]!++;
    shallow[c]! += size;
    reachableShallowBytes += size;
  }
  return {
    count,
    shallow,
    totalShallowBytes,
    reachableShallowBytes,
    minNodeId: minNodeId === Infinity ? 0 : minNodeId,
    maxNodeId,
  };
}

export function summarize(g: HeapGraph, options: SummaryOptions): SnapshotSummary {
  const { raw, reachableCount, preToNode, retainedPre, classOf } = g;
  const classCount = g.classNames.length;
  const stats = g.stats ?? (g.stats = classStats(g));
  const { count, shallow, totalShallowBytes, reachableShallowBytes } = stats;
  const retained = new Float64Array(classCount);

  // Dominator tree children (counting sort), then a DFS from the root that adds a node's
  // retained size to its class only when no ancestor of the same class is open.
  const { firstChild, children } = dominatorChildren(g);
  const stackPre = takeScratch(g, reachableCount);
  const stackChild = takeScratch(g, reachableCount);
  const open = new Uint32Array(classCount);
  let sp = 0;
  // Start below the root so it adds nothing to its own class.
  if (reachableCount > 0) {
    stackPre[0] = 0;
    stackChild[0] = firstChild[0]!;
    sp = 1;
  }
  while (sp > 0) {
    const p = stackPre[sp - 1]!;
    const ci = stackChild[sp - 1]!;
    if (ci < firstChild[p + 1]!) {
      stackChild[sp - 1] = ci + 1;
      const q = children[ci]!;
      const c = classOf[preToNode[q]!]!;
      if (open[c] === 0) retained[c]! += retainedPre[q]!;
      open[c]!++;
      stackPre[sp] = q;
      stackChild[sp] = firstChild[q]!;
      sp++;
    } else {
      if (p !== 0) open[classOf[preToNode[p]!]!]!--;
      sp--;
    }
  }
  g.scratch.push(stackPre, stackChild);

  const rows: ConstructorStat[] = [];
  for (let c = 0; c < classCount; c++) {
    if (count[c] === 0) continue;
    rows.push({
      name: capName(g.classNames[c]!),
      count: count[c]!,
      shallowBytes: shallow[c]!,
      retainedBytes: retained[c]!,
    });
  }
  rows.sort((a, b) => b.retainedBytes - a.retainedBytes || a.name.localeCompare(b.name));
  const top = options.top ?? 50;
  return {
    nodeCount: raw.nodeCount,
    edgeCount: raw.edgeCount,
    totalShallowBytes,
    reachableShallowBytes,
    constructors: rows.slice(0, Math.max(0, top)),
    constructorCount: rows.length,
    meta: {
      ...options.meta,
      minNodeId: stats.minNodeId,
      maxNodeId: stats.maxNodeId,
    },
    analysisMs: options.analysisMs ?? 0,
  };
}

/**
 * Children of every node in the dominator tree, in preorder space (counting sort; each
 * node's children ascending). Computed once per graph and kept on it.
 */
export function dominatorChildren(g: HeapGraph): {
  firstChild: Uint32Array;
  children: Uint32Array;
} {
  if (!g.domChildren) g.domChildren = domChildrenPhase(g.reachableCount, g.idomPre);
  return g.domChildren;
}

export function capName(s: string): string {
  return s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS)}…` : s;
}

export function edgeLabel(g: HeapGraph, edgeOrdinal: number): { name: string; type: string } {
  const { raw } = g;
  const type = raw.meta.edgeTypes[raw.edgeType[edgeOrdinal]!] ?? 'unknown';
  const nameOrIndex = raw.edgeName[edgeOrdinal]!;
  const name =
    type === 'element' || type === 'hidden'
      ? String(nameOrIndex)
      : capName(raw.strings.get(nameOrIndex));
  return { name, type };
}

function formatHop(className: string, edge: { name: string; type: string } | undefined): string {
  if (!edge) return className;
  if (edge.type === 'element' || edge.type === 'hidden') return `${className}[${edge.name}]`;
  return `${className}.${edge.name}`;
}

/**
 * Shortest path (fewest edges) from the root to any reachable instance of className,
 * by BFS over essential edges (weak edges skipped; shortcut edges only from the root).
 */
export function retainerPath(g: HeapGraph, className: string): RetainerPath {
  const { raw, nodeToPre, classOf } = g;
  const cls = g.classNames.indexOf(className);
  let instanceCount = 0;
  if (cls !== -1) {
    for (let n = 0; n < raw.nodeCount; n++) {
      if (classOf[n] === cls && nodeToPre[n] !== NONE) instanceCount++;
    }
  }
  if (instanceCount === 0) {
    throw new MonitorError(
      ErrorCodes.CLASS_NOT_FOUND,
      `No reachable instance of class "${capName(className)}" in this snapshot.`,
    );
  }
  const parentEdge = shortestPathTree(g, (n) => classOf[n] === cls);
  const found = parentEdge.found;
  if (found === NONE) {
    throw new MonitorError(
      ErrorCodes.CLASS_NOT_FOUND,
      `No instance of class "${capName(className)}" is reachable from the GC roots.`,
    );
  }
  const steps = pathSteps(g, found, (n) => parentEdge.edgeInto(n));
  return {
    className: capName(className),
    targetNodeId: raw.nodeId[found]!,
    targetRetainedBytes: g.retainedPre[nodeToPre[found]!]!,
    steps,
    text: pathText(steps),
    instanceCount,
  };
}

/** Source node ordinal of an edge ordinal (binary search in firstEdge). */
export function edgeSource(g: HeapGraph, edge: number): number {
  const fe = g.raw.firstEdge;
  let lo = 0;
  let hi = g.raw.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (fe[mid]! <= edge) lo = mid;
    else hi = mid - 1;
  }
  // Nodes without edges share their firstEdge with the next one: take the last.
  return lo;
}

/**
 * BFS from the root over essential edges (weak skipped; shortcut only from the root)
 * until `stop` accepts a node: the edge each visited node was first reached by.
 */
function shortestPathTree(
  g: HeapGraph,
  stop: (n: number) => boolean,
): { found: number; edgeInto: (n: number) => number } {
  const { raw } = g;
  const { firstEdge, edgeType, edgeTo } = raw;
  const weakType = raw.meta.edgeTypes.indexOf('weak');
  const shortcutType = raw.meta.edgeTypes.indexOf('shortcut');
  const parentEdge = new Uint32Array(raw.nodeCount).fill(NONE);
  const queue = new Uint32Array(raw.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  let found = NONE;
  while (head < tail && found === NONE) {
    const n = queue[head++]!;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const t = edgeType[ei]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const to = edgeTo[ei]!;
      if (to === 0 || parentEdge[to] !== NONE) continue;
      parentEdge[to] = ei;
      if (stop(to)) {
        found = to;
        break;
      }
      queue[tail++] = to;
    }
  }
  return { found, edgeInto: (n) => parentEdge[n]! };
}

/** The steps from the root to `target`, given the edge that reaches each node on the way. */
export function pathSteps(
  g: HeapGraph,
  target: number,
  edgeInto: (n: number) => number,
  maxSteps = Infinity,
): RetainerStep[] {
  const { raw } = g;
  const chain: number[] = [];
  const via: number[] = [];
  for (let n = target; n !== 0;) {
    const e = edgeInto(n);
    chain.push(n);
    via.push(e);
    n = edgeSource(g, e);
    if (chain.length > raw.nodeCount) break;
  }
  // The steps nearest the target, when the path is longer than asked for.
  if (chain.length > maxSteps) {
    chain.length = maxSteps;
    via.length = maxSteps;
  }
  chain.reverse();
  via.reverse();
  // chain[i] is reached by via[i]; the step of chain[i] names the edge to chain[i + 1].
  return chain.map((n, i) => {
    const next = via[i + 1];
    const edge = next === undefined ? undefined : edgeLabel(g, next);
    return {
      nodeId: raw.nodeId[n]!,
      className: capName(g.classNames[g.classOf[n]!]!),
      nodeName: capName(raw.strings.get(raw.nodeName[n]!)),
      nodeType: g.typeName(raw.nodeType[n]!),
      ...(edge ? { edgeName: edge.name, edgeType: edge.type } : {}),
    };
  });
}

export function pathText(steps: RetainerStep[]): string {
  return steps
    .map((s) =>
      formatHop(
        s.className,
        s.edgeName === undefined ? undefined : { name: s.edgeName, type: s.edgeType ?? '' },
      ),
    )
    .join(' -> ');
}

/** What a diff keeps of one snapshot once its big arrays are gone. */
export interface DiffSide {
  /** Reachable node ids, ascending. */
  ids: Uint32Array;
  /** Class index and shallow size, aligned with ids. */
  classes: Uint32Array;
  sizes: Float64Array;
  classNames: string[];
  meta: SnapshotMeta;
}

export function diffSide(
  g: HeapGraph,
  meta: Omit<SnapshotMeta, 'minNodeId' | 'maxNodeId'>,
): DiffSide {
  const { raw, reachableCount, classOf } = g;
  const { nodeId } = raw;
  const order = new Uint32Array(reachableCount);
  let sorted = true;
  let prevId = -1;
  let minNodeId = Infinity;
  let maxNodeId = 0;
  // Node order, restricted to reachable nodes.
  let k = 0;
  for (let n = 0; n < raw.nodeCount; n++) {
    if (g.nodeToPre[n] === NONE) continue;
    const id = nodeId[n]!;
    // Native and synthetic nodes (even ids) get new ids in every snapshot: only heap
    // objects (odd ids, stable in one process) can be matched across snapshots.
    if (id % 2 === 0) continue;
    order[k++] = n;
    if (id <= prevId) sorted = false;
    prevId = id;
    if (id < minNodeId) minNodeId = id;
    if (id > maxNodeId) maxNodeId = id;
  }
  const kept = order.subarray(0, k);
  if (!sorted) kept.sort((a, b) => nodeId[a]! - nodeId[b]!);
  const ids = new Uint32Array(k);
  const classes = new Uint32Array(k);
  const sizes = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const n = kept[i]!;
    ids[i] = nodeId[n]!;
    classes[i] = classOf[n]!;
    sizes[i] = raw.nodeSelfSize[n]!;
  }
  return {
    ids,
    classes,
    sizes,
    classNames: g.classNames.map(capName),
    meta: { ...meta, minNodeId: minNodeId === Infinity ? 0 : minNodeId, maxNodeId },
  };
}

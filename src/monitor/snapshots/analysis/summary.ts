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
import { NONE, takeScratch, type HeapGraph } from './graph';

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
export function summarize(g: HeapGraph, options: SummaryOptions): SnapshotSummary {
  const { raw, reachableCount, postToNode, dominatorPost: dom, retainedPost, classOf } = g;
  const { nodes, nodeFieldCount: nfc } = raw;
  const selfOff = raw.nodeSelfSizeOffset;
  const idOff = raw.nodeIdOffset;
  const classCount = g.classNames.length;
  const count = new Float64Array(classCount);
  const shallow = new Float64Array(classCount);
  const retained = new Float64Array(classCount);
  let totalShallowBytes = 0;
  let minNodeId = Infinity;
  let maxNodeId = 0;
  for (let n = 0; n < raw.nodeCount; n++) {
    totalShallowBytes += nodes[n * nfc + selfOff]!;
    const id = nodes[n * nfc + idOff]!;
    // V8 gives heap objects odd ids; native and synthetic nodes even ones (some huge).
    if (id % 2 === 1) {
      if (id < minNodeId) minNodeId = id;
      if (id > maxNodeId) maxNodeId = id;
    }
  }
  let reachableShallowBytes = 0;
  // The root (last in post order) is not an object of the heap: not counted.
  for (let p = 0; p < reachableCount - 1; p++) {
    const n = postToNode[p]!;
    const c = classOf[n]!;
    const size = nodes[n * nfc + selfOff]!;
    count[c]!++;
    shallow[c]! += size;
    reachableShallowBytes += size;
  }

  // Dominator tree children (counting sort), then a DFS from the root that adds a node's
  // retained size to its class only when no ancestor of the same class is open.
  const rootPost = reachableCount - 1;
  const firstChild = takeScratch(g, reachableCount + 1);
  for (let p = 0; p < rootPost; p++) firstChild[dom[p]! + 1]!++;
  for (let p = 0; p < reachableCount; p++) firstChild[p + 1]! += firstChild[p]!;
  const children = takeScratch(g, Math.max(0, rootPost));
  const stackPost = takeScratch(g, reachableCount);
  const stackChild = takeScratch(g, reachableCount);
  // stackPost is free until the DFS below: it holds the fill cursors first.
  const fill = stackPost;
  fill.set(firstChild.subarray(0, reachableCount));
  for (let p = 0; p < rootPost; p++) children[fill[dom[p]!]!++] = p;
  const open = new Uint32Array(classCount);
  let sp = 0;
  const enter = (p: number): void => {
    const c = classOf[postToNode[p]!]!;
    if (open[c] === 0) retained[c]! += retainedPost[p]!;
    open[c]!++;
    stackPost[sp] = p;
    stackChild[sp] = firstChild[p]!;
    sp++;
  };
  // Start below the root so it adds nothing to its own class.
  if (reachableCount > 0) {
    stackPost[0] = rootPost;
    stackChild[0] = firstChild[rootPost]!;
    sp = 1;
  }
  while (sp > 0) {
    const p = stackPost[sp - 1]!;
    const ci = stackChild[sp - 1]!;
    if (ci < firstChild[p + 1]!) {
      stackChild[sp - 1] = ci + 1;
      enter(children[ci]!);
    } else {
      if (p !== rootPost) open[classOf[postToNode[p]!]!]!--;
      sp--;
    }
  }

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
      minNodeId: minNodeId === Infinity ? 0 : minNodeId,
      maxNodeId,
    },
    analysisMs: options.analysisMs ?? 0,
  };
}

export function capName(s: string): string {
  return s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS)}…` : s;
}

function edgeLabel(g: HeapGraph, edgeOrdinal: number): { name: string; type: string } {
  const { raw } = g;
  const base = edgeOrdinal * raw.edgeFieldCount;
  const type = raw.meta.edgeTypes[raw.edges[base + raw.edgeTypeOffset]!] ?? 'unknown';
  const nameOrIndex = raw.edges[base + raw.edgeNameOffset]!;
  const name =
    type === 'element' || type === 'hidden'
      ? String(nameOrIndex)
      : capName(raw.strings[nameOrIndex] ?? '');
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
  const { raw, nodeToPost, classOf, firstEdge } = g;
  const cls = g.classNames.indexOf(className);
  let instanceCount = 0;
  if (cls !== -1) {
    for (let n = 0; n < raw.nodeCount; n++) {
      if (classOf[n] === cls && nodeToPost[n] !== NONE) instanceCount++;
    }
  }
  if (instanceCount === 0) {
    throw new MonitorError(
      ErrorCodes.CLASS_NOT_FOUND,
      `No reachable instance of class "${capName(className)}" in this snapshot.`,
    );
  }
  const { nodes, edges, nodeFieldCount: nfc, edgeFieldCount: efc } = raw;
  const weakType = raw.meta.edgeTypes.indexOf('weak');
  const shortcutType = raw.meta.edgeTypes.indexOf('shortcut');
  const parentEdge = new Uint32Array(raw.nodeCount).fill(NONE);
  const parentNode = new Uint32Array(raw.nodeCount).fill(NONE);
  const queue = new Uint32Array(raw.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parentNode[0] = 0;
  let found = NONE;
  while (head < tail && found === NONE) {
    const n = queue[head++]!;
    for (let ei = firstEdge[n]!, end = firstEdge[n + 1]!; ei < end; ei++) {
      const base = ei * efc;
      const t = edges[base + raw.edgeTypeOffset]!;
      if (t === weakType || (t === shortcutType && n !== 0)) continue;
      const to = edges[base + raw.edgeToNodeOffset]!;
      if (parentNode[to] !== NONE) continue;
      parentNode[to] = n;
      parentEdge[to] = ei;
      if (classOf[to] === cls) {
        found = to;
        break;
      }
      queue[tail++] = to;
    }
  }
  if (found === NONE) {
    throw new MonitorError(
      ErrorCodes.CLASS_NOT_FOUND,
      `No instance of class "${capName(className)}" is reachable from the GC roots.`,
    );
  }
  const chain: number[] = [];
  for (let n = found; n !== 0; n = parentNode[n]!) chain.push(n);
  chain.reverse();
  const steps: RetainerStep[] = chain.map((n, i) => {
    const next = chain[i + 1];
    const edge = next === undefined ? undefined : edgeLabel(g, parentEdge[next]!);
    const typeName = g.typeName(nodes[n * nfc + raw.nodeTypeOffset]!);
    return {
      nodeId: nodes[n * nfc + raw.nodeIdOffset]!,
      className: capName(g.classNames[classOf[n]!]!),
      nodeName: capName(raw.strings[nodes[n * nfc + raw.nodeNameOffset]!] ?? ''),
      nodeType: typeName,
      ...(edge ? { edgeName: edge.name, edgeType: edge.type } : {}),
    };
  });
  const text = steps
    .map((s) =>
      formatHop(
        s.className,
        s.edgeName === undefined ? undefined : { name: s.edgeName, type: s.edgeType ?? '' },
      ),
    )
    .join(' -> ');
  return {
    className: capName(className),
    targetNodeId: nodes[found * nfc + raw.nodeIdOffset]!,
    targetRetainedBytes: g.retainedPost[nodeToPost[found]!]!,
    steps,
    text,
    instanceCount,
  };
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
  const { nodes, nodeFieldCount: nfc } = raw;
  const idOff = raw.nodeIdOffset;
  const order = new Uint32Array(reachableCount);
  let sorted = true;
  let prevId = -1;
  let minNodeId = Infinity;
  let maxNodeId = 0;
  // Node order, restricted to reachable nodes.
  let k = 0;
  for (let n = 0; n < raw.nodeCount; n++) {
    if (g.nodeToPost[n] === NONE) continue;
    const id = nodes[n * nfc + idOff]!;
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
  if (!sorted) kept.sort((a, b) => nodes[a * nfc + idOff]! - nodes[b * nfc + idOff]!);
  const ids = new Uint32Array(k);
  const classes = new Uint32Array(k);
  const sizes = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const n = kept[i]!;
    ids[i] = nodes[n * nfc + idOff]!;
    classes[i] = classOf[n]!;
    sizes[i] = nodes[n * nfc + raw.nodeSelfSizeOffset]!;
  }
  return {
    ids,
    classes,
    sizes,
    classNames: g.classNames.map(capName),
    meta: { ...meta, minNodeId: minNodeId === Infinity ? 0 : minNodeId, maxNodeId },
  };
}

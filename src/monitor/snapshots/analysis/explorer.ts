// An open snapshot in the analysis process: the graph and its indexes (explorer-index.ts)
// and the queries the heap explorer asks, each answered in one page of at most 200 rows
// from flat arrays (no per-query allocation beyond the page itself, so the process's
// memory stays flat however long a user browses).
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import {
  EXPLORER_MAX_PAGE,
  type ConstructorStat,
  type ExplorerInstances,
  type ExplorerNode,
  type ExplorerNodeDetails,
  type ExplorerPage,
  type ExplorerPath,
  type ExplorerRetainer,
  type SnapshotSummary,
} from '../../../shared/snapshot-model';
import type { AnalysisWorker } from './analysis-worker';
import { buildExplorerIndex, type ExplorerIndex } from './explorer-index';
import { NONE, type HeapGraph } from './graph';
import { indexEdgeTypes } from './parser';
import {
  capName,
  edgeLabel,
  edgeSource,
  pathSteps,
  pathText,
  summarize,
  type SummaryOptions,
} from './summary';

const PREVIEW_CHARS = 200;
const SUMMARY_ROWS = 50;

/** What the explorer is asked; every answer is plain data. */
export type ExplorerQuery =
  | { kind: 'children'; nodeId?: number; offset?: number; limit?: number }
  | { kind: 'retainers'; nodeId: number; offset?: number; limit?: number }
  | {
      kind: 'instances';
      className: string;
      offset?: number;
      limit?: number;
      newerThanNodeId?: number;
    }
  | { kind: 'node'; nodeId: number }
  | { kind: 'path'; nodeId?: number; className?: string }
  | { kind: 'classes'; query?: string; offset?: number; limit?: number }
  | { kind: 'stats' };

function notFound(nodeId: number): MonitorError {
  return new MonitorError(
    ErrorCodes.EXPLORER_NODE_NOT_FOUND,
    `No object with node id @${nodeId} in this snapshot.`,
  );
}

function page(offset: number | undefined, limit: number | undefined, total: number) {
  const o = Math.max(0, Math.min(offset ?? 0, total));
  const l = Math.max(0, Math.min(limit ?? EXPLORER_MAX_PAGE, EXPLORER_MAX_PAGE));
  return { from: o, to: Math.min(total, o + l) };
}

export class SnapshotExplorer {
  readonly g: HeapGraph;
  readonly ix: ExplorerIndex;
  readonly summary: SnapshotSummary;
  /** Every class's stats (the summary's rows before the cap), biggest retained first. */
  readonly #classes: ConstructorStat[];
  readonly #classIndex = new Map<string, number>();
  readonly #weakType: number;
  readonly #shortcutType: number;
  readonly #stringTypes: Uint8Array;
  readonly #numberType: number;
  readonly #indexEdge: Uint8Array;
  /** The last filtered instance list (a diff's new objects), reused while paging. */
  #newer: { cls: number; after: number; list: Uint32Array } | null = null;

  private constructor(g: HeapGraph, ix: ExplorerIndex, full: SnapshotSummary) {
    this.g = g;
    this.ix = ix;
    this.#classes = full.constructors;
    this.summary = { ...full, constructors: full.constructors.slice(0, SUMMARY_ROWS) };
    g.classNames.forEach((name, c) => {
      if (!this.#classIndex.has(name)) this.#classIndex.set(name, c);
    });
    const { edgeTypes, nodeTypes } = g.raw.meta;
    this.#weakType = edgeTypes.indexOf('weak');
    this.#shortcutType = edgeTypes.indexOf('shortcut');
    this.#indexEdge = indexEdgeTypes(edgeTypes);
    this.#stringTypes = new Uint8Array(nodeTypes.length);
    nodeTypes.forEach((t, k) => {
      if (t === 'string') this.#stringTypes[k] = 1;
      else if (t === 'concatenated string') this.#stringTypes[k] = 2;
      else if (t === 'sliced string') this.#stringTypes[k] = 3;
    });
    this.#numberType = nodeTypes.indexOf('number');
  }

  /** Indexes a graph and summarizes it (every class kept, for the class search). */
  static async open(
    g: HeapGraph,
    worker: AnalysisWorker | null,
    meta: SummaryOptions['meta'],
  ): Promise<SnapshotExplorer> {
    const ix = await buildExplorerIndex(g, worker);
    const full = summarize(g, { meta, top: Number.MAX_SAFE_INTEGER });
    return new SnapshotExplorer(g, ix, full);
  }

  get root(): ExplorerNode {
    return this.#node(0);
  }

  get totalBytes(): number {
    return this.g.reachableCount > 0 ? this.g.retainedPre[0]! : 0;
  }

  answer(q: ExplorerQuery): unknown {
    switch (q.kind) {
      case 'children':
        return this.children(q.nodeId, q.offset, q.limit);
      case 'retainers':
        return this.retainers(q.nodeId, q.offset, q.limit);
      case 'instances':
        return this.instances(q.className, q.offset, q.limit, q.newerThanNodeId);
      case 'node':
        return this.node(q.nodeId);
      case 'path':
        return this.path(q.nodeId, q.className);
      case 'classes':
        return this.classes(q.query, q.offset, q.limit);
      case 'stats':
        return { rssBytes: process.memoryUsage.rss() };
      default:
        throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Unknown explorer query.');
    }
  }

  /** Node ordinal of a node id (binary search over the ids). */
  ordinal(nodeId: number): number {
    const { byId } = this.ix;
    const ids = this.g.raw.nodeId;
    let lo = 0;
    let hi = byId.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const id = ids[byId[mid]!]!;
      if (id === nodeId) return byId[mid]!;
      if (id < nodeId) lo = mid + 1;
      else hi = mid - 1;
    }
    throw notFound(nodeId);
  }

  #isEssential(edge: number, from: number): boolean {
    const t = this.g.raw.edgeType[edge]!;
    return t !== this.#weakType && (t !== this.#shortcutType || from === 0);
  }

  #node(n: number): ExplorerNode {
    const { g, ix } = this;
    const { raw } = g;
    const p = g.nodeToPre[n]!;
    const reachable = p !== NONE;
    const d = ix.distance[n]!;
    const node: ExplorerNode = {
      nodeId: raw.nodeId[n]!,
      className: capName(g.classNames[g.classOf[n]!]!),
      name: capName(raw.strings.get(raw.nodeName[n]!)),
      type: g.typeName(raw.nodeType[n]!),
      selfBytes: raw.nodeSelfSize[n]!,
      retainedBytes: reachable ? g.retainedPre[p]! : 0,
      reachable,
      distance: d === NONE ? null : d,
      childCount: reachable ? ix.firstChild[p + 1]! - ix.firstChild[p]! : 0,
      retainerCount: ix.firstRetainer[n + 1]! - ix.firstRetainer[n]!,
    };
    const value = this.#preview(n);
    if (value !== undefined) node.value = value;
    return node;
  }

  /** The value of a string (following cons and sliced strings) or a number, capped. */
  #preview(n: number): string | undefined {
    const { raw } = this.g;
    const t = raw.nodeType[n]!;
    const kind = this.#stringTypes[t]!;
    if (kind === 0) {
      if (t !== this.#numberType) return undefined;
      // Numbers carry their value only when the snapshot captured it (a "value" edge).
      for (let e = raw.firstEdge[n]!, end = raw.firstEdge[n + 1]!; e < end; e++) {
        if (
          this.#indexEdge[raw.edgeType[e]!] === 0 &&
          raw.strings.get(raw.edgeName[e]!) === 'value'
        ) {
          return raw.strings.get(raw.nodeName[raw.edgeTo[e]!]!).slice(0, PREVIEW_CHARS);
        }
      }
      return undefined;
    }
    let out = '';
    // Iterative walk of a cons string's parts, left to right, until the cap.
    const stack: number[] = [n];
    let steps = 0;
    while (stack.length > 0 && out.length < PREVIEW_CHARS && steps++ < 256) {
      const m = stack.pop()!;
      const k = this.#stringTypes[raw.nodeType[m]!]!;
      if (k === 1 || k === 0) {
        out += raw.strings.get(raw.nodeName[m]!);
        continue;
      }
      let first = -1;
      let second = -1;
      for (let e = raw.firstEdge[m]!, end = raw.firstEdge[m + 1]!; e < end; e++) {
        if (this.#indexEdge[raw.edgeType[e]!] === 1) continue;
        const name = raw.strings.get(raw.edgeName[e]!);
        if (name === 'first' || name === 'parent') first = raw.edgeTo[e]!;
        else if (name === 'second') second = raw.edgeTo[e]!;
      }
      if (second !== -1) stack.push(second);
      if (first !== -1) stack.push(first);
    }
    if (out.length === 0 && kind !== 1) return undefined;
    return out.length > PREVIEW_CHARS ? `${out.slice(0, PREVIEW_CHARS - 1)}…` : out;
  }

  children(
    nodeId: number | undefined,
    offset?: number,
    limit?: number,
  ): ExplorerPage<ExplorerNode> {
    const n = nodeId === undefined ? 0 : this.ordinal(nodeId);
    const p = this.g.nodeToPre[n]!;
    const { firstChild, children } = this.ix;
    const start = p === NONE ? 0 : firstChild[p]!;
    const total = p === NONE ? 0 : firstChild[p + 1]! - start;
    const { from, to } = page(offset, limit, total);
    const rows: ExplorerNode[] = [];
    for (let i = from; i < to; i++) rows.push(this.#node(this.g.preToNode[children[start + i]!]!));
    return { offset: from, total, rows };
  }

  retainers(nodeId: number, offset?: number, limit?: number): ExplorerPage<ExplorerRetainer> {
    const n = this.ordinal(nodeId);
    const { firstRetainer, retainerEdges } = this.ix;
    const start = firstRetainer[n]!;
    const total = firstRetainer[n + 1]! - start;
    const { from, to } = page(offset, limit, total);
    const rows: ExplorerRetainer[] = [];
    for (let i = from; i < to; i++) {
      const e = retainerEdges[start + i]!;
      const src = edgeSource(this.g, e);
      const label = edgeLabel(this.g, e);
      rows.push({
        edgeName: label.name,
        edgeType: label.type,
        weak: this.g.raw.edgeType[e] === this.#weakType,
        node: this.#node(src),
      });
    }
    return { offset: from, total, rows };
  }

  #classOf(className: string): number {
    const c = this.#classIndex.get(className);
    if (c === undefined) {
      throw new MonitorError(
        ErrorCodes.CLASS_NOT_FOUND,
        `No class "${capName(className)}" in this snapshot.`,
      );
    }
    return c;
  }

  instances(
    className: string,
    offset?: number,
    limit?: number,
    newerThanNodeId?: number,
  ): ExplorerInstances {
    const c = this.#classOf(className);
    const { firstInstance, instances } = this.ix;
    let list = instances.subarray(firstInstance[c]!, firstInstance[c + 1]!);
    if (newerThanNodeId !== undefined) {
      // A diff's new objects: ids above the older snapshot's largest (new objects always
      // get higher ids in one process). One filtered list is kept while it is paged.
      const cached = this.#newer;
      if (cached && cached.cls === c && cached.after === newerThanNodeId) list = cached.list;
      else {
        const ids = this.g.raw.nodeId;
        const kept: number[] = [];
        for (const p of list) if (ids[this.g.preToNode[p]!]! > newerThanNodeId) kept.push(p);
        list = Uint32Array.from(kept);
        this.#newer = { cls: c, after: newerThanNodeId, list };
      }
    }
    const { from, to } = page(offset, limit, list.length);
    const rows: ExplorerNode[] = [];
    for (let i = from; i < to; i++) rows.push(this.#node(this.g.preToNode[list[i]!]!));
    return {
      className: capName(className),
      offset: from,
      total: list.length,
      rows,
      ...(newerThanNodeId !== undefined ? { newerThanNodeId } : {}),
    };
  }

  node(nodeId: number): ExplorerNodeDetails {
    const n = this.ordinal(nodeId);
    const p = this.g.nodeToPre[n]!;
    const dominator =
      p === NONE || p === 0 ? null : this.#node(this.g.preToNode[this.g.idomPre[p]!]!);
    return { ...this.#node(n), dominator };
  }

  /**
   * Shortest path from the root to a node (or to the first instance of a class the BFS
   * reaches: what a leak verdict's retainer path names). Retainer lists are in BFS
   * order, so the first essential retainer of a node is the one its BFS parent holds.
   */
  path(nodeId?: number, className?: string): ExplorerPath {
    let target: number;
    if (nodeId !== undefined) target = this.ordinal(nodeId);
    else {
      const c = this.#classOf(className ?? '');
      const { firstInstance, instances, distance } = this.ix;
      target = NONE;
      let best = NONE;
      for (let i = firstInstance[c]!; i < firstInstance[c + 1]!; i++) {
        const m = this.g.preToNode[instances[i]!]!;
        if (distance[m]! < best) {
          best = distance[m]!;
          target = m;
        }
      }
      if (target === NONE) {
        throw new MonitorError(
          ErrorCodes.CLASS_NOT_FOUND,
          `No instance of class "${capName(className ?? '')}" is reachable from the GC roots.`,
        );
      }
    }
    const { firstRetainer, retainerEdges, distance } = this.ix;
    if (distance[target] === NONE) {
      return { nodeIds: [this.g.raw.nodeId[target]!], steps: [], text: '', length: 0 };
    }
    const edgeInto = (m: number): number => {
      const want = distance[m]! - 1;
      for (let i = firstRetainer[m]!; i < firstRetainer[m + 1]!; i++) {
        const e = retainerEdges[i]!;
        const src = edgeSource(this.g, e);
        if (distance[src] === want && this.#isEssential(e, src)) return e;
      }
      throw new MonitorError(ErrorCodes.INTERNAL, 'The retainer index is inconsistent.');
    };
    // One page: the EXPLORER_MAX_PAGE steps nearest the object (a path through a long
    // linked list can be millions of edges).
    const length = distance[target]!;
    const steps = target === 0 ? [] : pathSteps(this.g, target, edgeInto, EXPLORER_MAX_PAGE);
    const cut = length > steps.length;
    const nodeIds = [...(cut ? [] : [this.g.raw.nodeId[0]!]), ...steps.map((s) => s.nodeId)];
    return { nodeIds, steps, text: `${cut ? '… -> ' : ''}${pathText(steps)}`, length };
  }

  classes(query?: string, offset?: number, limit?: number): ExplorerPage<ConstructorStat> {
    const q = (query ?? '').trim().toLowerCase();
    const list = q ? this.#classes.filter((c) => c.name.toLowerCase().includes(q)) : this.#classes;
    const { from, to } = page(offset, limit, list.length);
    return { offset: from, total: list.length, rows: list.slice(from, to) };
  }
}

// The heap explorer's view state: the open session, three trees (dominators from the
// root down, instances of a class, retainers of the selected object up to the root)
// loaded page by page, and what is running. Pure data and pure update helpers here;
// explorer-client.ts does the requests and is the only writer. Strings in here come
// from the target's heap: render as text only.
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type {
  AnalysisProgress,
  ConstructorStat,
  ExplorerNode,
  ExplorerNodeDetails,
  ExplorerPath,
  ExplorerSessionInfo,
} from '../../../shared/snapshot-model';

export type TreeName = 'dominators' | 'retainers' | 'instances';

export interface TreeItem {
  key: string;
  parent: string | null;
  depth: number;
  node: ExplorerNode;
  /** The edge from this row's object to its parent row's (retainers tree). */
  edge?: { name: string; type: string; weak: boolean };
  /** The object is already shown on the way up from this row: shown once, never expanded. */
  cycle: boolean;
  expanded: boolean;
  /** Loaded children (keys), in order; null until first loaded. */
  children: string[] | null;
  /** How many children there are in all. */
  total: number;
  loading: boolean;
}

export interface TreeState {
  items: Record<string, TreeItem>;
  top: string[];
  topTotal: number;
  topLoading: boolean;
  /** The focused row's key (a "more" row is `more:<parent key>`). */
  focus: string | null;
}

export type VisibleRow =
  | { kind: 'item'; key: string; item: TreeItem }
  | {
      kind: 'more';
      key: string;
      parent: string | null;
      depth: number;
      remaining: number;
      loading: boolean;
    };

export interface ExplorerError {
  code: string;
  message: string;
  /** Session gone (closed, evicted, process died, snapshot deleted): offer to reopen. */
  reopen: boolean;
}

export interface ExplorerState {
  snapshotId: string | null;
  title: string;
  session: ExplorerSessionInfo | null;
  /** While the snapshot is being parsed and indexed in its analysis process. */
  opening: { progress: AnalysisProgress | null } | null;
  error: ExplorerError | null;
  /** Queries in flight. */
  busy: number;
  dominators: TreeState;
  instances: TreeState & { className: string | null; newerThanNodeId?: number };
  retainers: TreeState & { path: ExplorerPath | null };
  selected: ExplorerNodeDetails | null;
  classes: { query: string; rows: ConstructorStat[]; total: number };
}

export const emptyTree = (): TreeState => ({
  items: {},
  top: [],
  topTotal: 0,
  topLoading: false,
  focus: null,
});

export function initialExplorerState(): ExplorerState {
  return {
    snapshotId: null,
    title: '',
    session: null,
    opening: null,
    error: null,
    busy: 0,
    dominators: emptyTree(),
    instances: { ...emptyTree(), className: null },
    retainers: { ...emptyTree(), path: null },
    selected: null,
    classes: { query: '', rows: [], total: 0 },
  };
}

export const explorerStore = createStore<ExplorerState>()(() => initialExplorerState());

export function useExplorer<T>(selector: (s: ExplorerState) => T): T {
  return useStore(explorerStore, selector);
}

/** Whether a row can be expanded at all. */
export function expandable(tree: TreeName, item: TreeItem): boolean {
  if (item.cycle || tree === 'instances') return false;
  return tree === 'dominators' ? item.node.childCount > 0 : item.node.retainerCount > 0;
}

/** Rows to draw: depth-first over expanded rows, a "more" row after each partial list. */
export function visibleRows(t: TreeState): VisibleRow[] {
  const out: VisibleRow[] = [];
  const walk = (
    keys: string[],
    parent: string | null,
    total: number,
    loading: boolean,
    depth: number,
  ): void => {
    for (const key of keys) {
      const item = t.items[key];
      if (!item) continue;
      out.push({ kind: 'item', key, item });
      if (item.expanded && item.children) {
        walk(item.children, key, item.total, item.loading, depth + 1);
      }
    }
    const remaining = total - keys.length;
    if (remaining > 0)
      out.push({ kind: 'more', key: `more:${parent ?? ''}`, parent, depth, remaining, loading });
  };
  walk(t.top, null, t.topTotal, t.topLoading, 0);
  return out;
}

/** Node ids from a row up to the tree's top (the row's own first). */
export function ancestry(t: TreeState, key: string | null): number[] {
  const ids: number[] = [];
  for (let k = key; k !== null;) {
    const item = t.items[k];
    if (!item) break;
    ids.push(item.node.nodeId);
    k = item.parent;
  }
  return ids;
}

/**
 * Adds a page of rows under `parent` (null: the top level). `above` are object ids
 * already on the way up (the retainers tree's object itself): a row naming one of them
 * is a cycle.
 */
export function addRows(
  t: TreeState,
  parent: string | null,
  rows: { node: ExplorerNode; edge?: TreeItem['edge'] }[],
  total: number,
  above: number[] = [],
): TreeState {
  const items = { ...t.items };
  const p = parent === null ? null : items[parent];
  const existing = parent === null ? t.top : (p?.children ?? []);
  const onTheWay = new Set([...above, ...ancestry(t, parent)]);
  const depth = p ? p.depth + 1 : 0;
  const keys = [...existing];
  rows.forEach((r, i) => {
    const key = `${parent ?? ''}/${existing.length + i}-${r.node.nodeId}`;
    items[key] = {
      key,
      parent,
      depth,
      node: r.node,
      ...(r.edge ? { edge: r.edge } : {}),
      cycle: onTheWay.has(r.node.nodeId),
      expanded: false,
      children: null,
      total: 0,
      loading: false,
    };
    keys.push(key);
  });
  if (parent === null) return { ...t, items, top: keys, topTotal: total, topLoading: false };
  if (!p) return t;
  items[parent] = { ...p, children: keys, total, loading: false, expanded: true };
  return { ...t, items };
}

export function patchItem(t: TreeState, key: string, patch: Partial<TreeItem>): TreeState {
  const item = t.items[key];
  if (!item) return t;
  return { ...t, items: { ...t.items, [key]: { ...item, ...patch } } };
}

/** The row keyboard focus goes to for a key (arrows, Home, End). */
export function moveFocus(
  rows: VisibleRow[],
  focus: string | null,
  how: 'next' | 'prev' | 'first' | 'last' | 'parent',
): string | null {
  if (rows.length === 0) return null;
  const i = Math.max(
    0,
    rows.findIndex((r) => r.key === focus),
  );
  switch (how) {
    case 'next':
      return rows[Math.min(rows.length - 1, i + 1)]!.key;
    case 'prev':
      return rows[Math.max(0, i - 1)]!.key;
    case 'first':
      return rows[0]!.key;
    case 'last':
      return rows[rows.length - 1]!.key;
    default: {
      const r = rows[i]!;
      const parent = r.kind === 'item' ? r.item.parent : r.parent;
      return parent ?? r.key;
    }
  }
}

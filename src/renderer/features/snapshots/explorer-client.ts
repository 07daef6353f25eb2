// The heap explorer's client layer: user intents (open a snapshot, expand a row, select
// an object, open a class's instances) become explorer requests to the core; answers
// become explorer-store updates. Sessions that are gone (closed, process died, snapshot
// deleted) turn into an error the view shows with a Reopen button.
import { ErrorCodes, serializeError } from '../../../shared/errors';
import type {
  ExplorerNode,
  ExplorerPage,
  ExplorerRetainer,
  ExplorerSessionInfo,
} from '../../../shared/snapshot-model';
import {
  addRows,
  emptyTree,
  explorerStore,
  initialExplorerState,
  patchItem,
  type ExplorerState,
  type TreeName,
  type TreeState,
} from './explorer-store';
import { formatClock } from '../../components/format';
import { dashboardStore } from '../../store/store';
import { heapToolsMonitor } from './heap-tools-client';

/** Rows asked per page (the core gives at most 200). */
export const PAGE_ROWS = 100;

const GONE = new Set<string>([
  ErrorCodes.EXPLORER_CLOSED,
  ErrorCodes.EXPLORER_PROCESS_DIED,
  ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
]);

const set = (
  patch: Partial<ExplorerState> | ((s: ExplorerState) => Partial<ExplorerState>),
): void => explorerStore.setState(patch);

function fail(err: unknown): void {
  const e = serializeError(err);
  set({
    error: {
      code: e.code,
      message: e.message,
      reopen: GONE.has(e.code) && e.code !== ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
    },
  });
}

/** Runs one query, counting it as running; undefined when it failed (the error is shown). */
async function query<T>(work: (sessionId: string) => Promise<T>): Promise<T | undefined> {
  const session = explorerStore.getState().session;
  if (!session) return undefined;
  set((s) => ({ busy: s.busy + 1 }));
  try {
    return await work(session.sessionId);
  } catch (err) {
    // A late answer for a session that was replaced meanwhile is dropped.
    if (explorerStore.getState().session?.sessionId === session.sessionId) fail(err);
    return undefined;
  } finally {
    set((s) => ({ busy: Math.max(0, s.busy - 1) }));
  }
}

const current = (id: string): boolean => explorerStore.getState().session?.sessionId === id;

function setTree(name: TreeName, f: (t: TreeState) => TreeState): void {
  set((s) => ({ [name]: { ...s[name], ...f(s[name]) } }) as Partial<ExplorerState>);
}

const nodeRows = (rows: ExplorerNode[]) => rows.map((node) => ({ node }));
const retainerRows = (rows: ExplorerRetainer[]) =>
  rows.map((r) => ({ node: r.node, edge: { name: r.edgeName, type: r.edgeType, weak: r.weak } }));

/**
 * Opens a library snapshot in the explorer (the core keeps it open in its analysis
 * process); then runs `then` (open a class's instances, a diff's new objects).
 */
export async function openExplorer(
  snapshotId: string,
  title: string,
  then?: () => Promise<void>,
): Promise<void> {
  const s = explorerStore.getState();
  if (s.session && s.snapshotId === snapshotId && !s.error) {
    await then?.();
    return;
  }
  explorerStore.setState({
    ...explorerStore.getState(),
    snapshotId,
    title,
    session: null,
    error: null,
    opening: { progress: null },
    dominators: emptyTree(),
    instances: { ...emptyTree(), className: null },
    retainers: { ...emptyTree(), path: null },
    selected: null,
    classes: { query: '', rows: [], total: 0 },
  });
  const api = heapToolsMonitor();
  const off = api.on('analysisProgress', (e) => {
    if (e.kind === 'explore' && e.subject === snapshotId && explorerStore.getState().opening) {
      set({ opening: { progress: e.progress } });
    }
  });
  let session: ExplorerSessionInfo;
  try {
    session = await api.openSnapshotExplorer({ snapshotId });
  } catch (err) {
    set({ opening: null });
    fail(err);
    return;
  } finally {
    off();
  }
  if (explorerStore.getState().snapshotId !== snapshotId) return;
  set({ session, opening: null });
  // The root, expanded: the top of the dominator tree is what a user looks at first.
  setTree('dominators', (t) => addRows(t, null, [{ node: session.root }], 1));
  const rootKey = explorerStore.getState().dominators.top[0]!;
  setTree('dominators', (t) => ({ ...t, focus: rootKey }));
  await expand('dominators', rootKey);
  await searchClasses('');
  await then?.();
}

export async function reopenExplorer(): Promise<void> {
  const { snapshotId, title } = explorerStore.getState();
  if (!snapshotId) return;
  set({ session: null });
  await openExplorer(snapshotId, title);
}

export async function closeExplorer(): Promise<void> {
  const { session } = explorerStore.getState();
  explorerStore.setState(initialExplorerState());
  if (session) {
    await heapToolsMonitor()
      .closeSnapshotExplorer({ sessionId: session.sessionId })
      .catch(() => undefined);
  }
}

async function loadPage(tree: TreeName, parent: string | null, offset: number): Promise<void> {
  const state = explorerStore.getState();
  const t = state[tree];
  const api = heapToolsMonitor();
  const item = parent === null ? null : t.items[parent];
  if (parent !== null && !item) return;
  if (tree === 'instances') {
    const { className, newerThanNodeId } = state.instances;
    if (!className) return;
    setTree(tree, (x) => ({ ...x, topLoading: true }));
    const pg = await query((sessionId) =>
      api.explorerInstances({
        sessionId,
        className,
        offset,
        limit: PAGE_ROWS,
        ...(newerThanNodeId !== undefined ? { newerThanNodeId } : {}),
      }),
    );
    if (!pg) return setTree(tree, (x) => ({ ...x, topLoading: false }));
    setTree(tree, (x) => addRows(x, null, nodeRows(pg.rows), pg.total));
    return;
  }
  if (item) setTree(tree, (x) => patchItem(x, item.key, { loading: true }));
  else setTree(tree, (x) => ({ ...x, topLoading: true }));
  const sessionId = state.session?.sessionId ?? '';
  if (tree === 'dominators') {
    const pg: ExplorerPage<ExplorerNode> | undefined = await query((id) =>
      api.explorerChildren({ sessionId: id, nodeId: item!.node.nodeId, offset, limit: PAGE_ROWS }),
    );
    if (!current(sessionId)) return;
    if (!pg) return setTree(tree, (x) => patchItem(x, item!.key, { loading: false }));
    setTree(tree, (x) => addRows(x, item!.key, nodeRows(pg.rows), pg.total));
    return;
  }
  const target = state.selected;
  if (!target) return;
  const of = item ? item.node.nodeId : target.nodeId;
  const pg = await query((id) =>
    api.explorerRetainers({ sessionId: id, nodeId: of, offset, limit: PAGE_ROWS }),
  );
  if (!current(sessionId)) return;
  if (!pg) {
    if (item) setTree(tree, (x) => patchItem(x, item.key, { loading: false }));
    else setTree(tree, (x) => ({ ...x, topLoading: false }));
    return;
  }
  setTree(tree, (x) =>
    addRows(x, item ? item.key : null, retainerRows(pg.rows), pg.total, [target.nodeId]),
  );
}

/** Expands a row (loading its first page once), or re-opens it. */
export async function expand(tree: TreeName, key: string): Promise<void> {
  const item = explorerStore.getState()[tree].items[key];
  if (!item || item.cycle || item.loading) return;
  if (item.children) {
    setTree(tree, (t) => patchItem(t, key, { expanded: true }));
    return;
  }
  await loadPage(tree, key, 0);
}

export function collapse(tree: TreeName, key: string): void {
  setTree(tree, (t) => patchItem(t, key, { expanded: false }));
}

/** The "(n more)" row of a list: its next page. */
export async function loadMore(tree: TreeName, parent: string | null): Promise<void> {
  const t = explorerStore.getState()[tree];
  const have = parent === null ? t.top.length : (t.items[parent]?.children?.length ?? 0);
  await loadPage(tree, parent, have);
}

export function setFocus(tree: TreeName, key: string | null): void {
  setTree(tree, (t) => ({ ...t, focus: key }));
}

/** Bumped by every selection: a slower, earlier selection stops where a newer one began. */
let selection = 0;

/**
 * Selects an object: its details and its retainers, with its shortest path from the
 * root (the one a leak verdict's retainer path shows) expanded.
 */
export async function selectNode(nodeId: number): Promise<void> {
  const mine = ++selection;
  const current = (): boolean => mine === selection;
  const api = heapToolsMonitor();
  const details = await query((sessionId) => api.explorerNode({ sessionId, nodeId }));
  if (!details || !current()) return;
  set({ selected: details, retainers: { ...emptyTree(), path: null } });
  const path = await query((sessionId) => api.explorerPath({ sessionId, nodeId }));
  if (!current()) return;
  set((s) => ({ retainers: { ...s.retainers, path: path ?? null } }));
  await loadPage('retainers', null, 0);
  if (!path || !current()) return;
  // path.nodeIds runs root .. object: walk it backwards through the retainer rows.
  let parent: string | null = null;
  for (let i = path.nodeIds.length - 2; i >= 0; i--) {
    const t: TreeState = explorerStore.getState().retainers;
    const keys: string[] = parent === null ? t.top : (t.items[parent]?.children ?? []);
    const want = path.nodeIds[i]!;
    const hit: string | undefined =
      keys.find((k) => t.items[k]?.node.nodeId === want && !t.items[k]?.edge?.weak) ??
      keys.find((k) => t.items[k]?.node.nodeId === want);
    if (!hit) break;
    setFocus('retainers', hit);
    if (i === 0) break;
    await expand('retainers', hit);
    if (!current()) return;
    parent = hit;
  }
}

/** The instances of a class, biggest retained first (a diff's new ones with newerThanNodeId). */
export async function openInstances(className: string, newerThanNodeId?: number): Promise<void> {
  set({
    instances: {
      ...emptyTree(),
      className,
      ...(newerThanNodeId !== undefined ? { newerThanNodeId } : {}),
    },
  });
  await loadPage('instances', null, 0);
  const first = explorerStore.getState().instances.top[0];
  if (first) setFocus('instances', first);
}

/** The classes whose name contains `q` (the search box). */
export async function searchClasses(q: string): Promise<void> {
  set((s) => ({ classes: { ...s.classes, query: q } }));
  const api = heapToolsMonitor();
  const pg = await query((sessionId) => api.explorerClasses({ sessionId, query: q, limit: 50 }));
  if (!pg || explorerStore.getState().classes.query !== q) return;
  set({ classes: { query: q, rows: pg.rows, total: pg.total } });
}

/** How the library names a snapshot (its title and time). */
export function snapshotTitle(snapshotId: string): string {
  const rec = dashboardStore.getState().snapshotLibrary?.snapshots.find((x) => x.id === snapshotId);
  return rec ? `${rec.title} · ${formatClock(rec.createdAtMs)}` : snapshotId;
}

/** From the summary table: open the snapshot's explorer on a class's instances. */
export function exploreClass(snapshotId: string, className: string): Promise<void> {
  return openExplorer(snapshotId, snapshotTitle(snapshotId), () => openInstances(className));
}

/** From a diff row: the class's objects in the later snapshot that the earlier one lacked. */
export function exploreNewObjects(
  afterSnapshotId: string,
  className: string,
  beforeMaxNodeId: number,
): Promise<void> {
  return openExplorer(afterSnapshotId, snapshotTitle(afterSnapshotId), () =>
    openInstances(className, beforeMaxNodeId),
  );
}

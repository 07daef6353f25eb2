// The heap explorer of an open snapshot: the dominator tree from the root down (biggest
// retained first), a class search with the instances of a class, and the retainers of
// the selected object up to the root with its shortest path from the root expanded.
// Trees are keyboard driven (arrows move, right/left expand/collapse, Enter selects) and
// paged ("n more" rows). Every number says what it is in its tooltip. Strings come from
// the target's heap: text only.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { ExplorerNode } from '../../../shared/snapshot-model';
import { formatBytes, formatCount, plural } from '../../components/format';
import { alertsSelectors } from '../../store/alerts-slice';
import { useDashboard } from '../../store/store';
import {
  closeExplorer,
  collapse,
  expand,
  loadMore,
  openInstances,
  reopenExplorer,
  searchClasses,
  selectNode,
  setFocus,
} from './explorer-client';
import {
  expandable,
  moveFocus,
  useExplorer,
  visibleRows,
  type TreeName,
  type VisibleRow,
} from './explorer-store';
import { heapToolsMonitor } from './heap-tools-client';
import './heap-explorer.css';

const TIP = {
  retained: 'Retained size: what would be freed if this object were gone',
  self: "Self size: the object's own bytes (shallow size)",
  share: (total: number) =>
    `Share of the heap: retained size out of all ${formatBytes(total)} reachable from the GC roots`,
  id: 'Node id: find this object in Chrome DevTools with @id',
  count: 'Objects of this class reachable from the GC roots',
  classRetained:
    'Retained size of the class: what would be freed if all its objects were gone (objects inside another of the same class counted once)',
  distance: 'Distance: edges on the shortest path from the GC roots',
  children: 'Objects this one alone keeps alive (its children in the dominator tree)',
  retainers: 'Edges into this object (weak ones included)',
  more: (n: number) => `${formatCount(n)} more rows not loaded yet`,
  weak: 'Weak edge: it does not keep the object alive',
  cycle: 'Already shown further up this path (a cycle): not expanded again',
};

function label(n: ExplorerNode, rootId: number | undefined): string {
  if (n.nodeId === rootId) return '(GC roots: the root)';
  const name = n.name && n.name !== n.className ? ` ${n.name}` : '';
  return `${n.className}${name}`;
}

function Numbers({ n, total }: { n: ExplorerNode; total: number }) {
  const share = total > 0 ? n.retainedBytes / total : 0;
  return (
    <>
      <span className="xp-num" title={TIP.retained} data-testid="explorer-retained">
        {formatBytes(n.retainedBytes)}
      </span>
      <span className="xp-share" title={TIP.share(total)}>
        <span className="xp-share-text">{(share * 100).toFixed(1)} %</span>
        <span className="xp-bar" aria-hidden="true">
          <span className="xp-bar-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
        </span>
      </span>
      <span className="xp-num" title={TIP.self}>
        {formatBytes(n.selfBytes)}
      </span>
      <span className="xp-id" title={TIP.id}>
        @{n.nodeId}
      </span>
    </>
  );
}

function TreeView({ tree, label: aria }: { tree: TreeName; label: string }) {
  const state = useExplorer((s) => s[tree]);
  const session = useExplorer((s) => s.session);
  const rows = visibleRows(state);
  const box = useRef<HTMLDivElement>(null);
  const total = session?.totalBytes ?? 0;
  const rootId = session?.root.nodeId;
  // Keep DOM focus on the focused row while the tree has focus.
  useEffect(() => {
    const el = box.current;
    if (!el || !el.contains(document.activeElement)) return;
    const row = el.querySelector<HTMLElement>(`[data-key="${CSS.escape(state.focus ?? '')}"]`);
    if (row && row !== document.activeElement) row.focus();
  }, [state.focus]);

  const activate = (r: VisibleRow): void => {
    if (r.kind === 'more') void loadMore(tree, r.parent);
    else void selectNode(r.item.node.nodeId);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const all = rows;
    const r = all.find((x) => x.key === state.focus) ?? all[0];
    if (!r) return;
    const go = (how: Parameters<typeof moveFocus>[2]): void => {
      e.preventDefault();
      setFocus(tree, moveFocus(all, r.key, how));
    };
    switch (e.key) {
      case 'ArrowDown':
        return go('next');
      case 'ArrowUp':
        return go('prev');
      case 'Home':
        return go('first');
      case 'End':
        return go('last');
      case 'ArrowRight':
        e.preventDefault();
        if (r.kind !== 'item') return;
        if (expandable(tree, r.item) && !r.item.expanded) void expand(tree, r.key);
        else if (r.item.expanded) setFocus(tree, moveFocus(all, r.key, 'next'));
        return;
      case 'ArrowLeft':
        e.preventDefault();
        if (r.kind === 'item' && r.item.expanded) collapse(tree, r.key);
        else setFocus(tree, moveFocus(all, r.key, 'parent'));
        return;
      case 'Enter':
      case ' ':
        e.preventDefault();
        activate(r);
        return;
    }
  };
  if (rows.length === 0 && !state.topLoading) return null;
  return (
    <div
      ref={box}
      className="xp-tree"
      role="tree"
      aria-label={aria}
      data-testid={`explorer-${tree}`}
      onKeyDown={onKey}
    >
      {rows.map((r) => {
        const focused = r.key === (state.focus ?? rows[0]?.key);
        if (r.kind === 'more') {
          return (
            <div
              key={r.key}
              data-key={r.key}
              role="treeitem"
              aria-level={r.depth + 1}
              tabIndex={focused ? 0 : -1}
              className={`xp-row xp-more${focused ? ' focused' : ''}`}
              onFocus={() => setFocus(tree, r.key)}
            >
              <span className="xp-name" style={{ paddingLeft: `${r.depth * 16 + 20}px` }}>
                <button
                  type="button"
                  className="link"
                  data-testid="explorer-more"
                  title={TIP.more(r.remaining)}
                  disabled={r.loading}
                  onClick={() => void loadMore(tree, r.parent)}
                >
                  {r.loading ? 'Loading…' : `(${formatCount(r.remaining)} more)`}
                </button>
              </span>
            </div>
          );
        }
        const { item } = r;
        const n = item.node;
        const canExpand = expandable(tree, item);
        return (
          <div
            key={r.key}
            data-key={r.key}
            role="treeitem"
            aria-level={item.depth + 1}
            aria-expanded={canExpand ? item.expanded : undefined}
            aria-selected={focused}
            tabIndex={focused ? 0 : -1}
            className={`xp-row${focused ? ' focused' : ''}${item.cycle ? ' xp-cycle' : ''}`}
            data-testid="explorer-row"
            data-node-id={n.nodeId}
            data-depth={item.depth}
            onFocus={() => setFocus(tree, r.key)}
            onClick={() => {
              setFocus(tree, r.key);
              if (tree !== 'retainers') void selectNode(n.nodeId);
            }}
          >
            <span
              className="xp-name"
              style={{ paddingLeft: `${item.depth * 16}px` }}
              title={`${item.edge ? `${item.edge.name} (${item.edge.type} edge) in ` : ''}${label(n, rootId)}${n.value !== undefined ? ` “${n.value}”` : ''}`}
            >
              <button
                type="button"
                className="xp-toggle"
                data-testid="explorer-toggle"
                tabIndex={-1}
                disabled={!canExpand}
                aria-label={item.expanded ? 'Collapse' : 'Expand'}
                title={
                  tree === 'dominators'
                    ? `${TIP.children}: ${formatCount(n.childCount)}`
                    : `${TIP.retainers}: ${formatCount(n.retainerCount)}`
                }
                onClick={(e) => {
                  e.stopPropagation();
                  setFocus(tree, r.key);
                  if (item.expanded) collapse(tree, r.key);
                  else void expand(tree, r.key);
                }}
              >
                {!canExpand ? '·' : item.loading ? '…' : item.expanded ? '▾' : '▸'}
              </button>
              {item.edge && (
                <span
                  className={`xp-edge${item.edge.weak ? ' xp-weak' : ''}`}
                  title={
                    item.edge.weak
                      ? TIP.weak
                      : `Edge (${item.edge.type}) from that object to this one`
                  }
                >
                  {item.edge.type === 'element' || item.edge.type === 'hidden'
                    ? `[${item.edge.name}]`
                    : item.edge.name}
                  {item.edge.weak ? ' (weak)' : ''} in{' '}
                </span>
              )}
              <span className="xp-class">{label(n, rootId)}</span>
              {n.value !== undefined && <span className="xp-value"> “{n.value}”</span>}
              {item.cycle && (
                <span className="xp-tag" title={TIP.cycle}>
                  {' '}
                  (cycle)
                </span>
              )}
            </span>
            <Numbers n={n} total={total} />
          </div>
        );
      })}
      {state.topLoading && rows.length === 0 && <p className="muted">Loading…</p>}
    </div>
  );
}

function Header() {
  const s = useExplorer((x) => x);
  const shown =
    visibleRows(s.dominators).length +
    visibleRows(s.instances).length +
    visibleRows(s.retainers).length;
  let line = '';
  if (s.opening) {
    const p = s.opening.progress;
    const pct = p?.fraction !== undefined ? ` ${Math.floor(p.fraction * 100)} %` : '';
    line = `Opening in its analysis process… ${p ? `${p.phase}${pct}` : 'starting'}`;
  } else if (s.session) {
    line = `${formatCount(shown)} rows shown${s.busy > 0 ? ` · ${s.busy} ${s.busy === 1 ? 'query' : 'queries'} running…` : ''}`;
  }
  return (
    <header>
      <h3>Heap explorer</h3>
      <p className="explain">
        {s.title}
        {s.session && (
          <>
            {' · '}
            <span title="Objects in the snapshot">{plural(s.session.nodeCount, 'object')}</span>
            {' · '}
            <span title="Bytes reachable from the GC roots (the root's retained size)">
              {formatBytes(s.session.totalBytes)} reachable
            </span>{' '}
            <button
              type="button"
              className="link"
              data-testid="explorer-close"
              onClick={() => void closeExplorer()}
            >
              Close
            </button>
          </>
        )}
      </p>
      <p className="muted" data-testid="explorer-status" role="status">
        {line}
      </p>
      {(s.opening || s.busy > 0) && <progress aria-label="Explorer query running" />}
    </header>
  );
}

function ErrorBanner() {
  const error = useExplorer((s) => s.error);
  if (!error) return null;
  return (
    <div className="warning-banner" role="alert" data-testid="explorer-error">
      <p>
        {error.message} <code>{error.code}</code>
      </p>
      {error.reopen && (
        <button type="button" data-testid="explorer-reopen" onClick={() => void reopenExplorer()}>
          Reopen the snapshot
        </button>
      )}
    </div>
  );
}

function Classes() {
  const classes = useExplorer((s) => s.classes);
  const session = useExplorer((s) => s.session);
  const current = useExplorer((s) => s.instances.className);
  if (!session) return null;
  return (
    <div className="xp-classes">
      <label className="inline">
        Search classes{' '}
        <input
          type="search"
          value={classes.query}
          placeholder="class name"
          data-testid="explorer-class-search"
          onChange={(e) => void searchClasses(e.target.value)}
        />
      </label>
      <span className="muted" title="Classes whose name contains the text">
        {' '}
        {plural(classes.total, 'class', 'classes')}
      </span>
      <ul className="xp-class-list">
        {classes.rows.map((c) => (
          <li key={c.name}>
            <button
              type="button"
              className={`link${c.name === current ? ' active' : ''}`}
              data-testid="explorer-class-row"
              data-class={c.name}
              onClick={() => void openInstances(c.name)}
            >
              {c.name}
            </button>{' '}
            <span className="xp-num" title={TIP.count}>
              ×{formatCount(c.count)}
            </span>{' '}
            <span className="xp-num" title={TIP.classRetained}>
              {formatBytes(c.retainedBytes)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Instances() {
  const inst = useExplorer((s) => s.instances);
  if (!inst.className) return null;
  return (
    <div>
      <h4 data-testid="explorer-instances-title">
        {inst.newerThanNodeId !== undefined ? 'New objects' : 'Instances'} of {inst.className}:{' '}
        <span title="Objects of this class (reachable)">{formatCount(inst.topTotal)}</span>, biggest
        retained first
      </h4>
      <TreeView tree="instances" label={`Instances of ${inst.className}`} />
    </div>
  );
}

function LeakSuspects() {
  const session = useExplorer((s) => s.session);
  const pid = session?.summary.meta.pid;
  const targetId = useDashboard((s) =>
    pid === undefined ? null : (s.targetOrder.find((id) => s.targets[id]?.pid === pid) ?? null),
  );
  const verdict = useDashboard(alertsSelectors.leak(targetId ?? ''));
  const suspects = (verdict?.suspects ?? []).filter((x) => x.retainerPath);
  if (!session || suspects.length === 0) return null;
  return (
    <div className="xp-suspects">
      {suspects.map((x) => (
        <p key={x.className}>
          Leak suspect <strong>{x.className}</strong>: {x.retainerPath}{' '}
          <button
            type="button"
            className="link"
            data-testid="explorer-suspect"
            onClick={() =>
              void heapToolsMonitor()
                .explorerPath({ sessionId: session.sessionId, className: x.className })
                .then((p) => selectNode(p.nodeIds.at(-1)!))
                .catch(() => undefined)
            }
          >
            Show its retainers
          </button>
        </p>
      ))}
    </div>
  );
}

function Selected() {
  const sel = useExplorer((s) => s.selected);
  const path = useExplorer((s) => s.retainers.path);
  const total = useExplorer((s) => s.session?.totalBytes ?? 0);
  const rootId = useExplorer((s) => s.session?.root.nodeId);
  if (!sel)
    return <p className="muted">Select an object (Enter, or a click) to see what holds it.</p>;
  return (
    <div data-testid="explorer-selected">
      <h4>
        Retainers of {label(sel, rootId)}{' '}
        <span className="xp-id" title={TIP.id}>
          @{sel.nodeId}
        </span>
      </h4>
      <p className="xp-facts">
        <span title={TIP.retained}>retained {formatBytes(sel.retainedBytes)}</span> ·{' '}
        <span title={TIP.share(total)}>
          {total > 0 ? ((100 * sel.retainedBytes) / total).toFixed(1) : '0'} % of the heap
        </span>{' '}
        · <span title={TIP.self}>self {formatBytes(sel.selfBytes)}</span> ·{' '}
        <span title={TIP.distance}>distance {sel.distance ?? 'unreachable'}</span> ·{' '}
        <span title={TIP.retainers}>{formatCount(sel.retainerCount)} retainers</span>
        {sel.dominator && (
          <>
            {' · '}
            <span title="Immediate dominator: the object that must go for this one to be freed">
              dominated by {label(sel.dominator, rootId)} @{sel.dominator.nodeId}
            </span>
          </>
        )}
      </p>
      {sel.value !== undefined && <p className="xp-value">Value: “{sel.value}”</p>}
      {path && path.steps.length > 0 && (
        <p
          className="xp-path"
          data-testid="explorer-path"
          title="The shortest path from the GC roots (weak edges skipped)"
        >
          Shortest path: {path.text}
        </p>
      )}
      <TreeView tree="retainers" label={`Retainers of @${sel.nodeId}`} />
    </div>
  );
}

export function HeapExplorer() {
  const active = useExplorer((s) => s.snapshotId !== null);
  const hasSession = useExplorer((s) => s.session !== null);
  if (!active) return null;
  return (
    <section className="card heap-card xp" aria-label="Heap explorer" data-testid="heap-explorer">
      <Header />
      <ErrorBanner />
      {hasSession && (
        <div className="xp-grid">
          <div>
            <h4>Dominator tree (biggest retained first)</h4>
            <TreeView tree="dominators" label="Dominator tree" />
            <Classes />
            <Instances />
          </div>
          <div>
            <LeakSuspects />
            <Selected />
          </div>
        </div>
      )}
    </section>
  );
}

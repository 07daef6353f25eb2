import { describe, expect, it } from 'vitest';
import type { ExplorerNode } from '../../../shared/snapshot-model';
import {
  addRows,
  emptyTree,
  expandable,
  moveFocus,
  patchItem,
  visibleRows,
} from './explorer-store';

const node = (nodeId: number, extra: Partial<ExplorerNode> = {}): ExplorerNode => ({
  nodeId,
  className: `C${nodeId}`,
  name: '',
  type: 'object',
  selfBytes: 1,
  retainedBytes: 1,
  reachable: true,
  distance: 1,
  childCount: 2,
  retainerCount: 2,
  ...extra,
});

describe('explorer tree state', () => {
  it('flattens expanded rows depth first, with a "more" row after a partial page', () => {
    let t = addRows(emptyTree(), null, [{ node: node(1) }, { node: node(2) }], 5);
    const first = t.top[0]!;
    t = addRows(t, first, [{ node: node(3) }], 2);
    const rows = visibleRows(t);
    expect(
      rows.map((r) => (r.kind === 'item' ? r.item.node.nodeId : `more ${r.remaining}`)),
    ).toEqual([1, 3, 'more 1', 2, 'more 3']);
    expect(rows[1]!.kind === 'item' && rows[1]!.item.depth).toBe(1);
    // Collapsed rows hide their children but keep them loaded.
    t = patchItem(t, first, { expanded: false });
    expect(visibleRows(t).map((r) => r.key)).toEqual([first, t.top[1], 'more:']);
  });

  it('a retainer that is already on the way up is a cycle, shown once and not expandable', () => {
    // Retainers of 10: 11 holds it; 11 is held by 12; 12 is held by 10 again and by 13.
    let t = addRows(emptyTree(), null, [{ node: node(11) }], 1, [10]);
    const k11 = t.top[0]!;
    t = addRows(t, k11, [{ node: node(12) }], 1, [10]);
    const k12 = t.items[k11]!.children![0]!;
    t = addRows(t, k12, [{ node: node(10) }, { node: node(13) }, { node: node(11) }], 3, [10]);
    const [a, b, c] = t.items[k12]!.children!.map((k) => t.items[k]!);
    expect([a!.cycle, b!.cycle, c!.cycle]).toEqual([true, false, true]);
    expect(expandable('retainers', a!)).toBe(false);
    expect(expandable('retainers', b!)).toBe(true);
    expect(expandable('instances', b!)).toBe(false);
    expect(expandable('dominators', { ...b!, node: node(13, { childCount: 0 }) })).toBe(false);
  });

  it('keyboard focus moves along the visible rows and up to the parent', () => {
    let t = addRows(emptyTree(), null, [{ node: node(1) }, { node: node(2) }], 2);
    t = addRows(t, t.top[0]!, [{ node: node(3) }], 1);
    const rows = visibleRows(t);
    const [r1, r3, r2] = rows.map((r) => r.key);
    expect(moveFocus(rows, r1!, 'next')).toBe(r3);
    expect(moveFocus(rows, r3!, 'parent')).toBe(r1);
    expect(moveFocus(rows, r2!, 'next')).toBe(r2);
    expect(moveFocus(rows, r2!, 'first')).toBe(r1);
    expect(moveFocus(rows, r1!, 'last')).toBe(r2);
    expect(moveFocus(rows, r1!, 'prev')).toBe(r1);
  });
});

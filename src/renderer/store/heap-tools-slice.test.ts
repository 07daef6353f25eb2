import { beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotProgress, TimelineMarker } from '../../shared/heap-tools-model';
import { bindHeapToolsActions } from './heap-tools-actions';
import { MARKER_CAP, heapToolsSelectors } from './heap-tools-slice';
import { createDashboardStore, type DashboardStore } from './store';

const marker = (atMs: number, kind: TimelineMarker['kind'] = 'gc'): TimelineMarker => ({
  targetId: 't1',
  atMs,
  kind,
  label: kind,
});

let store: DashboardStore;
let a: ReturnType<typeof bindHeapToolsActions>;
beforeEach(() => {
  store = createDashboardStore();
  a = bindHeapToolsActions(store);
});

describe('heap tools slice', () => {
  it('keeps markers sorted, without duplicates (event + rehydrate), capped', () => {
    a.markerReceived(marker(20));
    a.markerReceived(marker(10, 'snapshot'));
    a.markerReceived(marker(20));
    const sel = heapToolsSelectors.markers('t1');
    expect(sel(store.getState()).map((m) => m.atMs)).toEqual([10, 20]);
    const before = sel(store.getState());
    a.markerReceived(marker(20));
    expect(sel(store.getState())).toBe(before); // nothing new: same reference, no render
    for (let i = 0; i < MARKER_CAP + 10; i++) a.markerReceived(marker(100 + i));
    expect(sel(store.getState())).toHaveLength(MARKER_CAP);
    expect(heapToolsSelectors.markers(null)(store.getState())).toEqual([]);
  });

  it('tracks progress, busy keys and forgets analysis of a deleted snapshot', () => {
    const p: SnapshotProgress = {
      targetId: 't1',
      captureId: 'c',
      phase: 'writing',
      fraction: 0.8,
      exact: true,
      via: 'inspector',
      done: 5,
      total: 10,
      bytesWritten: 1,
      expectedBytes: 10,
      startedAtMs: 0,
      remainingMs: 100,
    };
    a.snapshotProgress(p);
    expect(heapToolsSelectors.snapshot('t1')(store.getState())).toEqual(p);
    a.setHeapBusy('gc:t1', true);
    expect(heapToolsSelectors.busy('gc:t1')(store.getState())).toBe(true);
    a.setHeapBusy('gc:t1', false);
    expect(heapToolsSelectors.busy('gc:t1')(store.getState())).toBe(false);
    const summary = { summary: {} } as never;
    a.analysisReceived('s1', summary);
    a.snapshotDeleted('s2');
    expect(heapToolsSelectors.analysis(store.getState())?.snapshotId).toBe('s1');
    a.snapshotDeleted('s1');
    expect(heapToolsSelectors.analysis(store.getState())).toBeNull();
  });
});

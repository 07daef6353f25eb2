import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { LIVE_UPDATE_START_MARK, bindActions } from './actions';
import { processSelectors } from './processes-slice';
import { createDashboardStore, type DashboardStore } from './store';
import { targetSelectors } from './targets-slice';
import { sample, target } from './test-samples';
import { uiSelectors } from './ui-slice';

let store: DashboardStore;
let act: ReturnType<typeof bindActions>;

beforeEach(() => {
  store = createDashboardStore();
  act = bindActions(store);
  performance.clearMarks(LIVE_UPDATE_START_MARK);
});

describe('actions and selectors', () => {
  it('pause freezes the view while live samples keep arriving', () => {
    act.targetsReceived([target('a')]);
    act.samplesReceived({ targetId: 'a', samples: [sample(1), sample(2)] });
    act.setPaused(true);
    act.samplesReceived({ targetId: 'a', samples: [sample(3)] });
    const s = store.getState();
    expect(
      uiSelectors
        .viewSamples('a')(s)
        .map((x) => x.timestampMs),
    ).toEqual([1, 2]);
    expect(s.samplesByTarget.a?.map((x) => x.timestampMs)).toEqual([1, 2, 3]);
    act.setPaused(false);
    expect(uiSelectors.viewSamples('a')(store.getState())).toHaveLength(3);
  });

  it('marks the start of a live update only for the selected, unpaused target', () => {
    act.targetsReceived([target('a'), target('b')]);
    act.samplesReceived({ targetId: 'b', samples: [sample(1)] });
    expect(performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark')).toHaveLength(0);
    act.samplesReceived({ targetId: 'a', samples: [sample(1)] });
    expect(performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark')).toHaveLength(1);
    // A batch with nothing new renders nothing, so it must not leave a stale mark.
    performance.clearMarks(LIVE_UPDATE_START_MARK);
    act.samplesReceived({ targetId: 'a', samples: [sample(1)] });
    expect(performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark')).toHaveLength(0);
  });

  it('errors become {code, message}; unknown throws become INTERNAL', () => {
    act.showError(new MonitorError(ErrorCodes.NOT_NODE, 'PID 5 is not a Node process.'));
    expect(uiSelectors.lastError(store.getState())).toEqual({
      code: 'MONITOR_ERR_NOT_NODE',
      message: 'PID 5 is not a Node process.',
    });
    act.showError(new Error('boom'));
    expect(uiSelectors.lastError(store.getState())?.code).toBe(ErrorCodes.INTERNAL);
    act.clearError();
    expect(uiSelectors.lastError(store.getState())).toBeNull();
  });

  it('removing a target forgets its samples', () => {
    act.targetsReceived([target('a')]);
    act.samplesReceived({ targetId: 'a', samples: [sample(1)] });
    act.targetRemoved('a');
    expect(store.getState().samplesByTarget).toEqual({});
    expect(targetSelectors.list(store.getState())).toEqual([]);
  });

  it('process list hides the dashboard itself and sorts by pid', () => {
    act.processListReceived(
      {
        processes: [
          { pid: 30, command: 'node b', startTimeMs: 1, inspector: { state: 'closed' } },
          {
            pid: 10,
            command: 'node self',
            startTimeMs: 1,
            inspector: { state: 'closed' },
            self: true,
          },
          { pid: 20, command: 'node a', startTimeMs: 1, inspector: { state: 'closed' } },
        ],
        inspectors: [],
      },
      123,
    );
    const s = store.getState();
    expect(processSelectors.visibleProcesses(s).map((p) => p.pid)).toEqual([20, 30]);
    expect(processSelectors.loaded(s)).toBe(true);
    expect(s.processesUpdatedAtMs).toBe(123);
  });

  it('a confirmation waits in the store until cleared', () => {
    act.askConfirm({ kind: 'enable-inspector', pid: 7, message: 'Open?' });
    expect(uiSelectors.pendingConfirm(store.getState())?.pid).toBe(7);
    act.clearConfirm();
    expect(uiSelectors.pendingConfirm(store.getState())).toBeNull();
  });
});

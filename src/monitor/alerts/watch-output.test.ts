import { describe, expect, it } from 'vitest';
import type { LeakSnapshotSeries } from '../../shared/alert-model';
import { seriesFailureLine } from './watch-output';

const HINT = 'Run watch again with --yes to take them anyway.';

describe('seriesFailureLine', () => {
  const needsConfirm: LeakSnapshotSeries = {
    state: 'failed',
    step: 0,
    total: 3,
    code: 'MONITOR_ERR_CONFIRM_REQUIRED',
    message: 'Leak snapshots need confirmation: only 64 MB is free.',
  };

  it('says how to confirm a series that needs it, with its code', () => {
    expect(seriesFailureLine(needsConfirm, null, HINT)).toBe(
      'resdash: warning: Leak snapshots need confirmation: only 64 MB is free. Run watch again with --yes to take them anyway. (MONITOR_ERR_CONFIRM_REQUIRED)',
    );
  });

  it('prints a failure once, and nothing for a series that did not fail', () => {
    expect(seriesFailureLine(needsConfirm, { ...needsConfirm }, HINT)).toBeNull();
    expect(seriesFailureLine({ state: 'capturing', step: 1, total: 3 }, null, HINT)).toBeNull();
    expect(seriesFailureLine({ state: 'done', step: 3, total: 3 }, needsConfirm, HINT)).toBeNull();
  });

  it('names other failures with their code', () => {
    expect(
      seriesFailureLine(
        {
          state: 'failed',
          step: 2,
          total: 3,
          message: 'The target is detached',
          code: 'MONITOR_ERR_TARGET_CLOSED',
        },
        null,
        HINT,
      ),
    ).toBe(
      'resdash: warning: the leak snapshot series failed: The target is detached. (MONITOR_ERR_TARGET_CLOSED)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { SnapshotProgress } from '../../shared/heap-tools-model';
import { progressText } from './snapshot';

const base: SnapshotProgress = {
  targetId: 't',
  captureId: 'c',
  phase: 'preparing',
  fraction: 0.325,
  exact: false,
  via: 'pipe',
  done: 0,
  total: 0,
  bytesWritten: 0,
  expectedBytes: 200 * 1024 * 1024,
  startedAtMs: 0,
  remainingMs: 2500,
};

describe('resdash snapshot progress line', () => {
  it('says what is estimated, what the target does and how long is left', () => {
    expect(progressText(base)).toBe(
      '32% (estimated), the target is walking its heap, about 3 s left (via the pipe)',
    );
  });

  it("shows V8's counter when exact, and the bytes once they arrive", () => {
    const line = progressText({
      ...base,
      phase: 'writing',
      exact: true,
      via: 'inspector',
      done: 10,
      total: 10,
      bytesWritten: 50 * 1024 * 1024,
      remainingMs: null,
    });
    expect(line).toMatch(
      /^32% \(10\/10 objects\), 50(\.0)? ?MB of about 200(\.0)? ?MB written \(via the inspector\)$/,
    );
  });
});

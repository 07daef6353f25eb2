import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors';
import { leakOptionsFromFlags } from './watch-leak-flags';

describe('leakOptionsFromFlags', () => {
  it('maps the flags to the leaks feature options', () => {
    expect(leakOptionsFromFlags({})).toBeNull();
    expect(leakOptionsFromFlags({ 'allow-gc': true })).toEqual({ allowForcedGc: true });
    expect(
      leakOptionsFromFlags({
        'allow-gc': true,
        'gc-interval': '2s',
        'allow-snapshots': true,
        'snapshot-spacing': '1m',
        yes: true,
      }),
    ).toEqual({
      allowForcedGc: true,
      forcedGcIntervalMs: 2_000,
      allowSnapshots: true,
      snapshotSpacingMs: 60_000,
      confirmSnapshots: true,
    });
  });

  it.each([
    [{ 'gc-interval': '2s' }, /--gc-interval only applies with --allow-gc/],
    [{ yes: true }, /--yes only applies with --allow-snapshots/],
    [{ 'allow-gc': true, yes: true }, /--yes only applies with --allow-snapshots/],
    [{ 'snapshot-spacing': '3s' }, /--snapshot-spacing only applies/],
    [{ 'allow-gc': true, 'gc-interval': '999ms' }, /between 1s and 1h/],
    [{ 'allow-snapshots': true, 'snapshot-spacing': '2h' }, /between 1s and 1h/],
    [{ 'allow-gc': true, 'gc-interval': 'soon' }, /--gc-interval expects a duration/],
  ])('%j is a BAD_ARGUMENT', (flags, message) => {
    expect(() => leakOptionsFromFlags(flags)).toThrow(
      expect.objectContaining({
        code: ErrorCodes.BAD_ARGUMENT,
        message: expect.stringMatching(message),
      }),
    );
  });
});

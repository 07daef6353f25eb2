import { describe, expect, it } from 'vitest';
import {
  applySelect,
  applyTarget,
  applyTargetList,
  applyTargetRemoved,
  initialTargetsSlice,
} from './targets-slice';
import { target } from './test-samples';

describe('targets slice', () => {
  it('a pushed list replaces the targets and selects the first live one', () => {
    const s = applyTargetList(initialTargetsSlice, [
      target('a', { status: 'detached' }),
      target('b'),
    ]);
    expect(s.targetOrder).toEqual(['a', 'b']);
    expect(s.selectedTargetId).toBe('b');
  });

  it('keeps the selection while the selected target is listed, even when detached', () => {
    let s = applyTargetList(initialTargetsSlice, [target('a'), target('b')]);
    s = { ...s, ...applySelect(s, 'b') };
    s = applyTargetList(s, [target('a'), target('b', { status: 'detached' })]);
    expect(s.selectedTargetId).toBe('b');
    expect(s.targets.b?.status).toBe('detached');
  });

  it('a newly attached target is added and selected; an update keeps the selection', () => {
    let s = applyTarget(initialTargetsSlice, target('a'));
    s = applyTarget(s, target('b'));
    expect(s.selectedTargetId).toBe('b');
    s = { ...s, ...applySelect(s, 'a') };
    s = applyTarget(s, target('b', { intervalMs: 250 }));
    expect(s.selectedTargetId).toBe('a');
    expect(s.targets.b?.intervalMs).toBe(250);
    expect(s.targetOrder).toEqual(['a', 'b']);
  });

  it('selecting an unknown id changes nothing', () => {
    const s = applyTarget(initialTargetsSlice, target('a'));
    expect(applySelect(s, 'nope')).toEqual({});
  });

  it('removing the selected target selects another', () => {
    let s = applyTargetList(initialTargetsSlice, [target('a'), target('b')]);
    s = applyTargetRemoved(s, 'a');
    expect(s.targetOrder).toEqual(['b']);
    expect(s.selectedTargetId).toBe('b');
    s = applyTargetRemoved(s, 'b');
    expect(s.selectedTargetId).toBeNull();
  });
});

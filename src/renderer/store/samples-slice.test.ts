import { describe, expect, it } from 'vitest';
import { appendBatch, dropSamples, initialSamplesSlice, replaceHistory } from './samples-slice';
import { sample, series } from './test-samples';

const ts = (arr: { timestampMs: number }[] | undefined) => (arr ?? []).map((s) => s.timestampMs);

describe('samples slice', () => {
  it('appends batches per target and leaves other targets untouched', () => {
    let s = appendBatch(initialSamplesSlice, 'a', [sample(1), sample(2)]);
    const b = [sample(5)];
    s = appendBatch(s, 'b', b);
    const aBefore = s.samplesByTarget.a;
    s = appendBatch(s, 'b', [sample(6)]);
    expect(ts(s.samplesByTarget.a)).toEqual([1, 2]);
    expect(s.samplesByTarget.a).toBe(aBefore);
    expect(ts(s.samplesByTarget.b)).toEqual([5, 6]);
  });

  it('never mutates the previous array, so references mark changes', () => {
    const s1 = appendBatch(initialSamplesSlice, 'a', [sample(1)]);
    const first = s1.samplesByTarget.a;
    const s2 = appendBatch(s1, 'a', [sample(2)]);
    expect(ts(first)).toEqual([1]);
    expect(s2.samplesByTarget.a).not.toBe(first);
  });

  it('drops the oldest samples beyond the cap', () => {
    let s = initialSamplesSlice;
    for (let i = 0; i < 10; i++) s = appendBatch(s, 'a', [sample(i * 2), sample(i * 2 + 1)], 5);
    expect(ts(s.samplesByTarget.a)).toEqual([15, 16, 17, 18, 19]);
  });

  it('ignores samples not newer than the last one held and sorts an unordered batch', () => {
    let s = appendBatch(initialSamplesSlice, 'a', [sample(10), sample(20)]);
    const same = appendBatch(s, 'a', [sample(5), sample(20)]);
    expect(same).toBe(s);
    s = appendBatch(s, 'a', [sample(40), sample(30), sample(20)]);
    expect(ts(s.samplesByTarget.a)).toEqual([10, 20, 30, 40]);
  });

  it('history replaces what is held but keeps newer live samples (rehydrate, F26)', () => {
    let s = appendBatch(initialSamplesSlice, 'a', [sample(90), sample(100), sample(110)]);
    s = replaceHistory(s, 'a', [sample(80), sample(70), sample(100)]);
    expect(ts(s.samplesByTarget.a)).toEqual([70, 80, 100, 110]);
  });

  it('history is capped too', () => {
    const s = replaceHistory(initialSamplesSlice, 'a', series(10, 0, 1), 4);
    expect(ts(s.samplesByTarget.a)).toEqual([6, 7, 8, 9]);
  });

  it('drops a target', () => {
    const s = appendBatch(initialSamplesSlice, 'a', [sample(1)]);
    expect(dropSamples(s, 'a').samplesByTarget).toEqual({});
    expect(dropSamples(s, 'zz')).toBe(s);
  });
});

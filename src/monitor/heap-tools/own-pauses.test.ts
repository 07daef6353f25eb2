// Which samples are ours: a sample whose interval (since the previous one) overlaps a
// GC, snapshot or allocation sampling of the dashboard, or falls within the grace after
// it, is marked; a snapshot's mark wins; the mark survives the history's columns.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../shared/model';
import { generateSamples } from '../alerts/generate-samples';
import { SampleHistory } from '../history/history';
import { OwnPauses } from './own-pauses';

function sampleAt(timestampMs: number): Sample {
  return { ...generateSamples({ seed: 1, count: 1 })[0]!, timestampMs };
}

describe('OwnPauses', () => {
  it('marks the samples whose interval overlaps ours, with a grace after the end', () => {
    let now = 0;
    const p = new OwnPauses(
      () => now,
      () => 250,
    );
    const marks: (string | undefined)[] = [];
    const tick = (t: number): void => {
      now = t;
      const s = sampleAt(t);
      p.annotate(s);
      marks.push(s.ownPause);
    };
    tick(0);
    tick(1000);
    now = 1100;
    const endGc = p.begin('gc');
    now = 1200;
    const endSnap = p.begin('snapshot');
    now = 1300;
    endGc();
    tick(2000); // both overlap: the snapshot wins
    now = 2500;
    endSnap();
    tick(2600); // within the interval that saw it end
    tick(3000); // within the grace (ended 2500 + 250)... its interval starts at 2600
    tick(4000); // well after: not ours
    expect(marks).toEqual([undefined, undefined, 'snapshot', 'snapshot', 'snapshot', undefined]);
  });

  it('during() ends its interval when the work fails', async () => {
    let now = 0;
    const p = new OwnPauses(
      () => now,
      () => 0,
    );
    await expect(
      p.during('allocation-sampling', async () => {
        now = 10;
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(p.overlapping(5, 8)).toBe('allocation-sampling');
    expect(p.overlapping(11, 20)).toBeNull();
  });

  it('the mark is kept by the history (columns) like late', () => {
    const h = new SampleHistory();
    const a = sampleAt(1000);
    const b = { ...sampleAt(2000), ownPause: 'gc' as const };
    h.push(a);
    h.push(b);
    const [ra, rb] = h.query({});
    expect(ra!.ownPause).toBeUndefined();
    expect(rb!.ownPause).toBe('gc');
  });
});

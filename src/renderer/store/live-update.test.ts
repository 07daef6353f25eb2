import { afterEach, describe, expect, it } from 'vitest';
import { createBatchQueue, type ArrivedBatch } from './batch-queue';
import {
  LIVE_UPDATE_MEASURE,
  LIVE_UPDATE_START_MARK,
  cancelLiveUpdate,
  liveChartDrew,
  liveChartMounted,
  liveChartUnmounted,
  startLiveUpdate,
} from './live-update';
import { sample } from './test-samples';

const measures = (): PerformanceEntry[] => performance.getEntriesByName(LIVE_UPDATE_MEASURE);
const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

afterEach(() => {
  liveChartUnmounted('a');
  liveChartUnmounted('b');
  cancelLiveUpdate();
  performance.clearMeasures(LIVE_UPDATE_MEASURE);
});

describe('live-update measure', () => {
  it('ends once every mounted chart has drawn the newest sample, starting at the arrival', async () => {
    liveChartMounted('a');
    liveChartMounted('b');
    const arrived = performance.now() - 20;
    startLiveUpdate(arrived, 5000);
    liveChartDrew('a', 5000);
    liveChartDrew('b', 4000); // b still shows the previous batch
    await nextTask();
    expect(measures()).toHaveLength(0);
    liveChartDrew('b', 5000);
    await nextTask();
    expect(measures()).toHaveLength(1);
    expect(measures()[0]!.startTime).toBeCloseTo(arrived, 0);
    expect(measures()[0]!.duration).toBeGreaterThanOrEqual(20);
    expect(performance.getEntriesByName(LIVE_UPDATE_START_MARK, 'mark')).toHaveLength(0);
  });

  it('a batch arriving before the paint joins the pending measure and keeps its start', async () => {
    liveChartMounted('a');
    const first = performance.now() - 30;
    startLiveUpdate(first, 1000);
    startLiveUpdate(performance.now(), 2000);
    liveChartDrew('a', 1000);
    await nextTask();
    expect(measures()).toHaveLength(0);
    liveChartDrew('a', 2000);
    await nextTask();
    expect(measures()).toHaveLength(1);
    expect(measures()[0]!.startTime).toBeCloseTo(first, 0);
  });

  it('an unmounted chart is not waited for; a cancelled measure never ends', async () => {
    liveChartMounted('a');
    liveChartMounted('b');
    startLiveUpdate(performance.now(), 10);
    liveChartDrew('a', 10);
    liveChartUnmounted('b');
    await nextTask();
    expect(measures()).toHaveLength(1);
    startLiveUpdate(performance.now(), 20);
    cancelLiveUpdate();
    liveChartDrew('a', 20);
    await nextTask();
    expect(measures()).toHaveLength(1);
  });
});

describe('batch queue', () => {
  it('applies every batch that arrived before the frame in one call, in arrival order', () => {
    const applied: ArrivedBatch[][] = [];
    let frame: (() => void) | null = null;
    const q = createBatchQueue(
      (b) => applied.push(b),
      (flush) => (frame = flush),
    );
    q.push({ targetId: 'a', samples: [sample(1)] });
    q.push({ targetId: 'b', samples: [sample(1)] });
    q.push({ targetId: 'a', samples: [sample(2)] });
    expect(applied).toHaveLength(0);
    frame!();
    expect(applied).toHaveLength(1);
    expect(applied[0]!.map((x) => `${x.batch.targetId}${x.batch.samples[0]!.timestampMs}`)).toEqual(
      ['a1', 'b1', 'a2'],
    );
    expect(applied[0]![0]!.arrivedAtMs).toBeLessThanOrEqual(applied[0]![2]!.arrivedAtMs);
    q.push({ targetId: 'a', samples: [sample(3)] });
    frame!();
    expect(applied).toHaveLength(2);
  });
});

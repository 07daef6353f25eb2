// F14 for the leak detector's snapshot series: it goes through the heap tools' pre-flight
// like the Heap snapshot button. When memory may not be enough, the series stops before
// its first capture with CONFIRM_REQUIRED and says why (never silently); once the user
// confirms (confirmSnapshots, `resdash watch --yes`), it runs. A real leaking process; the
// machine's free memory is the heap tools' seam (the test machine has plenty), and the
// trend rule is relaxed so that a suspicion comes in seconds, not the real 60 s.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { createHeapToolsFeature } from '../../src/monitor/heap-tools/heap-tools-feature';
import { createLeaksFeature } from '../../src/monitor/leaks/leaks-feature';
import type { LeakVerdict } from '../../src/shared/alert-model';
import { ErrorCodes } from '../../src/shared/errors';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const monitors: Monitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

/** 64 MB free: any heap snapshot "may not fit". */
const tight = async () => ({
  memAvailableBytes: 64 * 1024 * 1024,
  cgroupLimitBytes: null,
  cgroupUsageBytes: null,
});

const fastTrend = {
  minPoints: 3,
  minSpanMs: 2_000,
  minConfidence: 0.5,
  minGrowthBytesPerMinute: 0,
  minRelativeGrowth: 0,
  minGrowthBytes: 0,
};

describe('leak snapshot series pre-flight', () => {
  it('stops with CONFIRM_REQUIRED and a reason, captures nothing, then runs once confirmed', async () => {
    const f = await startFixture('leaky-service.js');
    const m = createMonitor({
      recording: false,
      features: [
        createHeapToolsFeature({ machine: tight }),
        (ctx) => createLeaksFeature(ctx, { trend: fastTrend }),
      ],
    });
    monitors.push(m);
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const seen: LeakVerdict[] = [];
    m.on('leak', (v) => v.targetId === t.id && seen.push(v));
    await m.setLeakOptions({
      targetId: t.id,
      options: {
        allowForcedGc: true,
        forcedGcIntervalMs: 1_000,
        allowSnapshots: true,
        snapshotSpacingMs: 1_000,
      },
    });

    await expect
      .poll(async () => (await m.getLeakVerdict({ targetId: t.id })).snapshots.state, {
        timeout: 60_000,
      })
      .toBe('failed');
    const failed = (await m.getLeakVerdict({ targetId: t.id })).snapshots;
    expect(failed.code).toBe(ErrorCodes.CONFIRM_REQUIRED);
    expect(failed.message).toMatch(/^Leak snapshots need confirmation: The target may need about/);
    expect(failed.step).toBe(0);
    expect(seen.some((v) => v.snapshots.state === 'capturing')).toBe(false);

    const after = seen.length;
    await m.setLeakOptions({ targetId: t.id, options: { confirmSnapshots: true } });
    await expect
      .poll(async () => (await m.getLeakVerdict({ targetId: t.id })).snapshots.state, {
        timeout: 60_000,
      })
      .toBe('done');
    expect(seen.slice(after).some((v) => v.snapshots.state === 'capturing')).toBe(true);
    const done = await m.getLeakVerdict({ targetId: t.id });
    expect(done.options.confirmSnapshots).toBe(true);
    expect(done.suspects.map((s) => s.className)).toContain('ResdashLeakyWidget');
  }, 150_000);
});

// Our own pauses are ours: two heap snapshots of a healthy target stop its event loop
// for a while each, and the samples that cover them are marked (ownPause) and raise no
// event-loop, GC or CPU alert and no recommendation against the target.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMonitor } from '../../src/monitor/index';
import type { Sample } from '../../src/shared/model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

afterAll(stopAllFixtures);

describe("the dashboard's own pauses", () => {
  it('two snapshots of a healthy target: marked samples, no event-loop alert or recommendation', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-own-'));
    const m = createMonitor({ dataDir, recording: false });
    try {
      const f = await startFixture('idle.js');
      // Enough small objects that a snapshot stops the loop well past the alert limits.
      f.command('alloc 30');
      await f.waitFor(/allocated 30/);
      const t = await m.attach({ port: f.port!, intervalMs: 250 });
      const samples: Sample[] = [];
      m.on('samples', (b) => {
        if (b.targetId === t.id) samples.push(...b.samples);
      });
      await new Promise((r) => setTimeout(r, 1_000));
      for (let i = 0; i < 2; i++) {
        await m.takeHeapSnapshot({ targetId: t.id, confirm: true });
        await new Promise((r) => setTimeout(r, 1_500));
      }
      await m.collectGarbage({ targetId: t.id });
      await new Promise((r) => setTimeout(r, 1_000));

      const history = await m.getHistory({ targetId: t.id });
      const marked = history.filter((s) => s.ownPause);
      expect(marked.some((s) => s.ownPause === 'snapshot')).toBe(true);
      expect(marked.some((s) => s.ownPause === 'gc')).toBe(true);
      // The loop really stopped: the worst delay seen is in a marked sample.
      const worst = history.reduce((a, s) =>
        (s.eventLoopDelayMaxMs ?? 0) > (a.eventLoopDelayMaxMs ?? 0) ? s : a,
      );
      expect(worst.eventLoopDelayMaxMs).toBeGreaterThan(100);
      expect(worst.ownPause).toBe('snapshot');
      // Pushed samples carry the mark too (the renderer draws it).
      expect(samples.some((s) => s.ownPause === 'snapshot')).toBe(true);

      const alerts = await m.getAlerts({ targetId: t.id });
      expect(alerts.map((a) => `${a.rule}: ${a.message}`)).toEqual([]);
      const recs = await m.getRecommendations({ targetId: t.id });
      expect(
        recs.filter((r) => ['event-loop-slow', 'gc-heavy', 'cpu-busy'].includes(r.rule)),
      ).toEqual([]);
      const report = await m.exportReport({ targetId: t.id, format: 'json' });
      const data = JSON.parse(report.content) as {
        kpis: { ownPauseSamples: number; eventLoopDelayP99MaxMs: number | null };
        recommendations: { text: string }[];
      };
      expect(data.kpis.ownPauseSamples).toBe(marked.length);
      expect(data.kpis.eventLoopDelayP99MaxMs ?? 0).toBeLessThan(100);
      expect(data.recommendations.map((r) => r.text).join('\n')).not.toMatch(/event loop|GC/i);
    } finally {
      await m.dispose();
      await stopAllFixtures();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

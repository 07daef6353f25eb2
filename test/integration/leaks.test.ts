// Leak detection against real processes, in ONE test so the three run concurrently
// (about 2 minutes, the time the issue asks the non-leaking ones to be watched):
//  - leaky-service.js caches ResdashLeakyWidget objects in a Map forever: flagged, and
//    the verdict names the class (post-GC trend -> snapshot series of 3 -> diff);
//  - sawtooth-service.js (heap climbs and falls, post-GC floor flat) and idle.js: never
//    flagged in 2 minutes.
// Forced GCs every 2 s (the user's "allow forced GC") give post-GC points quickly;
// sampling at 250 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { POST_GC_PRESENT_SOURCE } from '../../src/monitor/leaks/post-gc-recorder';
import type { LeakVerdict } from '../../src/shared/alert-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const WATCH_MS = 120_000;

const monitors: Monitor[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

describe('leak detection', () => {
  it(
    'flags the leaking service and names its class; a sawtooth and an idle service are not flagged in 2 minutes',
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-leaks-'));
      dirs.push(dataDir);
      const m = createMonitor({ dataDir });
      monitors.push(m);
      const [leaky, saw, idle] = await Promise.all([
        startFixture('leaky-service.js'),
        startFixture('sawtooth-service.js'),
        startFixture('idle.js'),
      ]);
      const startMs = Date.now();
      const targets = await Promise.all(
        [leaky!, saw!, idle!].map((f) => m.attach({ port: f.port!, intervalMs: 250 })),
      );
      const [tLeaky, tSaw, tIdle] = targets.map((t) => t.id) as [string, string, string];
      const verdicts = new Map<string, LeakVerdict[]>(targets.map((t) => [t.id, []]));
      m.on('leak', (v) => verdicts.get(v.targetId)?.push(v));
      for (const id of [tLeaky, tSaw, tIdle]) {
        await m.setLeakOptions({
          targetId: id,
          options: {
            allowForcedGc: true,
            forcedGcIntervalMs: 2_000,
            allowSnapshots: true,
            snapshotSpacingMs: 3_000,
          },
        });
      }

      // The leaky one: wait for the verdict that names the class.
      let named: LeakVerdict | null = null;
      while (!named && Date.now() - startMs < WATCH_MS) {
        await new Promise((r) => setTimeout(r, 1_000));
        const v = await m.getLeakVerdict({ targetId: tLeaky });
        if (v.state === 'leak' && v.suspects.length > 0) named = v;
      }
      const flaggedAfterS = Math.round((Date.now() - startMs) / 1000);
      const firstSuspected = verdicts
        .get(tLeaky)!
        .find((v) => v.state === 'suspected' || v.state === 'leak');
      console.log(
        `leaky-service: suspected after ${firstSuspected ? Math.round((firstSuspected.updatedMs - startMs) / 1000) : '?'} s, class named after ${flaggedAfterS} s: ${named?.sentence}`,
      );
      expect(named, 'the leaky service was not named within 2 minutes').not.toBeNull();
      expect(named!.suspects[0]!.className).toBe('ResdashLeakyWidget');
      expect(named!.suspects[0]!.countPerMinute).toBeGreaterThan(1_000);
      expect(named!.sentence).toMatch(/^ResdashLeakyWidget \+[\d,]+ objects\/min/);
      expect(named!.confidence).toBeGreaterThan(0.9);
      expect(named!.growthBytesPerMinute).toBeGreaterThan(0);

      // Investigate: the seed's rule on a forced GC.
      const inv = await m.investigateLeak({ targetId: tLeaky });
      expect(inv.investigation?.leakSuspected).toBe(true);
      const recs = await m.getRecommendations({ targetId: tLeaky });
      expect(
        recs.some((r) => r.rule === 'memory-leak' && r.message.includes('ResdashLeakyWidget')),
      ).toBe(true);

      // The others: watched for the full 2 minutes.
      const left = WATCH_MS - (Date.now() - startMs);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      for (const id of [tSaw, tIdle]) {
        const seen = verdicts.get(id)!;
        const flagged = seen.filter((v) => v.state === 'suspected' || v.state === 'leak');
        expect(
          flagged.map((v) => v.sentence),
          `target ${id} was flagged`,
        ).toEqual([]);
        const last = await m.getLeakVerdict({ targetId: id });
        expect(last.state).toBe('stable');
        expect(last.snapshots.state).toBe('idle'); // no snapshot series without suspicion
      }
      const sawInv = await m.investigateLeak({ targetId: tSaw });
      expect(sawInv.investigation?.leakSuspected).toBe(false);
    },
    WATCH_MS + 60_000,
  );

  it('the in-target post-GC recorder feeds points and is removed on detach (F13, 5 cycles)', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-leaks-'));
    dirs.push(dataDir);
    const m = createMonitor({ dataDir });
    monitors.push(m);
    const f = await startFixture('idle.js');
    const observer = new CdpClient(await connectWebSocket(f.wsUrl!));
    const present = async (): Promise<unknown> =>
      (
        await observer.send('Runtime.evaluate', {
          expression: POST_GC_PRESENT_SOURCE,
          returnByValue: true,
        })
      ).result.value;
    try {
      for (let i = 0; i < 5; i++) {
        const t = await m.attach({ port: f.port!, intervalMs: 100 });
        await expect.poll(present, { timeout: 5_000 }).toBe(true);
        // A GC the dashboard did not force is seen too: from the observer session.
        await observer.send('HeapProfiler.collectGarbage');
        await expect
          .poll(async () => (await m.getLeakVerdict({ targetId: t.id })).points, { timeout: 5_000 })
          .toBeGreaterThanOrEqual(1);
        await m.detach({ targetId: t.id });
        expect(await present()).toBe(false);
        await m.removeTarget({ targetId: t.id });
      }
    } finally {
      observer.close();
    }
  });
});

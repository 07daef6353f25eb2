// The leak detector's snapshot series without the heap tools feature: it captures
// through the shared capture path (snapshots/snapshot-capture + capture-writer), counts
// classes with the analysis, and leaves no file behind.
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { CdpClient } from '../../src/monitor/inspector/cdp-client';
import { connectWebSocket } from '../../src/monitor/inspector/transport';
import { runSnapshotSeries } from '../../src/monitor/leaks/snapshot-series';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

afterAll(stopAllFixtures);

const seriesDirs = async (): Promise<string[]> =>
  (await readdir(os.tmpdir())).filter((n) => n.startsWith('resdash-leak-'));

describe('leak snapshot series on its own', () => {
  it('captures two snapshots, finds no growing class in a steady heap, and cleans up', async () => {
    const f = await startFixture('heap-objects.js', { args: ['20000'] });
    const client = new CdpClient(await connectWebSocket(f.wsUrl!));
    const before = await seriesDirs();
    const steps: string[] = [];
    try {
      const suspects = await runSnapshotSeries({
        client,
        count: 2,
        spacingMs: 10,
        now: Date.now,
        signal: new AbortController().signal,
        onProgress: (p) => steps.push(`${p.state}:${p.step}`),
      });
      expect(steps).toEqual(['capturing:1', 'analysing:1', 'capturing:2', 'analysing:2']);
      expect(suspects.map((s) => s.className)).not.toContain('ResdashSnapshotItem');
      expect(await seriesDirs()).toEqual(before);
    } finally {
      client.close();
    }
  });
});

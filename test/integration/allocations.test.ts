// Allocation sampling against a real process: the top sites name the fixture's
// allocating function, with its stack; start/stop state errors have stable codes.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { ErrorCodes } from '../../src/shared/errors';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const BIN = path.resolve(import.meta.dirname, '../../bin/resdash.js');
const run = promisify(execFile);

const monitors: Monitor[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

describe('allocation sampling', () => {
  it("returns the top sites by self size, including the fixture's allocating function", async () => {
    const f = await startFixture('heap-objects.js', { args: ['1000'] });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-alloc-'));
    dirs.push(dataDir);
    const m = createMonitor({ dataDir });
    monitors.push(m);
    const t = await m.attach({ port: f.port! });
    await expect(m.stopAllocationSampling({ targetId: t.id })).rejects.toMatchObject({
      code: ErrorCodes.ALLOCATION_SAMPLING_STATE,
    });
    const state = await m.startAllocationSampling({ targetId: t.id, samplingIntervalBytes: 4096 });
    expect(state.running).toBe(true);
    await expect(m.startAllocationSampling({ targetId: t.id })).rejects.toMatchObject({
      code: ErrorCodes.ALLOCATION_SAMPLING_STATE,
    });
    f.command('churn');
    await f.waitFor(/churning/);
    await new Promise((r) => setTimeout(r, 500));
    const profile = await m.stopAllocationSampling({ targetId: t.id, top: 5 });
    f.command('calm');
    expect(profile.sites.length).toBeGreaterThan(0);
    expect(profile.sites.length).toBeLessThanOrEqual(5);
    expect(profile.totalBytes).toBeGreaterThan(0);
    const sizes = profile.sites.map((s) => s.selfSizeBytes);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    const hot = profile.sites.find((s) => s.stack[0]?.functionName === 'allocateResdashHotspot');
    expect(hot, JSON.stringify(profile.sites.map((s) => s.stack[0]))).toBeDefined();
    expect(hot!.stack[0]!.url).toMatch(/heap-objects\.js$/);
    expect(hot!.stack[0]!.lineNumber).toBeGreaterThan(0);
    await expect(
      m.startAllocationSampling({ targetId: t.id, samplingIntervalBytes: 1 }),
    ).rejects.toMatchObject({ code: ErrorCodes.BAD_ARGUMENT });
  });

  it('resdash allocations TARGET --duration D --json', async () => {
    const f = await startFixture('heap-objects.js', { args: ['1000'] });
    f.command('churn');
    await f.waitFor(/churning/);
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'allocations',
        `:${f.port}`,
        '--duration',
        '500ms',
        '--top',
        '5',
        '--interval',
        '4096',
        '--json',
      ],
      { env: { ...process.env, RESDASH_DATA_DIR: path.join(os.tmpdir(), 'resdash-alloc-cli') } },
    );
    const p = JSON.parse(stdout) as { sites: { stack: { functionName: string }[] }[] };
    expect(p.sites.some((s) => s.stack[0]?.functionName === 'allocateResdashHotspot')).toBe(true);
  });
});

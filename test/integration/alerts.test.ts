// Limits and alerts against real processes: a low limit raises an alert with its
// sentence, acknowledge and "limit off" end it, a blocked loop trips the Clinic Doctor
// rule, the log outlives detach, bad input is one clear error, and `resdash watch
// --json --limit` prints {"type":"alert"} lines.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { AlertEvent } from '../../src/shared/alert-model';
import { ErrorCodes } from '../../src/shared/errors';
import { startFixture, stopAllFixtures } from '../fixtures/harness';

const BIN = path.resolve(import.meta.dirname, '../../bin/resdash.js');
const run = promisify(execFile);

const monitors: Monitor[] = [];
const dirs: string[] = [];
async function monitor(): Promise<Monitor> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resdash-alerts-'));
  dirs.push(dataDir);
  const m = createMonitor({ dataDir });
  monitors.push(m);
  return m;
}

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
afterAll(stopAllFixtures);

function until<T>(
  m: Monitor,
  pick: (e: AlertEvent) => T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no matching alert event in time'));
    }, timeoutMs);
    const off = m.on('alert', (e) => {
      const v = pick(e);
      if (v !== undefined) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    });
  });
}

describe('alerts on a real process', () => {
  it('a low RSS limit raises a critical alert; acknowledge; limit off clears it; the log outlives detach', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 200 });
    const raised = until(m, (e) =>
      e.alert.rule === 'rss' && e.change === 'raised' ? e.alert : undefined,
    );
    const state = await m.setLimits({ targetId: t.id, limits: { rss: '1MB' } });
    expect(state.limits.rssBytes).toBe(1024 * 1024);
    // What null limits resolve to for this target: its RLIMIT_NOFILE and V8 heap limit.
    expect(state.effective.openFds).toBeGreaterThan(0);
    const alert = await raised;
    expect(alert).toMatchObject({
      targetId: t.id,
      rule: 'rss',
      severity: 'critical',
      endMs: null,
      limit: 1024 * 1024,
      unit: 'bytes',
    });
    expect(alert.value).toBeGreaterThan(1024 * 1024);
    expect(alert.message).toMatch(/^RSS is .* of its limit 1\.0 MB\. .*raise the limit/);

    const active = await m.getAlerts({ targetId: t.id, activeOnly: true });
    expect(active.map((a) => a.id)).toEqual([alert.id]);
    const acked = until(m, (e) => (e.change === 'acknowledged' ? e.alert : undefined));
    await m.acknowledgeAlert({ targetId: t.id, alertId: alert.id });
    expect((await acked).acknowledged).toBe(true);

    const cleared = until(m, (e) => (e.change === 'cleared' ? e.alert : undefined));
    await m.setLimits({ targetId: t.id, limits: { rss: 'off' } });
    expect((await cleared).endMs).not.toBeNull();

    await m.detach({ targetId: t.id });
    const log = await m.getAlerts({ targetId: t.id });
    expect(log.find((a) => a.id === alert.id)?.acknowledged).toBe(true);
  });

  it('a blocked event loop trips the Clinic Doctor rule (max delay >= 100 ms)', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 200 });
    const blocked = until(m, (e) => (e.alert.rule === 'event-loop-blocked' ? e.alert : undefined));
    await new Promise((r) => setTimeout(r, 600));
    f.command('block 400');
    const a = await blocked;
    expect(a.targetId).toBe(t.id);
    expect(a.value).toBeGreaterThanOrEqual(100);
    expect(a.message).toMatch(/Event-loop delay reached/);
  });

  it('a saturated pool (agent-published undici Pool, 4 connections, 6 held requests) raises pool-saturation', async () => {
    const f = await startFixture('pool-service.mjs', { nodeArgs: ['--import', 'tsx'] });
    const m = await monitor();
    const t = await m.attach({ port: f.port!, intervalMs: 250 });
    const saturated = until(
      m,
      (e) =>
        e.alert.rule === 'pool-saturation' && e.alert.subject === 'upstream' ? e.alert : undefined,
      20_000,
    );
    f.command('load 6');
    await f.waitFor(/^loaded 6/m);
    const a = await saturated;
    expect(a).toMatchObject({ targetId: t.id, severity: 'critical', unit: 'percent', limit: 100 });
    expect(a.value).toBeGreaterThanOrEqual(90);
    expect(a.message).toMatch(
      /^Pool upstream is \d+ % utilized .*raise the pool max or find the slow holders/,
    );
    f.command('release');
  });

  it('bad input is one clear error and changes nothing', async () => {
    const f = await startFixture('idle.js');
    const m = await monitor();
    const t = await m.attach({ port: f.port! });
    await m.setLimits({ targetId: t.id, limits: { cpu: 50 } });
    const bad = expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT });
    await expect(m.setLimits({ targetId: t.id, limits: { bogus: 1 } })).rejects.toThrow(bad);
    await expect(m.setLimits({ targetId: t.id, limits: { cpu: -1 } })).rejects.toThrow(bad);
    await expect(m.setLimits({ targetId: t.id } as never)).rejects.toThrow(bad);
    await expect(m.acknowledgeAlert({ targetId: t.id, alertId: 'nope' })).rejects.toThrow(bad);
    await expect(
      m.setLeakOptions({ targetId: t.id, options: { allowSnapshots: 'yes' } as never }),
    ).rejects.toThrow(bad);
    await expect(m.getAlerts({ targetId: 'target-999' })).rejects.toThrow(
      expect.objectContaining({ code: ErrorCodes.NOT_ATTACHED }),
    );
    expect((await m.getLimits({ targetId: t.id })).limits.cpuPercent).toBe(50);
    expect(Array.isArray(await m.getRecommendations({ targetId: t.id }))).toBe(true);
  });

  it('resdash watch --json --limit rss=1MB prints type "alert" lines', async () => {
    const f = await startFixture('idle.js');
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'watch',
        `:${f.port}`,
        '--json',
        '--interval',
        '200ms',
        '--duration',
        '2s',
        '--limit',
        'rss=1MB',
      ],
      { timeout: 30_000 },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const alert = lines.find((l) => l.type === 'alert');
    expect(alert).toMatchObject({
      type: 'alert',
      change: 'raised',
      rule: 'rss',
      severity: 'critical',
    });
    expect(lines.some((l) => l.type === 'leak' && l.state === 'not-enough-data')).toBe(true);
    expect(lines.some((l) => l.type === 'sample')).toBe(true);
  });
});

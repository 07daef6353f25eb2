import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRule, Limits } from '../../shared/alert-model';
import type { PoolSample } from '../../shared/pool-model';
import type { TargetInfo } from '../../shared/model';
import { AlertEngine } from './alert-engine';
import { memberName } from '../features/member-name';
import { generateSamples, type GenerateOptions } from './generate-samples';

function run(
  opts: GenerateOptions,
  limits: Partial<Limits> = {},
  extra: { fdLimit?: number; clearAfterMs?: number } = {},
) {
  const engine = new AlertEngine('t1', {
    limits,
    fdLimit: extra.fdLimit ?? null,
    clearAfterMs: extra.clearAfterMs ?? 5_000,
  });
  const events: AlertEvent[] = [];
  for (const s of generateSamples(opts)) events.push(...engine.onSample(s));
  return { engine, events };
}

/** 0..n-1 ramps from `from` to `to` (fractions of the limit) with 1 % noise. */
const ramp =
  (limit: number, from: number, to: number, n: number) => (i: number, rnd: () => number) =>
    limit * (from + ((to - from) * i) / (n - 1) + (rnd() - 0.5) * 0.01);

describe('limit rules, one table', () => {
  const cases: Array<{
    rule: AlertRule;
    field: keyof GenerateOptions;
    limits: Partial<Limits>;
    limit: number;
    fdLimit?: number;
  }> = [
    { rule: 'rss', field: 'rssBytes', limits: { rssBytes: 100e6 }, limit: 100e6 },
    { rule: 'heap', field: 'heapUsedBytes', limits: {}, limit: 50e6 },
    { rule: 'fds', field: 'openFds', limits: {}, limit: 1024, fdLimit: 1024 },
    { rule: 'threads', field: 'threads', limits: { threads: 40 }, limit: 40 },
    { rule: 'handles', field: 'handles', limits: { activeHandles: 500 }, limit: 500 },
    { rule: 'cpu', field: 'cpuPercent', limits: { cpuPercent: 100 }, limit: 100 },
    {
      rule: 'event-loop-p99',
      field: 'eventLoopDelayP99Ms',
      limits: { eventLoopDelayP99Ms: 1000 },
      limit: 1000,
    },
  ];
  for (const c of cases) {
    it(`${c.rule}: warning at 80 %, critical at 90 %, one alert, clears below 75 % after a while`, () => {
      const n = 40;
      const base: GenerateOptions = {
        seed: 7,
        count: 100,
        heapLimitBytes: c.rule === 'heap' ? 50e6 : 2 * 1024 ** 3,
        // 0-39 ramp 0.5 -> 0.95; 40-59 stay 0.95; 60-99 drop to 0.5
        [c.field]: (i: number, rnd: () => number) =>
          i < n ? ramp(c.limit, 0.5, 0.95, n)(i, rnd) : i < 60 ? c.limit * 0.95 : c.limit * 0.5,
      };
      const { engine, events } = run(base, c.limits, {
        ...(c.fdLimit ? { fdLimit: c.fdLimit } : {}),
      });
      const mine = events.filter((e) => e.alert.rule === c.rule);
      expect(mine.map((e) => [e.change, e.alert.severity])).toEqual([
        ['raised', 'warning'],
        ['updated', 'critical'],
        ['cleared', 'critical'],
      ]);
      const [raised, , cleared] = mine;
      expect(raised!.alert.value / c.limit).toBeGreaterThanOrEqual(0.8);
      expect(raised!.alert.message.length).toBeGreaterThan(40);
      // Hysteresis: cleared 5 s after dropping below 75 % (sample 60), not at once.
      expect(cleared!.alert.endMs! - cleared!.alert.startMs).toBeGreaterThan(0);
      expect((cleared!.alert.endMs! - (1_700_000_000_000 + 60_000)) / 1000).toBe(5);
      expect(engine.list()).toHaveLength(1);
      expect(engine.active()).toHaveLength(0);
    });
  }

  it('stays quiet below 80 %', () => {
    const { events } = run(
      { seed: 3, count: 60, rssBytes: (_, r) => 100e6 * (0.7 + r() * 0.05) },
      { rssBytes: 100e6 },
    );
    expect(events.filter((e) => e.alert.rule === 'rss')).toEqual([]);
  });

  it('does not clear while the value hovers between 75 % and 80 % (hysteresis band)', () => {
    const { engine } = run(
      { seed: 4, count: 60, rssBytes: (i) => (i < 5 ? 85e6 : 77e6) },
      { rssBytes: 100e6 },
    );
    expect(engine.active().map((a) => a.rule)).toEqual(['rss']);
  });

  it('a gap (null reading) neither raises nor clears', () => {
    const { engine } = run(
      { seed: 5, count: 30, rssBytes: (i) => (i < 3 ? 95e6 : null) },
      { rssBytes: 100e6 },
    );
    expect(engine.active()).toHaveLength(1);
  });

  it('turning a limit off ends its alert at once', () => {
    const { engine } = run({ seed: 6, count: 5, rssBytes: () => 95e6 }, { rssBytes: 100e6 });
    const ev = engine.setLimits({ rssBytes: null }, 2e12);
    expect(ev.map((e) => e.change)).toEqual(['cleared']);
    expect(engine.active()).toEqual([]);
  });

  it('gc pause per second against its limit', () => {
    const { events } = run(
      { seed: 8, count: 20, gc: (i) => (i >= 10 ? { major: 1, majorMs: 95 } : { major: 0 }) },
      { gcPauseMsPerSecond: 100 },
    );
    expect(events.some((e) => e.alert.rule === 'gc-pause' && e.alert.severity === 'critical')).toBe(
      true,
    );
  });
});

describe('Clinic Doctor window rules', () => {
  it.each([
    ['healthy loop', {}, false],
    ['median delay >= 10 ms', { eventLoopDelayP50Ms: () => 12 }, true],
    ['one max >= 100 ms', { eventLoopDelayMaxMs: (i: number) => (i === 20 ? 150 : 3) }, true],
    [
      'median 8 ms and max 90 ms',
      { eventLoopDelayP50Ms: () => 8, eventLoopDelayMaxMs: () => 90 },
      false,
    ],
  ] as Array<[string, Partial<GenerateOptions>, boolean]>)(
    'event-loop-blocked: %s',
    (_name, fields, expected) => {
      const { events } = run({ seed: 11, count: 30, ...fields });
      expect(
        events.some((e) => e.alert.rule === 'event-loop-blocked' && e.change === 'raised'),
      ).toBe(expected);
    },
  );

  it.each([
    ['no GC', () => ({ major: 0 }), false],
    ['60 ms GC each second', () => ({ major: 1, majorMs: 60 }), false],
    [
      '120 ms GC in one second',
      (i: number) => (i === 10 ? { major: 1, majorMs: 120 } : { major: 0 }),
      true,
    ],
    [
      'two 60 ms GCs in the same second (500 ms samples)',
      (i: number) => (i === 10 || i === 11 ? { major: 1, majorMs: 60 } : { major: 0 }),
      true,
    ],
  ] as const)('gc-blocking: %s', (name, gc, expected) => {
    const { events } = run(
      { seed: 12, count: 30, intervalMs: name.includes('500 ms') ? 500 : 1000, gc },
      { gcPauseMsPerSecond: null },
    );
    expect(events.some((e) => e.alert.rule === 'gc-blocking')).toBe(expected);
  });
});

describe('pools, log bound, acknowledge', () => {
  const poolSample = (inUse: number, waiting: number): PoolSample => ({
    timestampMs: 0,
    pools: [
      {
        name: 'db',
        kind: 'generic-pool',
        source: 'agent',
        size: 10,
        max: 10,
        inUse,
        idle: 10 - inUse,
        waiting,
        canReleaseIdle: true,
      },
    ],
  });
  it('pool saturation per pool, named in the message', () => {
    const engine = new AlertEngine('t1');
    const samples = generateSamples({ seed: 1, count: 5 });
    const ev = samples.flatMap((s) =>
      engine.onSample(s, { sample: poolSample(10, 3), waitingForMs: () => 6_000 }),
    );
    const a = ev.find((e) => e.alert.rule === 'pool-saturation')!;
    expect(a.alert.subject).toBe('db');
    expect(a.alert.severity).toBe('critical');
    expect(a.alert.message).toContain('Pool db');
  });

  it('keeps at most 1000 alerts, dropping ended ones first', () => {
    const engine = new AlertEngine('t1', { clearAfterMs: 0, limits: { rssBytes: 100 } });
    const samples = generateSamples({
      seed: 2,
      count: 2_400,
      rssBytes: (i) => (i % 2 === 0 ? 95 : 10),
    });
    for (const s of samples) engine.onSample(s);
    expect(engine.list()).toHaveLength(1000);
  });

  it('acknowledge marks the alert; unknown ids return null', () => {
    const engine = new AlertEngine('t1', { limits: { rssBytes: 100e6 } });
    for (const s of generateSamples({ seed: 1, count: 3, rssBytes: () => 95e6 }))
      engine.onSample(s);
    const id = engine.active()[0]!.id;
    expect(engine.acknowledge(id)?.acknowledged).toBe(true);
    expect(engine.acknowledge('nope')).toBeNull();
  });

  it("a worker thread's alerts name the member: worker id, thread name and pid", () => {
    const member = memberName({
      kind: 'worker',
      threadId: 3,
      threadName: 'pool-1',
      pid: 4242,
    } as TargetInfo);
    expect(member).toBe('worker 3 (pool-1, pid 4242)');
    expect(memberName({ kind: 'process', pid: 4242 } as TargetInfo)).toBeUndefined();
    const engine = new AlertEngine('t1', { member, limits: { rssBytes: 100e6 } });
    for (const s of generateSamples({ seed: 1, count: 3, rssBytes: () => 95e6 }))
      engine.onSample(s);
    expect(engine.active()[0]!.message).toMatch(/^worker 3 \(pool-1, pid 4242\): /);
  });
});

// `resdash watch --allow-gc --allow-snapshots --yes` against the leaking fixture: the
// options reach the `leaks` feature, forced GCs feed its post-GC trend, and the snapshot
// series names the class, all from the real CLI (issue "Holds under load" item 4). The
// trend needs 60 s of points (the real rule, no test-only option), so this takes about
// 75 s; the timeout is only a safety net.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { expectOneFailureLine, resdash, startResdash, stopAllResdash } from './resdash-cli';

afterEach(async () => {
  await stopAllResdash();
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

interface LeakLine {
  type: 'leak';
  state: string;
  points: number;
  sentence: string;
  suspects: Array<{ className: string; countPerMinute: number }>;
  snapshots: { state: string; code?: string; message?: string };
  options: {
    allowForcedGc: boolean;
    forcedGcIntervalMs: number;
    allowSnapshots: boolean;
    snapshotSpacingMs: number;
    confirmSnapshots: boolean;
  };
}

const leakLines = (stdout: string): LeakLine[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string })
    .filter((l): l is LeakLine => l.type === 'leak');

describe('resdash watch leak options', () => {
  it('forces GCs, takes the snapshot series with --yes and names the leaking class', async () => {
    const f = await startFixture('leaky-service.js');
    const watch = startResdash([
      'watch',
      `:${f.port}`,
      '--json',
      '--interval',
      '250ms',
      '--allow-gc',
      '--gc-interval',
      '2s',
      '--allow-snapshots',
      '--snapshot-spacing',
      '3s',
      '--yes',
    ]);
    const named = await watch.waitForLine(/"type":"leak".*"suspects":\[\{"className"/, 170_000);
    const run = await watch.interrupt(); // by pid
    expect(run.code, run.stderr).toBe(0);

    const lines = leakLines(run.stdout);
    // The options reached the feature: every verdict after the first carries them.
    expect(lines.at(-1)!.options).toEqual({
      allowForcedGc: true,
      forcedGcIntervalMs: 2_000,
      allowSnapshots: true,
      snapshotSpacingMs: 3_000,
      confirmSnapshots: true,
    });
    // Forced GCs: the post-GC points grow (an idle-ish 250 ms watch of 70 s would
    // otherwise see only the service's own, rare, major GCs).
    const points = lines.map((l) => l.points);
    expect(Math.max(...points)).toBeGreaterThanOrEqual(6);
    expect(points.at(-1)!).toBeGreaterThan(points[0]!);
    // The series ran (capturing steps seen) and named the class.
    expect(lines.some((l) => l.snapshots.state === 'capturing')).toBe(true);
    const verdict = JSON.parse(named) as LeakLine;
    expect(verdict.state).toBe('leak');
    expect(verdict.suspects[0]!.className).toBe('ResdashLeakyWidget');
    expect(verdict.sentence).toMatch(/^ResdashLeakyWidget \+[\d,]+ objects\/min/);
    expect(run.stderr).not.toContain('MONITOR_ERR_CONFIRM_REQUIRED');
  }, 180_000);

  it('refuses leak flags that would do nothing, with one clear error each', async () => {
    for (const [flags, text] of [
      [['--gc-interval', '2s'], '--gc-interval only applies with --allow-gc'],
      [['--yes'], '--yes only applies with --allow-snapshots'],
      [['--snapshot-spacing', '3s'], '--snapshot-spacing only applies with --allow-snapshots'],
      [['--allow-gc', '--gc-interval', '500ms'], '--gc-interval must be between 1s and 1h'],
    ] as const) {
      const run = await resdash(['watch', ':9229', ...flags]);
      expect(expectOneFailureLine(run)).toBe('MONITOR_ERR_BAD_ARGUMENT');
      expect(run.stderr).toContain(text);
    }
  });
});

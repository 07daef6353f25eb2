// Benchmark: CPU the target spends because it is watched.
// An idle fixture's CPU time (from /proc: stat's ticks, and schedstat's ns for
// precision) over a window while sampled at 1 Hz
// and at 10 Hz, against the same window unwatched, in interleaved rounds.
// Goal: under 0.5 % of one core at 1 Hz, under 3 % at 10 Hz.
// Run: node --import tsx test/bench/target-cpu-overhead.ts [--rounds 3] [--window 15]
import { createMonitor } from '../../src/monitor/index';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { TICKS_PER_SECOND, arg, cpuNs, cpuTicks, median, pct, sleep } from './util';

const rounds = arg('rounds', 3);
const windowS = arg('window', 15);

const fixture = await startFixture('idle.js');
const monitor = createMonitor();
const results: Record<string, number[]> = { unwatched: [], '1 Hz': [], '10 Hz': [] };

async function measure(label: string, intervalMs: number | null): Promise<void> {
  let targetId: string | null = null;
  if (intervalMs !== null) {
    const t = await monitor.attach({ port: fixture.port!, intervalMs });
    targetId = t.id;
    await sleep(2_000); // let the probe install and settle
  }
  const before = cpuTicks(fixture.pid);
  const beforeNs = cpuNs(fixture.pid);
  await sleep(windowS * 1000);
  const used = (cpuNs(fixture.pid) - beforeNs) / 1e9 / windowS;
  const usedTicks = (cpuTicks(fixture.pid) - before) / TICKS_PER_SECOND / windowS;
  results[label]!.push(used);
  if (targetId) {
    await monitor.detach({ targetId });
    await monitor.removeTarget({ targetId });
  }
  console.log(
    `  ${label.padEnd(9)} target CPU ${pct(used, 3)} of one core (stat ticks: ${pct(usedTicks, 3)})`,
  );
}

try {
  for (let r = 0; r < rounds; r++) {
    console.log(`round ${r + 1}/${rounds} (window ${windowS} s)`);
    await measure('unwatched', null);
    await measure('1 Hz', 1000);
    await measure('10 Hz', 100);
  }
  const base = median(results.unwatched!);
  console.log('\nresult (median over rounds, overhead = watched - unwatched, in % of one core)');
  for (const [label, goal] of [
    ['1 Hz', 0.005],
    ['10 Hz', 0.03],
  ] as const) {
    const m = median(results[label]!);
    const overhead = m - base;
    console.log(
      `  ${label}: target CPU ${pct(m, 3)} vs unwatched ${pct(base, 3)} -> overhead ${pct(overhead, 3)} ` +
        `(goal < ${pct(goal, 1)}: ${overhead < goal ? 'met' : 'NOT met'}); ratio watched/unwatched ${(m / Math.max(base, 1e-9)).toFixed(2)}x`,
    );
  }
} finally {
  await monitor.dispose();
  await stopAllFixtures();
}

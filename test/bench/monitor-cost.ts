// Benchmark: the monitor's own cost sampling 20 targets at 1 Hz for 60 s.
// Reference measured in the same run: this process idle for a window of the same
// length before attaching. Goal: under 5 % of one core, RSS growth under 20 MB.
// Run: node --expose-gc --import tsx test/bench/monitor-cost.ts [--targets 20] [--seconds 60]
import { createMonitor } from '../../src/monitor/index';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { arg, pct, sleep } from './util';

const targets = arg('targets', 20);
const seconds = arg('seconds', 60);
const idleS = arg('idle', 10);

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const fixtures = [];
for (let i = 0; i < targets; i++) fixtures.push(await startFixture('idle.js'));
const monitor = createMonitor();
let samples = 0;
monitor.on('samples', (b) => (samples += b.samples.length));

try {
  let c0 = cpuSeconds();
  await sleep(idleS * 1000);
  const idleCpu = (cpuSeconds() - c0) / idleS;

  for (const f of fixtures) await monitor.attach({ port: f.port!, intervalMs: 1000 });
  await sleep(10_000); // warm-up: probes installed, JIT settled, history allocated
  globalThis.gc?.();
  const rss0 = process.memoryUsage.rss();
  c0 = cpuSeconds();
  samples = 0;
  await sleep(seconds * 1000);
  const busyCpu = (cpuSeconds() - c0) / seconds;
  globalThis.gc?.();
  const rssGrowth = process.memoryUsage.rss() - rss0;

  console.log(`${targets} targets at 1 Hz for ${seconds} s: ${samples} samples received`);
  console.log(`  idle reference: ${pct(idleCpu, 3)} of one core`);
  // The cost of sampling is what the process spends beyond its idle reference (the
  // runner, the fixtures' pipes): that is what the goal is about.
  const netCpu = busyCpu - idleCpu;
  console.log(
    `  sampling: ${pct(busyCpu, 3)} of one core, ${(busyCpu / Math.max(idleCpu, 1e-6)).toFixed(1)}x the idle reference; ` +
      `cost of sampling ${pct(netCpu, 3)} of one core (goal < 5 %: ${netCpu < 0.05 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  RSS growth: ${(rssGrowth / 1048576).toFixed(1)} MB (goal < 20 MB: ${rssGrowth < 20 * 1048576 ? 'met' : 'NOT met'})`,
  );
} finally {
  await monitor.dispose();
  await stopAllFixtures();
}

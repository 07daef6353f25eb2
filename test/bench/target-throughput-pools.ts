// Benchmark: throughput of an HTTP fixture that publishes pools with the agent, under a
// fixed load from a second process, while attached at 1 Hz with pool reading on
// (the default features), at 1 Hz with every feature but pools, and unattached, in
// interleaved rounds. Goal: at least 99 % of unattached at 1 Hz with pools on.
// Then, less exposed to a noisy machine: the target's CPU per pool read (back-to-back
// reads, /proc ticks) against a trivial evaluate, and what one read a second costs.
// Run: node --import tsx test/bench/target-throughput-pools.ts [--rounds 12] [--seconds 4] [--connections 8] [--reads 2000]
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createMonitor } from '../../src/monitor/index';
import { defaultFeatures } from '../../src/monitor/features/index';
import type { SessionFeatureFactory } from '../../src/monitor/features/index';
import { FIXTURES_DIR, startFixture, stopAllFixtures } from '../fixtures/harness';
import { connectToTarget } from '../../src/monitor/inspector/connect';
import { POOLS_READ_SOURCE } from '../../src/monitor/pools/pool-read-source';
import { TICKS_PER_SECOND, arg, cpuTicks, median, pct, quantile, sleep } from './util';

const run = promisify(execFile);
const rounds = arg('rounds', 12);
const seconds = arg('seconds', 4);
const connections = arg('connections', 8);
const reads = arg('reads', 2000);

const server = await startFixture('pool-http-server.mjs', { nodeArgs: ['--import', 'tsx'] });
const port = Number((await server.waitFor(/listening (\d+)/)).split(' ')[1]);

const withoutPools: SessionFeatureFactory[] = defaultFeatures.map((factory) => (ctx) => {
  const f = factory(ctx);
  if (f?.name !== 'pools') return f;
  void f.dispose();
  return null;
});
const monitors = {
  pools: createMonitor(),
  noPools: createMonitor({ features: withoutPools }),
};
let poolReads = 0;
monitors.pools.on('pools', (b) => (poolReads += b.samples.length));

async function load(): Promise<number> {
  const { stdout } = await run(process.execPath, [
    path.join(FIXTURES_DIR, 'load-generator.js'),
    String(port),
    String(seconds),
    String(connections),
  ]);
  const r = JSON.parse(stdout) as { requests: number; errors: number };
  if (r.errors > 0) throw new Error(`load generator saw ${r.errors} errors`);
  return r.requests / seconds;
}

type Mode = 'unattached' | '1 Hz + pools' | '1 Hz, no pools';
const MODES: Mode[] = ['unattached', '1 Hz + pools', '1 Hz, no pools'];
const raw: Record<Mode, number[]> = {
  unattached: [],
  '1 Hz + pools': [],
  '1 Hz, no pools': [],
};
const ratios: Record<Exclude<Mode, 'unattached'>, number[]> = {
  '1 Hz + pools': [],
  '1 Hz, no pools': [],
};

async function round(mode: Mode): Promise<number> {
  const monitor =
    mode === '1 Hz + pools' ? monitors.pools : mode === '1 Hz, no pools' ? monitors.noPools : null;
  let targetId: string | null = null;
  if (monitor) {
    targetId = (await monitor.attach({ port: server.port!, intervalMs: 1000 })).id;
    await sleep(500);
  }
  const rps = await load();
  if (monitor && targetId) {
    await monitor.detach({ targetId });
    await monitor.removeTarget({ targetId });
  }
  raw[mode].push(rps);
  return rps;
}

try {
  await load(); // warm up the JIT of both sides
  for (let r = 0; r < rounds; r++) {
    const order = MODES.map((_, i, a) => a[(i + r) % a.length]!);
    const got: Partial<Record<Mode, number>> = {};
    for (const mode of order) got[mode] = await round(mode);
    for (const mode of ['1 Hz + pools', '1 Hz, no pools'] as const) {
      ratios[mode].push(got[mode]! / got.unattached!);
    }
    console.log(
      `round ${r + 1}/${rounds}: unattached ${got.unattached!.toFixed(0)} req/s, ` +
        `1 Hz + pools ${got['1 Hz + pools']!.toFixed(0)} (${pct(ratios['1 Hz + pools'].at(-1)!, 1)}), ` +
        `1 Hz no pools ${got['1 Hz, no pools']!.toFixed(0)} (${pct(ratios['1 Hz, no pools'].at(-1)!, 1)})`,
    );
  }
  console.log(
    `\nresult over ${rounds} interleaved rounds of ${seconds} s, ${connections} connections; ` +
      `${poolReads} pool reads pushed while attached with pools on`,
  );
  console.log(`  unattached median ${median(raw.unattached).toFixed(0)} req/s`);
  for (const mode of ['1 Hz + pools', '1 Hz, no pools'] as const) {
    const xs = ratios[mode];
    console.log(
      `  ${mode}: median ratio ${pct(median(xs), 1)} of unattached (p10 ${pct(quantile(xs, 0.1), 1)}, ` +
        `p90 ${pct(quantile(xs, 0.9), 1)}, min ${pct(Math.min(...xs), 1)}, max ${pct(Math.max(...xs), 1)})` +
        (mode === '1 Hz + pools'
          ? `; goal >= 99 %: ${median(xs) >= 0.99 ? 'met' : 'NOT met'}`
          : ''),
    );
  }
  const paired = ratios['1 Hz + pools'].map((x, i) => x / ratios['1 Hz, no pools'][i]!);
  console.log(
    `  pools on / off (paired per round): median ${pct(median(paired), 1)} ` +
      `(p10 ${pct(quantile(paired, 0.1), 1)}, p90 ${pct(quantile(paired, 0.9), 1)})`,
  );
  if (poolReads === 0) throw new Error('no pool reads arrived: the benchmark measured nothing');

  // In-target CPU per read, back to back, against a trivial evaluate as the reference.
  const conn = await connectToTarget({ port: server.port! });
  const cpuMsPerCall = async (expression: string): Promise<number> => {
    const t0 = cpuTicks(server.pid);
    for (let i = 0; i < reads; i++) {
      await conn.client.send('Runtime.evaluate', { expression, returnByValue: true, silent: true });
    }
    return ((cpuTicks(server.pid) - t0) * 1000) / TICKS_PER_SECOND / reads;
  };
  const perRead: number[] = [];
  const perTrivial: number[] = [];
  for (let r = 0; r < 3; r++) {
    perRead.push(await cpuMsPerCall(POOLS_READ_SOURCE));
    perTrivial.push(await cpuMsPerCall('1'));
  }
  conn.client.close();
  const readMs = median(perRead);
  console.log(
    `  target CPU per pool read: median ${readMs.toFixed(3)} ms over 3 x ${reads} reads ` +
      `(a trivial evaluate: ${median(perTrivial).toFixed(3)} ms, ratio ${(readMs / median(perTrivial)).toFixed(1)}x); ` +
      `at one read a second that is ${pct(readMs / 1000, 3)} of one core`,
  );
} finally {
  await Promise.all([monitors.pools.dispose(), monitors.noPools.dispose()]);
  await stopAllFixtures();
}

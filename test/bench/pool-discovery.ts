// Benchmark: the pause one pool discovery pass causes on a target with a big heap
// (default 200 MB), against one forced GC of the same target (HeapProfiler.collectGarbage,
// what the Force GC button sends), in interleaved runs. Goal: a discovery pass costs the
// target no more than one forced GC.
// Each run measures, for a forced GC, a full discovery pass (install + hooks + heap
// search with Runtime.queryObjects + classify) and a pass without the heap search (what
// attach does above the heap-search size): the round trip as the dashboard sees it, and
// the longest event-loop gap the target itself saw (a 1 ms timer in the fixture).
// Run: node --import tsx test/bench/pool-discovery.ts [--heap-mb 200] [--runs 7]
import { connectToTarget } from '../../src/monitor/inspector/connect';
import { PoolDiscovery } from '../../src/monitor/pools/discovery';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { arg, median, quantile, sleep } from './util';

const heapMb = arg('heap-mb', 200);
const runs = arg('runs', 7);

const f = await startFixture('big-heap-pools.mjs', {
  args: [String(heapMb)],
  nodeArgs: [`--max-old-space-size=${Math.max(1024, heapMb * 4)}`],
  readyTimeoutMs: 180_000,
});
console.log(`target: ${/ready (.*)/.exec(f.output())?.[1]} (pid ${f.pid})`);
const { client } = await connectToTarget({ port: f.port! });

async function gap(): Promise<number> {
  // The gap is read on a fresh loop turn, so it covers the operation just before.
  await sleep(30);
  const r = await client.send('Runtime.evaluate', {
    expression: 'globalThis.__benchGap()',
    returnByValue: true,
  });
  return r.result.value as number;
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; gapMs: number }> {
  await gap(); // start over
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return { ms, gapMs: await gap() };
}

type Row = { ms: number; gapMs: number };
const gc: Row[] = [];
const pass: Row[] = [];
const search: number[] = [];
const hooksOnly: Row[] = [];
let discovered = 0;

// One warm-up of each, not counted (first-time compilation of our sources in the target).
await client.send('HeapProfiler.collectGarbage', undefined, { timeoutMs: 0 });
{
  const d = new PoolDiscovery(client, 'bench');
  await d.run('always');
  await d.dispose();
}

for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ['gc', 'pass', 'hooks'] : ['hooks', 'pass', 'gc'];
  for (const what of order) {
    await sleep(300);
    if (what === 'gc') {
      gc.push(
        await timed(() => client.send('HeapProfiler.collectGarbage', undefined, { timeoutMs: 0 })),
      );
    } else if (what === 'pass') {
      const d = new PoolDiscovery(client, 'bench');
      let searchMs = 0;
      const row = await timed(async () => {
        const r = await d.run('always');
        if (r.warning) throw new Error(r.warning);
        searchMs = r.heapSearchMs ?? 0;
        discovered = r.discovered;
      });
      pass.push(row);
      search.push(searchMs);
      await d.dispose();
    } else {
      const d = new PoolDiscovery(client, 'bench', { heapSearchMaxBytes: 1 });
      hooksOnly.push(await timed(() => d.run('auto')));
      await d.dispose();
    }
  }
  console.log(
    `run ${i + 1}: forced GC ${gc.at(-1)!.ms.toFixed(0)} ms (loop gap ${gc.at(-1)!.gapMs.toFixed(0)}), ` +
      `discovery ${pass.at(-1)!.ms.toFixed(0)} ms (search ${search.at(-1)!.toFixed(0)}, gap ${pass.at(-1)!.gapMs.toFixed(0)}), ` +
      `hooks only ${hooksOnly.at(-1)!.ms.toFixed(1)} ms`,
  );
}

const med = (rows: Row[], k: keyof Row): number => median(rows.map((r) => r[k]));
const spread = (xs: number[]): string =>
  `p10 ${quantile(xs, 0.1).toFixed(0)}, p90 ${quantile(xs, 0.9).toFixed(0)}`;
const paired = pass.map((p, i) => p.gapMs / gc[i]!.gapMs);
console.log(`\n${heapMb} MB heap, ${runs} interleaved runs, ${discovered} pools found per pass`);
console.log(
  `forced GC:            median ${med(gc, 'ms').toFixed(0)} ms round trip, ${med(gc, 'gapMs').toFixed(0)} ms loop gap (${spread(gc.map((r) => r.gapMs))})`,
);
console.log(
  `discovery pass:       median ${med(pass, 'ms').toFixed(0)} ms round trip (heap search ${median(search).toFixed(0)} ms), ${med(pass, 'gapMs').toFixed(0)} ms loop gap (${spread(pass.map((r) => r.gapMs))})`,
);
console.log(
  `pass without search:  median ${med(hooksOnly, 'ms').toFixed(1)} ms round trip, ${med(hooksOnly, 'gapMs').toFixed(1)} ms loop gap`,
);
console.log(
  `ratio discovery / forced GC (loop gap): ${(med(pass, 'gapMs') / med(gc, 'gapMs')).toFixed(2)} of medians, ` +
    `${median(paired).toFixed(2)} paired per run (${paired.map((x) => x.toFixed(2)).join(' ')}); goal <= 1: ${med(pass, 'gapMs') <= med(gc, 'gapMs') ? 'met' : 'NOT met'}`,
);
console.log(
  `ratio discovery / forced GC (round trip): ${(med(pass, 'ms') / med(gc, 'ms')).toFixed(2)}`,
);

client.close();
await stopAllFixtures();

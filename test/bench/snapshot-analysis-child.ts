// One side of the snapshot-analysis benchmark on one file, in its own process: ours
// (parse, graph, summary, as the analysis child does it) or MemLab's
// getFullHeapFromFile. test/bench/snapshot-analysis.ts bundles this file with esbuild,
// as the app bundles its analysis child, and runs it under /usr/bin/time.
//   node BUNDLE ours|memlab FILE
// Prints one line: RESULT {json}. The bundle is also the analysis worker's script: the
// work below runs on the main thread only.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { analyzeInProcess, lastLoadTimings } from '../../src/monitor/snapshots/analysis/analyze';
import { lastRegion } from '../../src/monitor/snapshots/analysis/parallel-parse';

/** CPU ms of each thread still alive (/proc/self/task). */
function threadCpu(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.push((Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // gone meanwhile
    }
  }
  return out.sort((a, b) => b - a).slice(0, 3);
}

async function main(side: string, file: string): Promise<void> {
  const t0 = performance.now();
  let detail: Record<string, unknown>;
  if (side === 'ours') {
    const r = await analyzeInProcess(file, { top: 20 });
    detail = {
      nodes: r.summary.nodeCount,
      edges: r.summary.edgeCount,
      top: r.summary.constructors.slice(0, 3).map((c) => `${c.name}:${c.retainedBytes}`),
      steps: { ...lastLoadTimings },
      segmentsByMain: `${lastRegion.byThisThread}/${lastRegion.segments}`,
      parallelBailed: lastRegion.bailed,
      mainThreadCpuMs: threadCpu()[0],
    };
  } else {
    const dir = process.env.MEMLAB_DIR ?? '/tmp/memlab';
    const req = createRequire(path.join(dir, 'noop.js'));
    const memlab = req('@memlab/heap-analysis') as {
      getFullHeapFromFile(f: string): Promise<{ nodes: { length: number } }>;
    };
    const heap = await memlab.getFullHeapFromFile(file);
    detail = { nodes: heap.nodes.length };
  }
  process.stdout.write(
    `RESULT ${JSON.stringify({ side, inProcessMs: Math.round(performance.now() - t0), ...detail })}\n`,
  );
}

if (isMainThread) {
  const [side, file] = process.argv.slice(2);
  if (!side || !file) {
    console.error('usage: snapshot-analysis-child ours|memlab FILE');
    process.exit(2);
  }
  await main(side, file);
}

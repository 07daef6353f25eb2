// Benchmark: heap snapshot analysis (parse, dominators, retained sizes, summary) against
// MemLab's getFullHeapFromFile on the same file, each run in its own child process under
// /usr/bin/time -v (wall time and peak RSS), alternating, medians and ratios. Then our
// analysis of a >= 1 GB snapshot.
//
//   npm run bench:snapshot-analysis
//   env: SNAPSHOT=FILE (>= 150 MB; default /tmp/resdash-bench-200.heapsnapshot, generated
//        when missing), BIG_SNAPSHOT=FILE (default /tmp/resdash-bench-1g.heapsnapshot;
//        generated when missing and BIG=1), RUNS=3, MEMLAB_DIR=/tmp/memlab,
//        MEMLAB_BIG=1 to also run MemLab on the big file.
// MemLab is installed outside the repo, for this benchmark only:
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix /tmp/memlab --ignore-scripts @memlab/heap-analysis
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');
const HEAP_FLAG = '--max-old-space-size=12288';

type Side = 'ours' | 'memlab';

async function child(side: Side, file: string): Promise<void> {
  const t0 = performance.now();
  let detail: Record<string, unknown>;
  if (side === 'ours') {
    const { analyzeInProcess } = await import('../../src/monitor/snapshots/analysis/analyze');
    const r = await analyzeInProcess(file, { top: 20 });
    detail = {
      nodes: r.summary.nodeCount,
      edges: r.summary.edgeCount,
      top: r.summary.constructors.slice(0, 3).map((c) => `${c.name}:${c.retainedBytes}`),
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

interface Measured {
  wallMs: number;
  inProcessMs: number;
  peakRssBytes: number;
  detail: string;
}

function measure(side: Side, file: string): Measured {
  const t0 = performance.now();
  const res = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, HEAP_FLAG, '--import', 'tsx', here, '--child', side, file],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  const wallMs = performance.now() - t0;
  const line = res.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (res.status !== 0 || !line) {
    throw new Error(`${side} failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr);
  const parsed = JSON.parse(line.slice(7)) as { inProcessMs: number };
  return {
    wallMs,
    inProcessMs: parsed.inProcessMs,
    peakRssBytes: rss ? Number(rss[1]) * 1024 : NaN,
    detail: line.slice(7),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const MB = 1024 * 1024;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmtMb = (b: number): string => `${(b / MB).toFixed(0)} MB`;

function ensureSnapshot(file: string, objects: number, minBytes: number): boolean {
  if (existsSync(file) && statSync(file).size >= minBytes) return true;
  console.log(`generating ${file} (${objects} objects; takes a while)...`);
  const res = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=14000',
      path.join(root, 'test/fixtures/big-heap-snapshot.mjs'),
      file,
      String(objects),
    ],
    { stdio: 'inherit' },
  );
  return res.status === 0 && existsSync(file) && statSync(file).size >= minBytes;
}

async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 3);
  const file = process.env.SNAPSHOT ?? '/tmp/resdash-bench-200.heapsnapshot';
  if (!ensureSnapshot(file, 1_000_000, 150 * MB))
    throw new Error(`no snapshot of >= 150 MB at ${file}`);
  const memlabDir = process.env.MEMLAB_DIR ?? '/tmp/memlab';
  const haveMemlab = existsSync(path.join(memlabDir, 'node_modules/@memlab/heap-analysis'));
  console.log(
    `file: ${file} (${fmtMb(statSync(file).size)}), runs: ${runs}, node ${process.version}`,
  );
  const ours: Measured[] = [];
  const theirs: Measured[] = [];
  if (!haveMemlab) {
    console.log(
      `MemLab not found in ${memlabDir}; install it outside the repo for this benchmark:\n` +
        `  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix ${memlabDir} --ignore-scripts @memlab/heap-analysis\n` +
        '(or set MEMLAB_DIR). Measuring our analysis only.',
    );
  }
  for (let i = 0; i < runs; i++) {
    const o = measure('ours', file);
    ours.push(o);
    console.log(
      `run ${i + 1} ours:   wall ${fmt(o.wallMs)}, in-process ${fmt(o.inProcessMs)}, peak RSS ${fmtMb(o.peakRssBytes)}`,
    );
    if (haveMemlab) {
      const m = measure('memlab', file);
      theirs.push(m);
      console.log(
        `run ${i + 1} memlab: wall ${fmt(m.wallMs)}, in-process ${fmt(m.inProcessMs)}, peak RSS ${fmtMb(m.peakRssBytes)}`,
      );
    }
  }
  console.log(`ours detail: ${ours[0]!.detail}`);
  if (haveMemlab) console.log(`memlab detail: ${theirs[0]!.detail}`);
  const ow = median(ours.map((x) => x.wallMs));
  const orss = median(ours.map((x) => x.peakRssBytes));
  console.log(`\nmedian ours:   wall ${fmt(ow)}, peak RSS ${fmtMb(orss)}`);
  if (haveMemlab) {
    const mw = median(theirs.map((x) => x.wallMs));
    const mrss = median(theirs.map((x) => x.peakRssBytes));
    console.log(`median memlab: wall ${fmt(mw)}, peak RSS ${fmtMb(mrss)}`);
    console.log(
      `ratio ours/memlab: time ${(ow / mw).toFixed(3)} (goal <= 0.25), peak RSS ${(orss / mrss).toFixed(3)} (goal <= 0.5)`,
    );
  }

  const big = process.env.BIG_SNAPSHOT ?? '/tmp/resdash-bench-1g.heapsnapshot';
  const haveBig =
    (existsSync(big) && statSync(big).size >= 1024 * MB) ||
    (process.env.BIG === '1' && ensureSnapshot(big, 4_600_000, 1024 * MB));
  if (!haveBig) {
    console.log(
      `\nno >= 1 GB snapshot at ${big}; set BIG=1 to generate one (needs ~8 GB RAM), or BIG_SNAPSHOT=FILE.`,
    );
    return;
  }
  console.log(`\nbig file: ${big} (${fmtMb(statSync(big).size)})`);
  const b = measure('ours', big);
  console.log(
    `ours:   wall ${fmt(b.wallMs)}, in-process ${fmt(b.inProcessMs)}, peak RSS ${fmtMb(b.peakRssBytes)}`,
  );
  console.log(`ours detail: ${b.detail}`);
  if (haveMemlab && process.env.MEMLAB_BIG === '1') {
    try {
      const m = measure('memlab', big);
      console.log(
        `memlab: wall ${fmt(m.wallMs)}, in-process ${fmt(m.inProcessMs)}, peak RSS ${fmtMb(m.peakRssBytes)}`,
      );
    } catch (err) {
      console.log(`memlab on the big file failed: ${(err as Error).message.slice(0, 300)}`);
    }
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1] as Side, args[2]!);
else await main();

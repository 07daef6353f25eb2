// Benchmark: heap snapshot analysis (parse, dominators, retained sizes, summary) against
// MemLab's getFullHeapFromFile on the same file, each run in its own process under
// /usr/bin/time -v (wall time and peak RSS), alternating, medians and ratios; then our
// analysis of a >= 1 GB snapshot; then the heap explorer on the first file: open time,
// and the latency of children / retainers / instances pages once it is open.
//
// Ours runs as the app runs it: its child is bundled with esbuild (the app's
// electron-vite build bundles the analysis child the same way), so no TypeScript
// loader is timed. OURS_VIA=tsx times it through tsx instead.
//
//   npm run bench:snapshot-analysis
//   env: SNAPSHOT=FILE (>= 150 MB; default /tmp/resdash-bench-200.heapsnapshot, generated
//        when missing), BIG_SNAPSHOT=FILE (default /tmp/resdash-bench-1g.heapsnapshot;
//        generated when missing and BIG=1), RUNS=3, MEMLAB_DIR=/tmp/memlab,
//        MEMLAB_BIG=1 to also run MemLab on the big file, QUERIES=600 explorer queries,
//        RESDASH_ANALYSIS_THREADS=1 for one thread.
// MemLab is installed outside the repo, for this benchmark only:
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix /tmp/memlab --ignore-scripts @memlab/heap-analysis
// The big snapshots are written by test/fixtures/big-heap-snapshot.mjs (1 M objects give
// about 234 MB, 4.6 M about 1.1 GB; that needs about 8 GB of RAM for a minute).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExplorerSessions } from '../../src/monitor/snapshots/analysis/explorer-sessions';
import type {
  ConstructorStat,
  ExplorerNode,
  ExplorerPage,
  ExplorerRetainer,
} from '../../src/shared/snapshot-model';
import { median, quantile } from './util';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');
const HEAP_FLAG = '--max-old-space-size=12288';
const MB = 1024 * 1024;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmtMb = (b: number): string => `${(b / MB).toFixed(0)} MB`;

type Side = 'ours' | 'memlab';

interface Measured {
  wallMs: number;
  inProcessMs: number;
  peakRssBytes: number;
  cpuMs: number;
  detail: string;
}

/** Bundles the benchmark child and the analysis child entry the way the app ships them. */
async function bundle(outDir: string): Promise<{ child: string; analysisChild: string }> {
  const esbuild = await import('esbuild');
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    logLevel: 'warning' as const,
    // ESM output needs require for the few CommonJS dependencies.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  };
  const child = path.join(outDir, 'bench-child.mjs');
  const analysisChild = path.join(outDir, 'analysis-child.mjs');
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'test/bench/snapshot-analysis-child.ts')],
    outfile: child,
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src/monitor/snapshots/analysis/child-entry.ts')],
    outfile: analysisChild,
  });
  return { child, analysisChild };
}

function measure(side: Side, file: string, childScript: string): Measured {
  const viaTsx = side === 'ours' && process.env.OURS_VIA === 'tsx';
  const script = viaTsx ? path.join(root, 'test/bench/snapshot-analysis-child.ts') : childScript;
  const t0 = performance.now();
  const res = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, HEAP_FLAG, ...(viaTsx ? ['--import', 'tsx'] : []), script, side, file],
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
  const user = /User time \(seconds\): ([\d.]+)/.exec(res.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(res.stderr);
  const parsed = JSON.parse(line.slice(7)) as { inProcessMs: number };
  return {
    wallMs,
    inProcessMs: parsed.inProcessMs,
    peakRssBytes: rss ? Number(rss[1]) * 1024 : NaN,
    cpuMs: (Number(user?.[1] ?? NaN) + Number(sys?.[1] ?? NaN)) * 1000,
    detail: line.slice(7),
  };
}

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

function line(label: string, m: Measured): string {
  return (
    `${label} wall ${fmt(m.wallMs)}, in-process ${fmt(m.inProcessMs)}, cpu ${fmt(m.cpuMs)}, ` +
    `peak RSS ${fmtMb(m.peakRssBytes)}`
  );
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The explorer on `file`: open, then pages of children, retainers and instances. */
async function explorerLatency(file: string, analysisChild: string): Promise<void> {
  const queries = Number(process.env.QUERIES ?? 600);
  const sessions = new ExplorerSessions({ entry: analysisChild, maxOpen: 1 });
  try {
    const t0 = performance.now();
    const info = await sessions.open({ path: file, key: file });
    const openMs = performance.now() - t0;
    const rssOpen = rssOf(info.pid);
    console.log(
      `\nexplorer: open ${fmt(openMs)} (in its process ${fmt(info.openMs)}), ` +
        `analysis process RSS ${fmtMb(rssOpen)}`,
    );
    const s = info.sessionId;
    const q = <T>(query: Parameters<ExplorerSessions['query']>[1]): Promise<T> =>
      sessions.query<T>(s, query);
    // Objects to ask about: the top of the dominator tree, a few levels down, and the
    // biggest classes' instances (their retainer lists are the long ones).
    const ids: number[] = [];
    let level: number[] = [info.root.nodeId];
    for (let d = 0; d < 4 && ids.length < 2000; d++) {
      const next: number[] = [];
      for (const id of level.slice(0, 40)) {
        const pg = await q<ExplorerPage<ExplorerNode>>({
          kind: 'children',
          nodeId: id,
          limit: 200,
        });
        next.push(...pg.rows.map((r) => r.nodeId));
      }
      ids.push(...next);
      level = next;
    }
    const classes = await q<ExplorerPage<ConstructorStat>>({ kind: 'classes', limit: 20 });
    const big = classes.rows.filter((c) => c.count > 0).slice(0, 10);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % Math.max(1, n);
    };
    const times: Record<string, number[]> = { children: [], retainers: [], instances: [] };
    for (let k = 0; k < queries; k++) {
      const kind = (['children', 'retainers', 'instances'] as const)[k % 3]!;
      const t = performance.now();
      if (kind === 'children') {
        await q<ExplorerPage<ExplorerNode>>({ kind, nodeId: ids[rand(ids.length)], limit: 200 });
      } else if (kind === 'retainers') {
        const pg = await q<ExplorerPage<ExplorerRetainer>>({
          kind,
          nodeId: ids[rand(ids.length)]!,
          limit: 200,
        });
        if (pg.rows[0]) ids.push(pg.rows[0].node.nodeId);
      } else {
        const c = big[rand(big.length)]!;
        await q<ExplorerPage<ExplorerNode>>({
          kind,
          className: c.name,
          offset: rand(Math.max(1, c.count - 200)),
          limit: 200,
        });
      }
      times[kind]!.push(performance.now() - t);
    }
    const all = Object.values(times).flat();
    for (const [kind, xs] of Object.entries(times)) {
      console.log(
        `  ${kind.padEnd(9)} ${xs.length} pages: p50 ${quantile(xs, 0.5).toFixed(1)} ms, ` +
          `p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`,
      );
    }
    console.log(
      `  all: p95 ${quantile(all, 0.95).toFixed(1)} ms (goal < 50 ms); analysis process RSS ` +
        `${fmtMb(rssOf(info.pid))} after ${queries} queries (${fmtMb(rssOpen)} when opened)`,
    );
  } finally {
    sessions.dispose();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 3);
  const file = process.env.SNAPSHOT ?? '/tmp/resdash-bench-200.heapsnapshot';
  if (!ensureSnapshot(file, 1_000_000, 150 * MB))
    throw new Error(`no snapshot of >= 150 MB at ${file}`);
  const memlabDir = process.env.MEMLAB_DIR ?? '/tmp/memlab';
  const haveMemlab = existsSync(path.join(memlabDir, 'node_modules/@memlab/heap-analysis'));
  const out = mkdtempSync(path.join(os.tmpdir(), 'resdash-bench-analysis-'));
  try {
    const { child, analysisChild } = await bundle(out);
    console.log(
      `file: ${file} (${fmtMb(statSync(file).size)}), runs: ${runs}, node ${process.version}, ` +
        `${os.cpus().length} cpus, load ${os.loadavg()[0]!.toFixed(1)}, ours ${process.env.OURS_VIA === 'tsx' ? 'via tsx' : 'bundled'}`,
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
      const o = measure('ours', file, child);
      ours.push(o);
      console.log(line(`run ${i + 1} ours:  `, o));
      if (haveMemlab) {
        const m = measure('memlab', file, child);
        theirs.push(m);
        console.log(line(`run ${i + 1} memlab:`, m));
      }
    }
    console.log(`ours detail: ${ours[0]!.detail}`);
    if (haveMemlab) console.log(`memlab detail: ${theirs[0]!.detail}`);
    const ow = median(ours.map((x) => x.wallMs));
    const orss = median(ours.map((x) => x.peakRssBytes));
    console.log(
      `\nmedian ours:   wall ${fmt(ow)}, peak RSS ${fmtMb(orss)} (best wall ${fmt(Math.min(...ours.map((x) => x.wallMs)))})`,
    );
    if (haveMemlab) {
      const mw = median(theirs.map((x) => x.wallMs));
      const mrss = median(theirs.map((x) => x.peakRssBytes));
      console.log(`median memlab: wall ${fmt(mw)}, peak RSS ${fmtMb(mrss)}`);
      console.log(
        `ratio ours/memlab: time ${(ow / mw).toFixed(3)} (goal <= 0.1), peak RSS ${(orss / mrss).toFixed(3)} (goal <= 0.45)`,
      );
    }

    await explorerLatency(file, analysisChild);

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
    const bigRuns: Measured[] = [];
    for (let i = 0; i < Math.min(runs, 2); i++) {
      const b = measure('ours', big, child);
      bigRuns.push(b);
      console.log(line('ours:  ', b));
    }
    console.log(`ours detail: ${bigRuns[0]!.detail}`);
    console.log(
      `big file, median: wall ${fmt(median(bigRuns.map((x) => x.wallMs)))} (goal < 8 s), ` +
        `peak RSS ${fmtMb(median(bigRuns.map((x) => x.peakRssBytes)))} (goal < 1.5 GB)`,
    );
    if (haveMemlab && process.env.MEMLAB_BIG === '1') {
      try {
        console.log(line('memlab:', measure('memlab', big, child)));
      } catch (err) {
        console.log(`memlab on the big file failed: ${(err as Error).message.slice(0, 300)}`);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();

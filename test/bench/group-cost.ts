// Benchmark: what watching a whole service costs, against one single-threaded target
// in the same run.
//
// 1. Attach-all latency: a cluster of 4 processes (a primary and 3 workers) started
//    without --inspect, each with 4 worker threads: time from attachGroup to every
//    process charting (a sample in its history), and to all 20 members charting.
//    Repeated --attach-rounds times on fresh clusters. Goal: under 3 s for 4 processes.
// 2. Steady cost at 1 Hz, in interleaved rounds of --window seconds: the cluster above
//    (20 members) and one idle single-threaded target, watched and unwatched; per round
//    and process, CPU from /proc/PID/task/*/schedstat. Per member = the cluster's extra
//    CPU / 20; the single target's extra CPU is the reference (ratio per member / single).
//    The dashboard's own CPU (this process) and RSS while watching the 21 targets.
//    Goals: each member no more than one single target costs, under 0.5 % of a core;
//    the dashboard under 5 % of a core for 20 members.
// Run: node --expose-gc --import tsx test/bench/group-cost.ts [--rounds 3] [--window 20] [--attach-rounds 3]
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { arg, cpuNs, median, pct, quantile, sleep } from './util';

const rounds = arg('rounds', 3);
const windowS = arg('window', 20);
const attachRounds = arg('attach-rounds', 3);
const THREADS = 4;

interface Cluster {
  f: Fixture;
  pids: number[];
}

async function startCluster(): Promise<Cluster> {
  const f = await startFixture('cluster.js', {
    inspect: false,
    args: ['3', `--threads=${THREADS}`],
    readyTimeoutMs: 30_000,
  });
  const line = await f.waitFor(/ready primary=\d+ workers=[\d,]+/);
  const workers = line.split('workers=')[1]!.split(',').map(Number);
  return { f, pids: [f.pid, ...workers] };
}

async function stopCluster(c: Cluster): Promise<void> {
  await c.f.stop();
  for (const pid of c.pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended with the primary
    }
  }
}

async function groupIdOf(m: Monitor, pid: number): Promise<string> {
  const p = (await m.listProcesses({})).processes.find((x) => x.pid === pid);
  if (!p?.groupId) throw new Error(`pid ${pid} is in no group`);
  return p.groupId;
}

/** Waits until every live target of the group has a sample; returns when that happened. */
async function chartingAt(
  m: Monitor,
  groupId: string,
  wantMembers: number,
  kinds: 'processes' | 'all',
): Promise<number> {
  for (;;) {
    const targets = (await m.listTargets({})).filter(
      (t) =>
        t.status !== 'detached' &&
        t.groupId === groupId &&
        (kinds === 'all' || t.kind !== 'worker'),
    );
    if (targets.length >= wantMembers) {
      const counts = await Promise.all(
        targets.map(async (t) => (await m.getHistory({ targetId: t.id })).length),
      );
      if (counts.every((n) => n > 0)) return performance.now();
    }
    await sleep(10);
  }
}

async function attachLatency(): Promise<{ processesMs: number[]; allMs: number[] }> {
  const processesMs: number[] = [];
  const allMs: number[] = [];
  for (let r = 0; r < attachRounds; r++) {
    const c = await startCluster();
    const m = createMonitor({ recording: false });
    try {
      const groupId = await groupIdOf(m, c.f.pid);
      const t0 = performance.now();
      const attached = m.attachGroup({ groupId, enableInspector: true, intervalMs: 1000 });
      const [res, procAt, allAt] = await Promise.all([
        attached,
        chartingAt(m, groupId, 4, 'processes'),
        chartingAt(m, groupId, 4 * (1 + THREADS), 'all'),
      ]);
      const failed = res.members.filter((x) => x.error);
      if (failed.length > 0) throw new Error(`attach failed: ${JSON.stringify(failed)}`);
      processesMs.push(procAt - t0);
      allMs.push(allAt - t0);
      console.log(
        `  attach round ${r + 1}: 4 processes charting after ${(procAt - t0).toFixed(0)} ms, all ${4 * (1 + THREADS)} members after ${(allAt - t0).toFixed(0)} ms`,
      );
      await m.detachGroup({ groupId });
    } finally {
      await m.dispose();
      await stopCluster(c);
    }
  }
  return { processesMs, allMs };
}

function cpuOf(pids: number[]): number {
  return pids.reduce((n, pid) => {
    try {
      return n + cpuNs(pid);
    } catch {
      throw new Error(`member pid ${pid} of the cluster exited during the benchmark`);
    }
  }, 0);
}

async function steadyCost(): Promise<void> {
  const c = await startCluster();
  const single = await startFixture('idle.js');
  const perMember: number[] = [];
  const singleCost: number[] = [];
  const dashCpu: number[] = [];
  const dashRss: number[] = [];
  const members = 4 * (1 + THREADS);
  try {
    for (let r = 0; r < rounds; r++) {
      // Unwatched.
      await sleep(1_000);
      let a = cpuOf(c.pids);
      let b = cpuNs(single.pid);
      await sleep(windowS * 1000);
      const baseCluster = (cpuOf(c.pids) - a) / 1e9 / windowS;
      const baseSingle = (cpuNs(single.pid) - b) / 1e9 / windowS;
      // Watched at 1 Hz: the whole group with its threads, and the single target.
      const m = createMonitor({ recording: false });
      const groupId = await groupIdOf(m, c.f.pid);
      await m.attachGroup({ groupId, enableInspector: true, intervalMs: 1000 });
      const st = await m.attach({ port: single.port!, intervalMs: 1000 });
      await chartingAt(m, groupId, members, 'all');
      await sleep(3_000); // attach-time work (pool discovery, probe installs) settles
      globalThis.gc?.();
      a = cpuOf(c.pids);
      b = cpuNs(single.pid);
      const own = process.cpuUsage();
      const wall = performance.now();
      await sleep(windowS * 1000);
      const seconds = (performance.now() - wall) / 1000;
      const watchedCluster = (cpuOf(c.pids) - a) / 1e9 / seconds;
      const watchedSingle = (cpuNs(single.pid) - b) / 1e9 / seconds;
      const u = process.cpuUsage(own);
      const live = (await m.listTargets({})).filter((t) => t.status !== 'detached').length;
      dashCpu.push((u.user + u.system) / 1e6 / seconds);
      dashRss.push(process.memoryUsage.rss());
      perMember.push((watchedCluster - baseCluster) / members);
      singleCost.push(watchedSingle - baseSingle);
      console.log(
        `  round ${r + 1}/${rounds}: ${live} targets; per member ${pct(perMember.at(-1)!, 3)}, single target ${pct(singleCost.at(-1)!, 3)}, dashboard CPU ${pct(dashCpu.at(-1)!, 2)}, RSS ${(dashRss.at(-1)! / 2 ** 20).toFixed(0)} MB`,
      );
      await m.detachGroup({ groupId });
      await m.detach({ targetId: st.id });
      await m.dispose();
    }
  } finally {
    await stopCluster(c);
    await single.stop();
  }
  const med = median;
  const ratio = med(perMember) / med(singleCost);
  console.log('\nsteady cost at 1 Hz (median over rounds; p10..p90)');
  console.log(
    `  per member (process or thread): ${pct(med(perMember), 3)} of a core (${pct(quantile(perMember, 0.1), 3)}..${pct(quantile(perMember, 0.9), 3)}); goal < 0.5 %: ${med(perMember) < 0.005 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  one single-threaded target: ${pct(med(singleCost), 3)} (${pct(quantile(singleCost, 0.1), 3)}..${pct(quantile(singleCost, 0.9), 3)})`,
  );
  console.log(
    `  per member / single target: ${ratio.toFixed(2)}x; goal <= 1: ${ratio <= 1 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  dashboard, ${members + 1} targets: CPU ${pct(med(dashCpu), 2)} of a core (${pct(quantile(dashCpu, 0.1), 2)}..${pct(quantile(dashCpu, 0.9), 2)}); goal < 5 %: ${med(dashCpu) < 0.05 ? 'met' : 'NOT met'}; RSS ${(med(dashRss) / 2 ** 20).toFixed(0)} MB`,
  );
}

try {
  console.log(
    `attach-all latency (${attachRounds} fresh clusters of 4 processes x ${THREADS} threads, no inspector)`,
  );
  const lat = await attachLatency();
  console.log(
    `  median: 4 processes charting ${median(lat.processesMs).toFixed(0)} ms (max ${Math.max(...lat.processesMs).toFixed(0)}), all members ${median(lat.allMs).toFixed(0)} ms (max ${Math.max(...lat.allMs).toFixed(0)}); goal < 3000 ms: ${Math.max(...lat.processesMs) < 3000 ? 'met' : 'NOT met'}`,
  );
  console.log(`\nsteady cost (${rounds} rounds of ${windowS} s unwatched, then watched)`);
  await steadyCost();
} finally {
  await stopAllFixtures();
}

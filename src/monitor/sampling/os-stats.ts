// OS-level figures of a target, read from outside it, so they arrive even when its
// event loop is blocked or it is paused (F10): pidusage for CPU and RSS, /proc for
// open file descriptors and threads (Linux; null elsewhere).
import { readdir, readFile } from 'node:fs/promises';
import pidusage from 'pidusage';
import { toDisposable, type Disposable } from '../lifecycle/disposable';

export interface OsFigures {
  cpuPercent: number | null;
  rssBytes: number | null;
  openFds: number | null;
  threads: number | null;
}

export const NO_OS_FIGURES: OsFigures = {
  cpuPercent: null,
  rssBytes: null,
  openFds: null,
  threads: null,
};

export async function readOsFigures(pid: number): Promise<OsFigures> {
  const [usage, openFds, threads] = await Promise.all([
    pidusage(pid).catch(() => null), // ESRCH once the target is gone
    readdir(`/proc/${pid}/fd`).then(
      (entries) => entries.length,
      () => null,
    ),
    readFile(`/proc/${pid}/status`, 'utf8').then(parseThreads, () => null),
  ]);
  const finite = (v: unknown): number | null =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
  return {
    cpuPercent: finite(usage?.cpu),
    rssBytes: finite(usage?.memory),
    openFds,
    threads,
  };
}

export function parseThreads(status: string): number | null {
  const m = /^Threads:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

// pidusage keeps per-pid history and a module-wide (unref'd) timer; release it when the
// last sampler stops so the dashboard's own handle count returns to baseline (F13).
let pidusageUsers = 0;

export function retainPidusage(): Disposable {
  pidusageUsers++;
  return toDisposable(() => {
    pidusageUsers--;
    if (pidusageUsers === 0) pidusage.clear();
  });
}

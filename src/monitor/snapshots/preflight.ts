// Pre-flight for a heap snapshot (F14): how much memory the target will need, how
// long its event loop will stop, and whether that fits in free memory, the target's
// cgroup limit and the disk. Ratios measured on this project's fixtures (Node 20):
// peak RSS grew by 20-21x heapUsed (85 MB heap -> +1.8 GB), 0.08-0.11 s per MB of
// heap, files 2.1-2.2x heapUsed; DESIGN.md measured 0.15 s/MB for a 246 MB heap.
// Once a target has been captured, its own measured pause and file size replace the
// ratios (the memory ratio stays: only the target's RSS could tell it).
import { readFile, statfs } from 'node:fs/promises';
import type { SnapshotEstimate } from '../../shared/heap-tools-model';

export const EXTRA_MEMORY_PER_HEAP_BYTE = 22;
export const PAUSE_SECONDS_PER_HEAP_MB = 0.15;
export const FILE_BYTES_PER_HEAP_BYTE = 2.3;
/** Keep this much memory free for everything else. */
export const MEMORY_HEADROOM_BYTES = 256 * 1024 * 1024;

export interface PreflightInput {
  targetId: string;
  heapUsedBytes: number;
  memAvailableBytes: number | null;
  cgroupLimitBytes: number | null;
  cgroupUsageBytes: number | null;
  diskFreeBytes: number | null;
  /** What this target's previous capture measured, per byte of heap: better than the ratios. */
  measured?: { pauseMsPerHeapByte: number; fileBytesPerHeapByte: number } | null;
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${Math.round(bytes / MB)} MB`;

export function estimateSnapshot(input: PreflightInput): SnapshotEstimate {
  const heap = Math.max(0, input.heapUsedBytes);
  const extraMemoryBytes = Math.round(heap * EXTRA_MEMORY_PER_HEAP_BYTE);
  const m = input.measured;
  const fileBytes = Math.round(heap * (m?.fileBytesPerHeapByte ?? FILE_BYTES_PER_HEAP_BYTE));
  const pauseSeconds = Math.max(
    0.1,
    m ? (heap * m.pauseMsPerHeapByte) / 1000 : (heap / MB) * PAUSE_SECONDS_PER_HEAP_MB,
  );
  const cgroupRoom =
    input.cgroupLimitBytes !== null && input.cgroupUsageBytes !== null
      ? Math.max(0, input.cgroupLimitBytes - input.cgroupUsageBytes)
      : null;
  const candidates = [input.memAvailableBytes, cgroupRoom].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const availableMemoryBytes = candidates.length > 0 ? Math.min(...candidates) : null;
  const warnings: string[] = [];
  if (
    availableMemoryBytes !== null &&
    extraMemoryBytes + MEMORY_HEADROOM_BYTES > availableMemoryBytes
  ) {
    const limited = cgroupRoom !== null && cgroupRoom === availableMemoryBytes;
    warnings.push(
      `The target may need about ${mb(extraMemoryBytes)} more memory for the snapshot, ` +
        `but only ${mb(availableMemoryBytes)} is free${limited ? ' under its cgroup limit' : ''}: ` +
        'it could be killed by the OOM killer.',
    );
  }
  if (input.diskFreeBytes !== null && fileBytes > input.diskFreeBytes) {
    warnings.push(
      `The snapshot file may take about ${mb(fileBytes)}, but the disk has ${mb(input.diskFreeBytes)} free.`,
    );
  }
  return {
    targetId: input.targetId,
    heapUsedBytes: heap,
    extraMemoryBytes,
    availableMemoryBytes,
    cgroupLimitBytes: input.cgroupLimitBytes,
    fileBytes,
    diskFreeBytes: input.diskFreeBytes,
    pauseSeconds,
    fits: warnings.length === 0,
    warnings,
  };
}

/** One sentence for a confirmation prompt or a CONFIRM_REQUIRED error. */
export function describeEstimate(e: SnapshotEstimate): string {
  const pause = `The target's event loop stops for the whole capture, about ${formatSeconds(e.pauseSeconds)}.`;
  return [...e.warnings, pause].join(' ');
}

export function formatSeconds(s: number): string {
  return s < 10
    ? `${s.toFixed(1)} s`
    : s < 120
      ? `${Math.round(s)} s`
      : `${Math.round(s / 60)} min`;
}

// ---- reading the machine ------------------------------------------------------------

export function parseMemAvailable(meminfo: string): number | null {
  const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : null;
}

/** `max` (no limit) or a byte count. */
export function parseCgroupValue(text: string): number | null {
  const t = text.trim();
  if (t === 'max' || t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** The cgroup v2 path of a process, from /proc/PID/cgroup (`0::/path`). */
export function parseCgroupPath(text: string): string | null {
  const m = /^0::(\/.*)$/m.exec(text);
  if (!m) return null;
  const p = m[1]!.trim();
  return p.includes('..') ? null : p;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export interface MachineMemory {
  memAvailableBytes: number | null;
  cgroupLimitBytes: number | null;
  cgroupUsageBytes: number | null;
}

/** The target's cgroup (its own when its pid is known and local), else ours. */
export async function readMachineMemory(
  pid: number | null,
  procRoot = '/proc',
  cgroupRoot = '/sys/fs/cgroup',
): Promise<MachineMemory> {
  const meminfo = await readText(`${procRoot}/meminfo`);
  const cgText = await readText(`${procRoot}/${pid ?? 'self'}/cgroup`);
  const cgPath = (cgText && parseCgroupPath(cgText)) ?? '/';
  // The limit may sit on an ancestor: take the one with the least room left.
  let best: { limit: number; usage: number | null; room: number } | null = null;
  const parts = cgPath.split('/').filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const dir = [cgroupRoot, ...parts.slice(0, i)].join('/');
    const max = await readText(`${dir}/memory.max`);
    const limit = max === null ? null : parseCgroupValue(max);
    if (limit === null) continue;
    const cur = await readText(`${dir}/memory.current`);
    const usage = cur === null ? null : parseCgroupValue(cur);
    const room = limit - (usage ?? 0);
    if (best === null || room < best.room) best = { limit, usage, room };
  }
  return {
    memAvailableBytes: meminfo ? parseMemAvailable(meminfo) : null,
    cgroupLimitBytes: best?.limit ?? null,
    cgroupUsageBytes: best?.usage ?? null,
  };
}

export async function diskFreeBytes(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

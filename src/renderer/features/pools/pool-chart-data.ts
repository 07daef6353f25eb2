// Chart rows for one pool over time, from the per-target reads. A read where the pool
// is missing gives a gap (nulls), never zeros (F12). Rows are thinned to a budget by
// keeping, per bucket, the read with the most in use + waiting (peaks stay visible).
import type { PoolSample, PoolStats } from '../../../shared/pool-model';

export interface PoolRow {
  t: number;
  size: number | null;
  inUse: number | null;
  idle: number | null;
  waiting: number | null;
}

export function poolNames(samples: readonly PoolSample[], cap = 16): string[] {
  const names: string[] = [];
  const latest = samples.at(-1);
  for (const p of latest?.pools ?? []) if (!names.includes(p.name)) names.push(p.name);
  return names.slice(0, cap);
}

export function poolRows(
  samples: readonly PoolSample[],
  name: string,
  fromMs: number,
  maxRows = 300,
  toMs = Infinity,
): PoolRow[] {
  const rows: PoolRow[] = [];
  for (const s of samples) {
    if (s.timestampMs < fromMs || s.timestampMs > toMs) continue;
    const p: PoolStats | undefined = s.pools.find((x) => x.name === name);
    rows.push(
      p
        ? { t: s.timestampMs, size: p.size, inUse: p.inUse, idle: p.idle, waiting: p.waiting }
        : { t: s.timestampMs, size: null, inUse: null, idle: null, waiting: null },
    );
  }
  if (rows.length <= maxRows) return rows;
  const out: PoolRow[] = [];
  const bucket = rows.length / maxRows;
  for (let b = 0; b < maxRows; b++) {
    const start = Math.floor(b * bucket);
    const end = Math.min(rows.length, Math.floor((b + 1) * bucket));
    let best = rows[start]!;
    for (let i = start + 1; i < end; i++) {
      const r = rows[i]!;
      const load = (r.inUse ?? -1) + (r.waiting ?? 0);
      if (load > (best.inUse ?? -1) + (best.waiting ?? 0)) best = r;
    }
    out.push(best);
  }
  const last = rows.at(-1)!;
  if (out.at(-1) !== last) out[out.length - 1] = last;
  return out;
}

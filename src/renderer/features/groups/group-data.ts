// A group's members as chart lines: one series per member (process or worker thread)
// over the visible window, downsampled, gaps kept (F12), and a sum line where a sum
// means something (RSS of the processes, heap of every isolate). Pure.
import type { Sample, TargetInfo } from '../../../shared/model';

export interface Point {
  t: number;
  v: number | null;
}

export interface MemberSeries {
  targetId: string;
  name: string;
  color: string;
  points: Point[];
  /** A sum line (drawn dashed). */
  sum?: boolean;
}

export const MEMBER_COLORS = [
  '#3b82f6',
  '#10b981',
  '#f59e0b',
  '#ef4444',
  '#a855f7',
  '#06b6d4',
  '#84cc16',
  '#ec4899',
  '#6366f1',
  '#14b8a6',
  '#f97316',
  '#64748b',
];

/** "worker 2 pool-1" for a thread; "pid 4242 app.js" for a process. Hostile text. */
export function memberName(t: TargetInfo): string {
  if (t.kind === 'worker') {
    return `worker ${t.threadId ?? '?'}${t.threadName ? ` ${t.threadName}` : ''} (pid ${t.pid ?? '?'})`;
  }
  return `pid ${t.pid ?? '?'} ${t.title}`;
}

/** Members in display order: each process, then its worker threads by thread id. */
export function orderMembers(members: readonly TargetInfo[]): TargetInfo[] {
  const processes = members.filter((m) => m.kind !== 'worker');
  const out: TargetInfo[] = [];
  for (const p of processes) {
    out.push(p);
    out.push(
      ...members
        .filter((m) => m.kind === 'worker' && m.parentTargetId === p.id)
        .sort((a, b) => (a.threadId ?? 0) - (b.threadId ?? 0)),
    );
  }
  // Threads whose process is not in the list (should not happen) go last.
  out.push(...members.filter((m) => !out.includes(m)));
  return out;
}

/** Every n-th point so that at most maxPoints remain; a gap (null) is always kept. */
function thin(points: Point[], maxPoints: number): Point[] {
  if (points.length <= maxPoints) return points;
  const step = Math.ceil(points.length / maxPoints);
  return points.filter((p, i) => p.v === null || i % step === 0 || i === points.length - 1);
}

/** One member's points in [fromMs, toMs]; a gap where samples are 2.5 intervals apart. */
export function seriesPoints(
  samples: readonly Sample[],
  field: (s: Sample) => number | null,
  fromMs: number,
  toMs: number,
  intervalMs: number,
  maxPoints = 600,
): Point[] {
  const out: Point[] = [];
  let prevT = -Infinity;
  for (const s of samples) {
    if (s.timestampMs < fromMs || s.timestampMs > toMs) continue;
    if (out.length > 0 && s.timestampMs - prevT > intervalMs * 2.5) {
      out.push({ t: (prevT + s.timestampMs) / 2, v: null });
    }
    out.push({ t: s.timestampMs, v: field(s) });
    prevT = s.timestampMs;
  }
  return thin(out, maxPoints);
}

/**
 * The sum of several members' series at a common clock: per bucket of bucketMs, the
 * latest value of each member that has one in it or the bucket before. A bucket is
 * drawn only when every member alive then (its first to last point) has a value, so a
 * member that starts late or misses a sample makes a gap, not a dip or a ramp.
 */
export function sumPoints(series: readonly Point[][], bucketMs: number): Point[] {
  const buckets = new Map<number, Map<number, number>>();
  const span = series.map(() => ({ first: Infinity, last: -Infinity }));
  series.forEach((points, i) => {
    for (const p of points) {
      if (p.v === null) continue;
      const b = Math.floor(p.t / bucketMs);
      let m = buckets.get(b);
      if (!m) buckets.set(b, (m = new Map()));
      m.set(i, p.v);
      span[i]!.first = Math.min(span[i]!.first, b);
      span[i]!.last = Math.max(span[i]!.last, b);
    }
  });
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const out: Point[] = [];
  let open = false;
  for (const k of keys) {
    const now = buckets.get(k)!;
    const before = buckets.get(k - 1);
    let sum = 0;
    let complete = true;
    for (let i = 0; i < series.length; i++) {
      if (k < span[i]!.first || k > span[i]!.last) continue; // not alive then
      const v = now.get(i) ?? before?.get(i);
      if (v === undefined) complete = false;
      else sum += v;
    }
    if (!complete) {
      if (open) out.push({ t: (k + 0.5) * bucketMs, v: null });
      open = false;
      continue;
    }
    out.push({ t: (k + 0.5) * bucketMs, v: sum });
    open = true;
  }
  return out;
}

/** The series of one group chart: one per member, and the sum when asked. */
export function groupSeries(
  members: readonly TargetInfo[],
  samplesOf: (id: string) => readonly Sample[],
  field: (s: Sample) => number | null,
  window: { fromMs: number; toMs: number },
  options: { sumName?: string; only?: (t: TargetInfo) => boolean } = {},
): MemberSeries[] {
  const shown = orderMembers(members).filter((m) => options.only?.(m) ?? true);
  const series: MemberSeries[] = shown.map((m) => ({
    targetId: m.id,
    name: memberName(m),
    color: MEMBER_COLORS[orderMembers(members).indexOf(m) % MEMBER_COLORS.length]!,
    points: seriesPoints(samplesOf(m.id), field, window.fromMs, window.toMs, m.intervalMs),
  }));
  if (options.sumName && series.length > 1) {
    const bucketMs = Math.max(...shown.map((m) => m.intervalMs), 100);
    series.push({
      targetId: 'sum',
      name: options.sumName,
      color: '#111827',
      sum: true,
      points: sumPoints(
        series.map((s) => s.points),
        bucketMs,
      ),
    });
  }
  return series;
}

/** The window of the group's charts: the last spanMs up to the newest sample of any member. */
export function groupWindow(
  members: readonly TargetInfo[],
  samplesOf: (id: string) => readonly Sample[],
  spanMs: number,
): { fromMs: number; toMs: number } {
  let toMs = -Infinity;
  let firstMs = Infinity;
  for (const m of members) {
    const s = samplesOf(m.id);
    if (s.length === 0) continue;
    toMs = Math.max(toMs, s[s.length - 1]!.timestampMs);
    firstMs = Math.min(firstMs, s[0]!.timestampMs);
  }
  if (!Number.isFinite(toMs)) return { fromMs: 0, toMs: spanMs };
  return { fromMs: Math.max(toMs - spanMs, Math.min(firstMs, toMs - 10_000)), toMs };
}

export const groupFields = {
  heapUsedMb: (s: Sample) => (s.heapUsedBytes === null ? null : s.heapUsedBytes / 2 ** 20),
  rssMb: (s: Sample) => (s.rssBytes === null ? null : s.rssBytes / 2 ** 20),
  eldP99Ms: (s: Sample) => s.eventLoopDelayP99Ms,
  gcPauseMs: (s: Sample) =>
    s.gc === null ? null : Object.values(s.gc).reduce((n, k) => n + k.totalMs, 0),
};

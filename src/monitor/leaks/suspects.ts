// From a series of heap snapshots to named suspects: the constructors whose instance
// count grows at every step, ranked by growth per minute, user classes before the
// engine's own (Object, Array, strings grow along with any leak).
import type { LeakSuspect } from '../../shared/alert-model';
import type { RetainerPath } from '../../shared/snapshot-model';

export interface ClassCounts {
  atMs: number;
  /** Per class name: instance count and shallow bytes. */
  classes: Map<string, { count: number; bytes: number }>;
}

const ENGINE_CLASSES = new Set([
  'Object',
  'Array',
  'Function',
  'String',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Error',
  'Date',
  'RegExp',
  'ArrayBuffer',
  'Uint8Array',
  'Buffer',
  'system',
  'Symbol',
  'Number',
  'BigInt',
]);

export function isEngineClass(name: string): boolean {
  return name.startsWith('(') || name.startsWith('system ') || ENGINE_CLASSES.has(name);
}

export const MAX_SUSPECTS = 5;

/** Classes growing at every step of the series (at least 3 snapshots). */
export function growingClasses(series: readonly ClassCounts[]): LeakSuspect[] {
  if (series.length < 2) return [];
  const first = series[0]!;
  const last = series[series.length - 1]!;
  const minutes = Math.max(1e-6, (last.atMs - first.atMs) / 60_000);
  const out: LeakSuspect[] = [];
  for (const [name, start] of first.classes) {
    const counts = series.map((s) => s.classes.get(name)?.count ?? 0);
    let growsEveryStep = true;
    for (let i = 1; i < counts.length; i++)
      if (counts[i]! <= counts[i - 1]!) growsEveryStep = false;
    if (!growsEveryStep) continue;
    const end = last.classes.get(name)!;
    out.push({
      className: name,
      countPerMinute: (end.count - start.count) / minutes,
      sizeBytesPerMinute: (end.bytes - start.bytes) / minutes,
      counts,
      retainerPath: null,
      retainedBy: null,
    });
  }
  // Classes that did not exist at the first snapshot but grow after it.
  for (const [name, end] of last.classes) {
    if (first.classes.has(name)) continue;
    const counts = series.map((s) => s.classes.get(name)?.count ?? 0);
    let grows = true;
    for (let i = 1; i < counts.length; i++) if (counts[i]! <= counts[i - 1]!) grows = false;
    if (grows) {
      out.push({
        className: name,
        countPerMinute: end.count / minutes,
        sizeBytesPerMinute: end.bytes / minutes,
        counts,
        retainerPath: null,
        retainedBy: null,
      });
    }
  }
  out.sort(
    (a, b) =>
      Number(isEngineClass(a.className)) - Number(isEngineClass(b.className)) ||
      b.countPerMinute - a.countPerMinute ||
      a.className.localeCompare(b.className),
  );
  return out.slice(0, MAX_SUSPECTS);
}

/** "Map (cache)" style holder: the nearest non-internal step before the instance. */
export function retainedByFromPath(path: RetainerPath): string | null {
  const steps = path.steps;
  for (let i = steps.length - 2; i >= 0; i--) {
    const s = steps[i]!;
    if (s.className.startsWith('(') || s.nodeType === 'hidden' || s.className.startsWith('system'))
      continue;
    if (s.className === path.className) continue;
    const parent = steps[i - 1];
    const via = parent?.edgeName && !/^\d+$/.test(parent.edgeName) ? ` ${parent.edgeName}` : '';
    return `${s.className}${via}`;
  }
  return null;
}

/** "ResdashLeakyWidget +12,000 objects/min, retained by Map cache". */
export function suspectSentence(s: LeakSuspect): string {
  const rate = Math.round(s.countPerMinute).toLocaleString('en-US');
  const by = s.retainedBy ? `, retained by ${s.retainedBy}` : '';
  return `${s.className} +${rate} objects/min${by}`;
}

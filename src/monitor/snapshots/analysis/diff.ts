// Diff of two snapshots of one process: node ids are stable across snapshots of a
// process and new objects always get ids above every id handed out before, so a merge
// walk over the sorted ids gives added / removed objects per class (F22 uses the same
// property to tell snapshots of different processes apart).
//
// Two V8 facts bend that rule, both measured on Node 20:
// - V8 keeps ids by address. A new object that lands where a dead one was before the
//   next snapshot inherits the dead one's id. An id that changed class is therefore a
//   removed object and an added one, not a survivor.
// - V8 forgets every id when an inspector session ends (the heap profiler agent's
//   disable clears its object map): after a detach and attach, or any other client such
//   as `resdash snapshot` disconnecting, ids are handed out again from the start and name
//   unrelated objects. Two such snapshots matched by id showed "0 removed" for a busy
//   service. Many ids that changed class give that away: refused like F22 (per-class
//   counts and sizes do not depend on ids and stay right with force).
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type {
  ConstructorDelta,
  DiffOptions,
  NewObjectsOfClass,
  SnapshotDiff,
} from '../../../shared/snapshot-model';
import type { DiffSide } from './summary';

interface Acc {
  name: string;
  addedCount: number;
  removedCount: number;
  countBefore: number;
  countAfter: number;
  shallowBefore: number;
  shallowAfter: number;
  newIds: number[];
  newCount: number;
}

/** New objects whose ids are not above the first snapshot's max id, out of all new ones. */
const MISMATCH_MIN_NEW = 5;
const MISMATCH_FRACTION = 0.5;
/**
 * Ids both snapshots hold, of which more than this fraction changed class: renumbered.
 * One session of a heavily churning service measured up to 2.6 %; across a reattach,
 * 28 % (idle) to 70 % (churning).
 */
const RENUMBERED_MIN_MATCHED = 100;
const RENUMBERED_FRACTION = 0.1;

export function diffSides(
  before: DiffSide,
  after: DiffSide,
  options: DiffOptions = {},
  analysisMs = 0,
): SnapshotDiff {
  const warnings: string[] = [];
  const beforePid = options.beforePid ?? before.meta.pid;
  const afterPid = options.afterPid ?? after.meta.pid;
  if (beforePid !== undefined && afterPid !== undefined && beforePid !== afterPid) {
    const msg = `The snapshots come from different processes (pid ${beforePid} and pid ${afterPid}).`;
    if (!options.force)
      throw new MonitorError(ErrorCodes.SNAPSHOT_MISMATCH, `${msg} Use --force to diff anyway.`);
    warnings.push(msg);
  }
  const maxIds = options.maxIdsPerClass ?? 100;
  const acc = new Map<string, Acc>();
  const get = (name: string): Acc => {
    let a = acc.get(name);
    if (!a) {
      a = {
        name,
        addedCount: 0,
        removedCount: 0,
        countBefore: 0,
        countAfter: 0,
        shallowBefore: 0,
        shallowAfter: 0,
        newIds: [],
        newCount: 0,
      };
      acc.set(name, a);
    }
    return a;
  };
  // Per-class accumulators looked up by class index on each side.
  const accBefore = before.classNames.map(get);
  const accAfter = after.classNames.map(get);
  const b = before.ids;
  const a = after.ids;
  let i = 0;
  let j = 0;
  let added = 0;
  let removed = 0;
  let addedObjects = 0;
  let addedAtOrBelowMax = 0;
  let sameId = 0;
  let reusedIds = 0;
  const beforeMax = before.meta.maxNodeId;
  while (i < b.length || j < a.length) {
    const bi = i < b.length ? b[i]! : Infinity;
    const aj = j < a.length ? a[j]! : Infinity;
    if (bi === aj) {
      const x = accBefore[before.classes[i]!]!;
      x.countBefore++;
      x.shallowBefore += before.sizes[i]!;
      const y = accAfter[after.classes[j]!]!;
      y.countAfter++;
      y.shallowAfter += after.sizes[j]!;
      sameId++;
      if (x !== y) {
        // A dead object's id reused by a new one of another class (see the top).
        reusedIds++;
        x.removedCount++;
        removed++;
        y.addedCount++;
        y.newCount++;
        if (y.newIds.length < maxIds) y.newIds.push(aj);
        added++;
      }
      i++;
      j++;
    } else if (bi < aj) {
      const x = accBefore[before.classes[i]!]!;
      x.countBefore++;
      x.shallowBefore += before.sizes[i]!;
      x.removedCount++;
      removed++;
      i++;
    } else {
      const y = accAfter[after.classes[j]!]!;
      y.countAfter++;
      y.shallowAfter += after.sizes[j]!;
      y.addedCount++;
      y.newCount++;
      if (y.newIds.length < maxIds) y.newIds.push(aj);
      // Only heap objects (odd ids) follow the monotonic id rule.
      if (aj % 2 === 1) {
        addedObjects++;
        if (aj <= beforeMax) addedAtOrBelowMax++;
      }
      added++;
      j++;
    }
  }
  if (addedObjects >= MISMATCH_MIN_NEW && addedAtOrBelowMax / addedObjects > MISMATCH_FRACTION) {
    const msg =
      `${addedAtOrBelowMax} of ${addedObjects} new objects have ids the first snapshot had already passed: ` +
      'the snapshots look like different processes, or the second was taken before the first.';
    if (!options.force)
      throw new MonitorError(ErrorCodes.SNAPSHOT_MISMATCH, `${msg} Use --force to diff anyway.`);
    warnings.push(msg);
  }
  if (sameId >= RENUMBERED_MIN_MATCHED && reusedIds / sameId > RENUMBERED_FRACTION) {
    const msg =
      `${reusedIds} of ${sameId} objects both snapshots have under the same id changed class: the ids were ` +
      'renumbered between them, as V8 does when an inspector session ends (a detach and attach, or another ' +
      'tool such as resdash snapshot or DevTools disconnecting). Objects cannot be matched; take both ' +
      'snapshots in one attached session.';
    if (!options.force)
      throw new MonitorError(
        ErrorCodes.SNAPSHOT_MISMATCH,
        `${msg} Use --force to diff anyway (per-class counts and sizes stay right).`,
      );
    warnings.push(msg);
  }
  if (after.meta.maxNodeId < before.meta.maxNodeId) {
    const msg =
      'The second snapshot has no object newer than the first one: it looks older, or from another process.';
    if (!options.force)
      throw new MonitorError(ErrorCodes.SNAPSHOT_MISMATCH, `${msg} Use --force to diff anyway.`);
    warnings.push(msg);
  }
  const top = Math.max(0, options.top ?? 50);
  const rows: ConstructorDelta[] = [];
  let sizeDeltaBytes = 0;
  for (const x of acc.values()) {
    const delta = x.shallowAfter - x.shallowBefore;
    sizeDeltaBytes += delta;
    if (x.addedCount === 0 && x.removedCount === 0 && delta === 0) continue;
    rows.push({
      name: x.name,
      addedCount: x.addedCount,
      removedCount: x.removedCount,
      countDelta: x.countAfter - x.countBefore,
      sizeDeltaBytes: delta,
      countBefore: x.countBefore,
      countAfter: x.countAfter,
    });
  }
  rows.sort(
    (p, q) =>
      Math.abs(q.sizeDeltaBytes) - Math.abs(p.sizeDeltaBytes) || p.name.localeCompare(q.name),
  );
  const newObjects: NewObjectsOfClass[] = [...acc.values()]
    .filter((x) => x.newCount > 0)
    .sort((p, q) => q.newCount - p.newCount || p.name.localeCompare(q.name))
    .slice(0, top)
    .map((x) => ({
      name: x.name,
      count: x.newCount,
      nodeIds: x.newIds,
      truncated: x.newCount > x.newIds.length,
    }));
  return {
    before: before.meta,
    after: after.meta,
    perConstructor: rows.slice(0, top),
    newObjects,
    totals: { addedCount: added, removedCount: removed, sizeDeltaBytes },
    warnings,
    analysisMs,
  };
}

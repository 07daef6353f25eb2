// Attached (and detached, history kept) targets and which one the dashboard shows.
import type { TargetId, TargetInfo } from '../../shared/model';
import type { DashboardState } from './store';

export interface TargetsSlice {
  targets: Record<TargetId, TargetInfo>;
  /** Ids in the order the core listed them. */
  targetOrder: TargetId[];
  selectedTargetId: TargetId | null;
}

export const initialTargetsSlice: TargetsSlice = {
  targets: {},
  targetOrder: [],
  selectedTargetId: null,
};

/** Keeps the selection if it still exists, otherwise picks the first live target. */
function reconcileSelection(
  selected: TargetId | null,
  targets: Record<TargetId, TargetInfo>,
  order: TargetId[],
): TargetId | null {
  if (selected !== null && targets[selected]) return selected;
  const live = order.find((id) => targets[id]?.status !== 'detached');
  return live ?? order[0] ?? null;
}

/** The core pushes the whole list whenever a target changes: it replaces ours. */
export function applyTargetList(state: TargetsSlice, list: TargetInfo[]): TargetsSlice {
  const targets: Record<TargetId, TargetInfo> = {};
  const targetOrder: TargetId[] = [];
  for (const t of list) {
    if (!targets[t.id]) targetOrder.push(t.id);
    targets[t.id] = t;
  }
  return {
    targets,
    targetOrder,
    selectedTargetId: reconcileSelection(state.selectedTargetId, targets, targetOrder),
  };
}

/** One target's new state (attach / setSampleInterval answers); selects a new target. */
export function applyTarget(state: TargetsSlice, info: TargetInfo): TargetsSlice {
  const known = Boolean(state.targets[info.id]);
  return {
    targets: { ...state.targets, [info.id]: info },
    targetOrder: known ? state.targetOrder : [...state.targetOrder, info.id],
    selectedTargetId: known ? state.selectedTargetId : info.id,
  };
}

export function applyTargetRemoved(state: TargetsSlice, id: TargetId): TargetsSlice {
  if (!state.targets[id]) return state;
  const targets = { ...state.targets };
  delete targets[id];
  const targetOrder = state.targetOrder.filter((t) => t !== id);
  const selected = state.selectedTargetId === id ? null : state.selectedTargetId;
  return {
    targets,
    targetOrder,
    selectedTargetId: reconcileSelection(selected, targets, targetOrder),
  };
}

export function applySelect(state: TargetsSlice, id: TargetId | null): Partial<TargetsSlice> {
  if (id !== null && !state.targets[id]) return {};
  return { selectedTargetId: id };
}

export const targetSelectors = {
  /** Derived array: use with useShallow. */
  list: (s: DashboardState): TargetInfo[] =>
    s.targetOrder.map((id) => s.targets[id]).filter((t): t is TargetInfo => t !== undefined),
  selectedId: (s: DashboardState): TargetId | null => s.selectedTargetId,
  selected: (s: DashboardState): TargetInfo | null =>
    s.selectedTargetId === null ? null : (s.targets[s.selectedTargetId] ?? null),
  byId:
    (id: TargetId) =>
    (s: DashboardState): TargetInfo | undefined =>
      s.targets[id],
};

// Graph phases the analysis worker can run for the main thread. Every array in a task
// (and in its answer) lives on a SharedArrayBuffer: posting it shares the memory,
// nothing is copied.
import {
  dfsOnlyPhase,
  domChildrenPhase,
  predsCountPhase,
  predsFillPhase,
  type GraphArrays,
} from './graph';
import { classStatsOf, type ClassStatsInput } from './summary';
import { explorerWorkerPhase, type ExplorerWorkerArrays } from './explorer-index';

export type GraphTask =
  | { kind: 'dfsOnly'; arrays: GraphArrays }
  | { kind: 'predsCount'; arrays: GraphArrays; from: number; to: number; cnt: Uint32Array }
  | {
      kind: 'predsFill';
      arrays: GraphArrays;
      from: number;
      to: number;
      cursor: Uint32Array;
      preds: Uint32Array;
    }
  | { kind: 'stats'; input: ClassStatsInput }
  | {
      kind: 'children';
      r: number;
      idom: Uint32Array;
      room?: { firstChild: Uint32Array; children: Uint32Array; fill: Uint32Array };
    }
  | { kind: 'explorer'; arrays: ExplorerWorkerArrays };

export function runGraphTask(task: GraphTask): unknown {
  switch (task.kind) {
    case 'dfsOnly':
      dfsOnlyPhase(task.arrays);
      return null;
    case 'predsCount':
      predsCountPhase(task.arrays, task.from, task.to, task.cnt);
      return null;
    case 'predsFill':
      predsFillPhase(task.arrays, task.from, task.to, task.cursor, task.preds);
      return null;
    case 'stats':
      return classStatsOf(task.input);
    case 'children':
      return domChildrenPhase(task.r, task.idom, task.room);
    default:
      explorerWorkerPhase(task.arrays);
      return null;
  }
}

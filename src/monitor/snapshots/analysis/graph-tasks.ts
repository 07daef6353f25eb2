// Graph phases the analysis worker can run for the main thread. Every array in a task
// lives on a SharedArrayBuffer: posting it shares the memory, nothing is copied.
import { dfsPhase, type GraphArrays } from './graph';
import { explorerWorkerPhase, type ExplorerWorkerArrays } from './explorer-index';

export type GraphTask =
  { kind: 'dfs'; arrays: GraphArrays } | { kind: 'explorer'; arrays: ExplorerWorkerArrays };

export function runGraphTask(task: GraphTask): void {
  if (task.kind === 'dfs') dfsPhase(task.arrays);
  else explorerWorkerPhase(task.arrays);
}

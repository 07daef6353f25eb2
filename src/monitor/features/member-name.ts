// How alerts and leak verdicts name a member of a group: a worker thread by its id, name
// and process ("worker 3 (pool-1, pid 4242)"); a process by nothing (its own dashboard,
// list row and recording already say which it is).
import type { TargetInfo } from '../../shared/model';

export function memberName(
  info: Pick<TargetInfo, 'kind' | 'threadId' | 'threadName' | 'pid'>,
): string | undefined {
  if (info.kind !== 'worker') return undefined;
  const name = info.threadName ? `${info.threadName.slice(0, 60)}, ` : '';
  return `worker ${info.threadId ?? '?'} (${name}pid ${info.pid ?? '?'})`;
}

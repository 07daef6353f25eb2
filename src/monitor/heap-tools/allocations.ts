// Allocation sampling results: V8's sampling heap profile is a tree of call stacks with
// the bytes sampled at each; the top sites are the nodes with the largest self size,
// each with its stack (top frame first).
import type { Protocol } from 'devtools-protocol';
import type { AllocationSite, CallFrameInfo } from '../../shared/heap-tools-model';

const MAX_STACK_FRAMES = 32;
const MAX_TEXT = 500;

function frame(cf: Protocol.Runtime.CallFrame): CallFrameInfo {
  return {
    functionName: String(cf.functionName ?? '').slice(0, MAX_TEXT) || '(anonymous)',
    url: String(cf.url ?? '').slice(0, MAX_TEXT),
    lineNumber: (cf.lineNumber ?? -1) + 1,
    columnNumber: (cf.columnNumber ?? -1) + 1,
  };
}

/** Top `top` sites by self size; iterative, so a deep profile cannot overflow the stack. */
export function topAllocationSites(
  profile: Protocol.HeapProfiler.SamplingHeapProfile,
  top: number,
): { totalBytes: number; sites: AllocationSite[] } {
  type Entry = { node: Protocol.HeapProfiler.SamplingHeapProfileNode; parent: Entry | null };
  const found: Entry[] = [];
  let totalBytes = 0;
  const stack: Entry[] = profile.head ? [{ node: profile.head, parent: null }] : [];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const self = Number(e.node.selfSize) || 0;
    totalBytes += self;
    if (self > 0) found.push(e);
    for (const child of e.node.children ?? []) stack.push({ node: child, parent: e });
  }
  found.sort((a, b) => b.node.selfSize - a.node.selfSize);
  const sites = found.slice(0, top).map((e): AllocationSite => {
    const frames: CallFrameInfo[] = [];
    for (
      let cur: Entry | null = e;
      cur && cur.parent && frames.length < MAX_STACK_FRAMES;
      cur = cur.parent
    ) {
      frames.push(frame(cur.node.callFrame));
    }
    return {
      stack: frames,
      selfSizeBytes: e.node.selfSize,
      share: totalBytes > 0 ? e.node.selfSize / totalBytes : 0,
    };
  });
  return { totalBytes, sites };
}

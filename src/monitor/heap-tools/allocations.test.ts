import { describe, expect, it } from 'vitest';
import type { Protocol } from 'devtools-protocol';
import { topAllocationSites } from './allocations';

let nextId = 1;
function node(
  functionName: string,
  selfSize: number,
  children: Protocol.HeapProfiler.SamplingHeapProfileNode[] = [],
): Protocol.HeapProfiler.SamplingHeapProfileNode {
  return {
    callFrame: {
      functionName,
      scriptId: '1',
      url: 'file:///app.js',
      lineNumber: 9,
      columnNumber: 4,
    },
    selfSize,
    id: nextId++,
    children,
  };
}

describe('topAllocationSites', () => {
  it('ranks nodes by self size with their stacks, top frame first, 1-based positions', () => {
    const head = node('(root)', 0, [
      node('main', 10, [node('parse', 300), node('', 50)]),
      node('timer', 140),
    ]);
    const { totalBytes, sites } = topAllocationSites({ head, samples: [] }, 2);
    expect(totalBytes).toBe(500);
    expect(sites.map((s) => s.selfSizeBytes)).toEqual([300, 140]);
    expect(sites[0]!.stack.map((f) => f.functionName)).toEqual(['parse', 'main']);
    expect(sites[0]!.stack[0]).toMatchObject({
      lineNumber: 10,
      columnNumber: 5,
      url: 'file:///app.js',
    });
    expect(sites[0]!.share).toBeCloseTo(0.6);
    const anon = topAllocationSites({ head, samples: [] }, 10).sites.find(
      (s) => s.selfSizeBytes === 50,
    );
    expect(anon!.stack[0]!.functionName).toBe('(anonymous)');
  });

  it('handles a very deep profile without recursion', () => {
    let deep = node('leaf', 8);
    for (let i = 0; i < 50_000; i++) deep = node(`f${i}`, 0, [deep]);
    const { sites } = topAllocationSites({ head: deep, samples: [] }, 1);
    expect(sites[0]!.stack.length).toBe(32);
  });
});

import { describe, expect, it } from 'vitest';
import type { DiscoveredProcess, ProcessGroup } from '../../../shared/model';
import { buildTree, formatGroupCpu, formatGroupRss } from './process-tree';

const proc = (pid: number, ppid: number, groupId?: string): DiscoveredProcess => ({
  pid,
  ppid,
  command: `node ${pid}.js`,
  startTimeMs: 0,
  inspector: { state: 'closed' },
  ...(groupId ? { groupId } : {}),
});

const group = (id: string, memberPids: number[]): ProcessGroup => ({
  id,
  rootPid: memberPids[0]!,
  rootCommand: 'node primary.js',
  rootIsNode: true,
  memberPids,
  rssBytes: 3 * 2 ** 20,
  cpuPercent: 1.25,
});

describe('process tree', () => {
  it('a group of two or more is one entry, members parents first with their depth', () => {
    const ps = [proc(5, 1), proc(10, 1, 'g10-1'), proc(11, 10, 'g10-1'), proc(12, 11, 'g10-1')];
    const tree = buildTree(ps, [group('g10-1', [10, 11, 12])]);
    expect(tree.map((e) => (e.kind === 'process' ? e.p.pid : e.group.id))).toEqual([5, 'g10-1']);
    const g = tree[1]!;
    expect(g.kind === 'group' && g.members.map((m) => [m.p.pid, m.depth])).toEqual([
      [10, 0],
      [11, 1],
      [12, 2],
    ]);
  });

  it('a group with one visible member is a plain row', () => {
    const tree = buildTree([proc(10, 1, 'g10-1')], [group('g10-1', [10, 11])]);
    expect(tree).toEqual([{ kind: 'process', p: proc(10, 1, 'g10-1') }]);
  });

  it('formats the sums, a missing figure as a dash', () => {
    expect(formatGroupRss(3 * 2 ** 20)).toBe('3 MB');
    expect(formatGroupRss(null)).toBe('RSS –');
    expect(formatGroupCpu(1.25)).toBe('CPU 1.3%');
    expect(formatGroupCpu(null)).toBe('CPU –');
  });
});

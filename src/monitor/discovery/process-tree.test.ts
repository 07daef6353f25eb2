import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildProcessTree, groupIdFor, type TreeProc } from './process-tree';

let t = 1_000;
function proc(pid: number, ppid: number, argv: string[], isNode = argv[0] === 'node'): TreeProc {
  return {
    pid,
    ppid,
    isNode,
    argv,
    exe: isNode ? '/usr/bin/node' : `/bin/${argv[0]}`,
    startTimeMs: t++,
  };
}

function tree(procs: TreeProc[], selfPid: number) {
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  return buildProcessTree(procs, ancestorsOf(selfPid, byPid));
}

const base = [proc(1, 0, ['systemd'], false), proc(10, 1, ['sshd'], false)];

describe('process tree', () => {
  it('groups a cluster primary and its workers; the dashboard and its ancestors never group', () => {
    const procs = [
      ...base,
      proc(20, 10, ['bash'], false),
      proc(30, 20, ['node', 'dashboard.js']), // self
      proc(40, 30, ['node', 'cluster.js']), // started by the dashboard
      proc(41, 40, ['node', 'cluster.js']),
      proc(42, 40, ['node', 'cluster.js']),
      proc(43, 40, ['node', 'cluster.js']),
      proc(50, 30, ['node', 'idle.js']),
    ];
    const { groups, groupOf } = tree(procs, 30);
    expect(groupOf.has(30)).toBe(false);
    const g = groups.get(groupOf.get(41)!)!;
    expect(g).toMatchObject({ rootPid: 40, rootIsNode: true, memberPids: [40, 41, 42, 43] });
    expect(g.id).toBe(groupIdFor(40, procs.find((p) => p.pid === 40)!.startTimeMs));
    expect(groups.get(groupOf.get(50)!)!.memberPids).toEqual([50]);
    expect(groups.size).toBe(2);
  });

  it('looks through npm run’s sh -c wrapper, but not through an interactive shell', () => {
    const procs = [
      ...base,
      proc(5, 1, ['node', 'ide-server.js']),
      proc(20, 5, ['bash'], false), // an IDE terminal
      proc(21, 20, ['node', '/usr/bin/npm', 'run', 'dev']),
      proc(22, 21, ['sh', '-c', 'node server.js'], false),
      proc(23, 22, ['node', 'server.js']),
      proc(24, 20, ['node', 'other.js']),
      proc(99, 10, ['node', 'dashboard.js']),
    ];
    const { groups, groupOf } = tree(procs, 99);
    // npm → sh -c → node is one tree: the server shares npm's group.
    expect(groupOf.get(23)).toBe(groupOf.get(21));
    // The interactive shell is not looked through, and groups its two Node roots.
    expect(groups.get(groupOf.get(24)!)).toMatchObject({
      rootPid: 20,
      rootIsNode: false,
      memberPids: [21, 23, 24],
    });
    expect(groupOf.get(5)).not.toBe(groupOf.get(24));
  });

  it('a non-Node shell with two Node children groups them; one child alone is its own group', () => {
    const procs = [
      ...base,
      proc(20, 10, ['sh', '-c', 'node a.js & node b.js; wait'], false),
      proc(21, 20, ['node', 'a.js']),
      proc(22, 20, ['node', 'b.js']),
      proc(23, 21, ['node', 'a-child.js']),
      proc(30, 10, ['sh', '-c', 'node c.js'], false),
      proc(31, 30, ['node', 'c.js']),
      proc(99, 10, ['node', 'dashboard.js']),
    ];
    const { groups, groupOf } = tree(procs, 99);
    expect(groups.get(groupOf.get(21)!)).toMatchObject({
      rootPid: 20,
      rootIsNode: false,
      memberPids: [21, 22, 23],
    });
    expect(groups.get(groupOf.get(31)!)).toMatchObject({ rootPid: 31, memberPids: [31] });
  });

  it('survives a parent loop and missing parents', () => {
    const procs = [
      proc(7, 8, ['node', 'a.js']),
      proc(8, 7, ['node', 'b.js']),
      proc(9, 12345, ['node', 'c.js']),
    ];
    const { groups, groupOf } = tree(procs, 4242);
    expect(groupOf.size).toBe(3);
    expect(groups.get(groupOf.get(9)!)!.memberPids).toEqual([9]);
  });
});

import { describe, expect, it } from 'vitest';
import { ownChildPids, registerOwnChild, selfPidsAmong, type ProcLink } from './self-processes';

const p = (
  pid: number,
  ppid: number,
  argv: string[] = ['node'],
  exe = '/usr/bin/node',
): ProcLink => ({
  pid,
  ppid,
  exe,
  argv,
});

describe('selfPidsAmong', () => {
  // bash 10 -> npm 20 -> sh 30 -> node scripts/start.js 40 -> dashboard 50
  //   dashboard 50 -> analysis child 60 (ours), demo 70 (a target), fixture 80 (a target)
  const table = [
    p(10, 1, ['bash'], '/bin/bash'),
    p(20, 10, ['npm', 'start']),
    p(30, 20, ['sh', '-c', 'node scripts/start.js'], '/bin/sh'),
    p(40, 30, ['node', 'scripts/start.js']),
    p(50, 40, ['node', 'out/server.js']),
    p(60, 50, ['node', 'child-entry.js']),
    p(70, 50, ['node', '--inspect=127.0.0.1:0', 'demo-service.js']),
    p(80, 50, ['node', 'idle.js']),
    p(90, 1, ['node', 'unrelated.js']),
  ];
  const ctx = {
    selfPid: 50,
    ancestors: [40, 30, 20, 10],
    own: new Set([60]),
    execPath: '/usr/bin/node',
    electron: false,
  };

  it('is the process itself, its ancestors and the children it started for itself', () => {
    expect([...selfPidsAmong(table, ctx)].sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('a registered pid reused by a process that is not our child is not ours', () => {
    const reused = [...table.filter((x) => x.pid !== 60), p(60, 1)];
    expect(selfPidsAmong(reused, ctx).has(60)).toBe(false);
  });

  it('in Electron, the runtime’s helpers below the main process are ours, a Node child is not', () => {
    const electron = '/opt/resdash/resdash';
    const procs = [
      p(50, 40, [electron], electron),
      p(51, 50, [electron, '--type=zygote'], electron),
      p(52, 51, [electron, '--type=renderer'], electron),
      p(53, 50, [electron, '--type=gpu-process'], electron),
      p(54, 50, [electron, 'demo-service.js'], electron),
      p(55, 1, [electron, '--type=renderer'], electron),
    ];
    const got = selfPidsAmong(procs, { ...ctx, execPath: electron, electron: true });
    expect([...got].filter((x) => x > 50).sort()).toEqual([51, 52, 53]);
  });

  it('registerOwnChild ignores missing pids and forgets on unregister', () => {
    const off = registerOwnChild(123456);
    expect(ownChildPids().has(123456)).toBe(true);
    off();
    expect(ownChildPids().has(123456)).toBe(false);
    registerOwnChild(undefined)();
    expect(ownChildPids().size).toBe(0);
  });
});

// Process groups against a real cluster (node:cluster, a primary and 3 workers started
// without --inspect): discovery groups them by parent pid; attachGroup attaches all
// four without a restart, each SIGUSR1-opened inspector moved off 9229 to its own free
// port; detach closes every inspector we opened; 20 cycles leave nothing behind; and the
// bad cases (a group that is gone, a member that dies while attached, a member whose
// inspector cannot be moved, a process started with --inspect-port) end clearly.
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/shared/errors';
import type { GroupAttachResult, ProcessList } from '../../src/shared/model';
import {
  findInspectorOf,
  listenersOnPort,
  listeningSocketsOf,
} from '../../src/monitor/discovery/list-processes';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { isAlive, startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';

const monitors: Monitor[] = [];
const pids = new Set<number>();
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
});
afterAll(stopAllFixtures);

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startCluster(args: string[] = []): Promise<{ f: Fixture; workers: number[] }> {
  const f = await startFixture('cluster.js', { inspect: false, args, readyTimeoutMs: 20_000 });
  const line = await f.waitFor(/ready primary=\d+ workers=[\d,]+/);
  const workers = line.split('workers=')[1]!.split(',').map(Number);
  for (const pid of workers) pids.add(pid);
  return { f, workers };
}

function monitor(): Monitor {
  const m = createMonitor({ recording: false });
  monitors.push(m);
  return m;
}

async function groupOf(m: Monitor, pid: number): Promise<{ id: string; list: ProcessList }> {
  const list = await m.listProcesses({});
  const id = list.processes.find((p) => p.pid === pid)?.groupId;
  if (!id) throw new Error(`pid ${pid} has no group`);
  return { id, list };
}

/** Listening ports of each pid (the cluster's shared HTTP port stays with the primary). */
async function listenerPorts(all: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const pid of all)
    out.set(
      pid,
      (await listeningSocketsOf(pid)).map((s) => s.port),
    );
  return out;
}

async function noInspectorLeft(all: number[]): Promise<boolean> {
  for (const pid of all) {
    if ((await findInspectorOf(pid)).state.state !== 'closed') return false;
  }
  return true;
}

function attachedMembers(r: GroupAttachResult) {
  return r.members.filter((x) => x.targetId !== undefined);
}

describe('process groups', () => {
  it('discovery groups a cluster primary and its workers by parent pid', async () => {
    const { f, workers } = await startCluster();
    const m = monitor();
    const { id, list } = await groupOf(m, f.pid);
    const group = list.groups!.find((g) => g.id === id)!;
    expect(group.rootPid).toBe(f.pid);
    expect(group.rootIsNode).toBe(true);
    expect(group.memberPids).toEqual([f.pid, ...workers].sort((a, b) => a - b));
    expect(group.rootCommand).toMatch(/cluster\.js/);
    for (const pid of workers) {
      const p = list.processes.find((x) => x.pid === pid)!;
      expect(p.ppid).toBe(f.pid);
      expect(p.groupId).toBe(id);
      expect(p.rssBytes).toBeGreaterThan(0);
    }
    // The group's RSS is the members' sum; the dashboard (this process) is in no group.
    const sum = group.memberPids.reduce(
      (n, pid) => n + (list.processes.find((x) => x.pid === pid)!.rssBytes ?? 0),
      0,
    );
    expect(group.rssBytes).toBe(sum);
    expect(list.processes.find((p) => p.pid === process.pid)?.groupId).toBeUndefined();
    // CPU needs two listings some time apart.
    await new Promise((r) => setTimeout(r, 300));
    const again = await m.listProcesses({});
    expect(again.processes.find((p) => p.pid === f.pid)!.cpuPercent).not.toBeNull();
  });

  it('attaches all four without a restart, each on its own port, 9229 free; detach leaves no inspector', async () => {
    const { f, workers } = await startCluster();
    const all = [f.pid, ...workers];
    const before = await listenerPorts(all);
    const m = monitor();
    const { id } = await groupOf(m, f.pid);
    const r = await m.attachGroup({ groupId: id, enableInspector: true, intervalMs: 250 });
    expect(r.members.map((x) => x.error ?? null)).toEqual([null, null, null, null]);
    expect(r.members.map((x) => x.pid).sort()).toEqual([...all].sort());
    const ports = r.members.map((x) => x.port!);
    expect(new Set(ports).size).toBe(4);
    expect(ports).not.toContain(9229);
    expect(await listenersOnPort(9229)).toEqual([]);
    for (const x of r.members) {
      expect((await listeningSocketsOf(x.pid)).map((s) => s.port)).toContain(x.port);
    }
    const targets = await m.listTargets({});
    expect(targets).toHaveLength(4);
    for (const t of targets) {
      expect(t).toMatchObject({ status: 'attached', groupId: id, warnings: [] });
    }
    // Every member charts.
    await until('samples from every member', async () => {
      for (const t of targets) {
        if ((await m.getHistory({ targetId: t.id })).length < 2) return false;
      }
      return true;
    });

    const detached = await m.detachGroup({ groupId: id });
    expect(detached.map((t) => t.status)).toEqual(['detached', 'detached', 'detached', 'detached']);
    await until('every inspector we opened to close', () => noInspectorLeft(all));
    expect(await listenerPorts(all)).toEqual(before);
    for (const pid of all) expect(isAlive(pid)).toBe(true);
  });

  it('20 attach-all / detach-all cycles leave nothing behind (and every member alive)', async () => {
    // With worker threads: each cycle also attaches and detaches 8 threads.
    const { f, workers } = await startCluster(['3', '--threads=2']);
    const all = [f.pid, ...workers];
    const before = await listenerPorts(all);
    const m = monitor();
    const { id } = await groupOf(m, f.pid);
    const ownHandles = process.getActiveResourcesInfo().length;
    for (let i = 0; i < 20; i++) {
      const r = await m.attachGroup({ groupId: id, enableInspector: true });
      expect(attachedMembers(r)).toHaveLength(4);
      await m.detachGroup({ groupId: id });
      await until(`cycle ${i}: inspectors closed`, () => noInspectorLeft(all));
      // A detach that closed its socket while the target closed it too crashed the
      // target (SIGSEGV in Node's inspector thread): connect.ts closeInspector.
      expect(all.filter((pid) => !isAlive(pid))).toEqual([]);
    }
    expect(await listenerPorts(all)).toEqual(before);
    expect(await listenersOnPort(9229)).toEqual([]);
    expect((await m.listTargets({})).every((t) => t.status === 'detached')).toBe(true);
    await until(
      'the dashboard’s own handles back at baseline',
      async () => process.getActiveResourcesInfo().length <= ownHandles + 2,
    );
    // The targets carry nothing of ours: attach once more and look for the probe key
    // of an earlier attach (a fresh probe replaces a leftover one and says so).
    const t = await m.attach({ pid: f.pid, enableInspector: true });
    expect(t.warnings).toEqual([]);
    await m.detach({ targetId: t.id });
    await until('the last inspector to close', () => noInspectorLeft(all)).catch(async (e) => {
      console.log(await listenerPorts(all), f.output().slice(-3000));
      throw e;
    });
  }, 180_000);

  it('a group that is gone is GROUP_NOT_FOUND; a malformed id is BAD_ARGUMENT', async () => {
    const { f, workers } = await startCluster(['1']);
    const m = monitor();
    const { id } = await groupOf(m, f.pid);
    await f.stop();
    await until('the cluster to exit', async () => !isAlive(workers[0]!));
    await expect(m.attachGroup({ groupId: id, enableInspector: true })).rejects.toMatchObject({
      code: ErrorCodes.GROUP_NOT_FOUND,
    });
    await expect(m.detachGroup({ groupId: id })).rejects.toMatchObject({
      code: ErrorCodes.GROUP_NOT_FOUND,
    });
    await expect(m.attachGroup({ groupId: '../x' })).rejects.toMatchObject({
      code: ErrorCodes.BAD_ARGUMENT,
    });
  });

  it('a member that dies while it is being attached has one clear error; the others attach', async () => {
    // Worker 1 exits on SIGUSR1.
    const { f, workers } = await startCluster(['--fragile=1']);
    const m = monitor();
    const { id } = await groupOf(m, f.pid);
    const r = await m.attachGroup({ groupId: id, enableInspector: true });
    const dead = r.members.find((x) => x.pid === workers[0])!;
    expect(dead.error).toMatchObject({ code: ErrorCodes.NO_SUCH_PROCESS });
    expect(dead.error!.message).toMatch(new RegExp(`PID ${workers[0]}`));
    expect(dead.targetId).toBeUndefined();
    expect(
      attachedMembers(r)
        .map((x) => x.pid)
        .sort(),
    ).toEqual([f.pid, workers[1]!, workers[2]!].sort());
  });

  it('a member whose inspector cannot be moved stays attached on 9229; the others are told who holds it', async () => {
    // Worker 1's node:inspector open(0) throws.
    const { f, workers } = await startCluster(['--stuck=1']);
    const m = monitor();
    const { id } = await groupOf(m, f.pid);
    const r = await m.attachGroup({ groupId: id, enableInspector: true });
    const stuck = r.members.find((x) => x.pid === workers[0])!;
    expect(stuck.port).toBe(9229);
    const target = (await m.listTargets({})).find((t) => t.id === stuck.targetId)!;
    expect(target.status).toBe('attached');
    expect(target.warnings.join(' ')).toMatch(/stays on port 9229/);
    for (const other of r.members.filter((x) => x.pid !== workers[0])) {
      expect(other.error).toMatchObject({ code: ErrorCodes.PORT_TAKEN });
      expect(other.error!.message).toMatch(new RegExp(`PID ${workers[0]}\\b`));
    }
    await m.detachGroup({ groupId: id });
    await until('9229 to be free again', async () => (await listenersOnPort(9229)).length === 0);
    expect(await noInspectorLeft([f.pid, ...workers])).toBe(true);
  });

  it('a process started with --inspect-port keeps its own port', async () => {
    const port = await freePort();
    const f = await startFixture('idle.js', {
      inspect: false,
      nodeArgs: [`--inspect-port=${port}`],
    });
    const m = monitor();
    const t = await m.attach({ pid: f.pid, enableInspector: true });
    expect(t.port).toBe(port);
    await m.detach({ targetId: t.id });
    await until('its inspector to close', () => noInspectorLeft([f.pid]));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

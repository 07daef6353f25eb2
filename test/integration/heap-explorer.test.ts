// The heap explorer on a real heap: a fixture plants exactly N instances of a class, its
// snapshot is written over the inspector and opened through the core service (the
// snapshot stays open in its analysis process). The dominator tree must agree with our
// in-process analysis and, where MemLab is installed, with MemLab's getFullHeapFromFile;
// the planted class's instance count must be exact. Then the stable errors (unknown node,
// closed, deleted, process died), the two-open limit with LRU, no process left once
// none is open, and the analysis process's RSS over 1,000 queries.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import { connectToTarget, type ConnectedTarget } from '../../src/monitor/inspector/connect';
import { loadGraph } from '../../src/monitor/snapshots/analysis/analyze';
import type { HeapGraph } from '../../src/monitor/snapshots/analysis/graph';
import { ErrorCodes, MonitorError } from '../../src/shared/errors';
import type { ExplorerNode, ExplorerSessionInfo } from '../../src/shared/snapshot-model';
import { startFixture, stopAllFixtures, type Fixture } from '../fixtures/harness';
import { expectOneFailureLine, resdash, stopAllResdash } from './resdash-cli';

const CLASS = 'ResdashPlantedWidget';
const N = 37;
const dir = mkdtempSync(path.join(os.tmpdir(), 'resdash-explorer-it-'));
const memlabDir = process.env.MEMLAB_DIR ?? '/tmp/memlab';
const haveMemlab = existsSync(path.join(memlabDir, 'node_modules/@memlab/heap-analysis'));
let fixture: Fixture;
let target: ConnectedTarget;
let monitor: Monitor;
let file: string;
let snapshotId: string;
let session: ExplorerSessionInfo;
let graph: HeapGraph;

async function writeSnapshot(t: ConnectedTarget, out: string): Promise<string> {
  const expression = `process.getBuiltinModule('node:v8').writeHeapSnapshot(${JSON.stringify(out)})`;
  const res = await t.client.send(
    'Runtime.evaluate',
    { expression, returnByValue: true },
    { timeoutMs: 0 },
  );
  return res.result.value as string;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MonitorError);
    return (err as MonitorError).code;
  }
  return 'no error';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

async function until(ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const retainedOf = (g: HeapGraph, id: number): number => {
  const n = g.raw.nodeId.indexOf(id);
  return g.retainedPre[g.nodeToPre[n]!]!;
};

beforeAll(async () => {
  fixture = await startFixture('planted-widgets.js');
  await fixture.waitFor(/ready/);
  target = await connectToTarget({ port: fixture.port! });
  fixture.command(`plant ${N}`);
  await fixture.waitFor(new RegExp(`planted ${N}\\b`));
  file = await writeSnapshot(target, path.join(dir, 'planted.heapsnapshot'));
  monitor = createMonitor({ dataDir: path.join(dir, 'data') });
  snapshotId = (await monitor.importSnapshot({ path: file })).id;
  session = await monitor.openSnapshotExplorer({ snapshotId });
  // Our existing analysis, in this process and on one thread.
  graph = (await loadGraph(file, () => undefined, { worker: null })).graph;
});

/** Every analysis process a test saw: ended by pid at the end, whatever happened. */
const seenPids = new Set<number>();

afterAll(async () => {
  await monitor?.dispose();
  if (session) seenPids.add(session.pid);
  for (const pid of seenPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  target?.client.close();
  await stopAllFixtures();
  rmSync(dir, { recursive: true, force: true });
});

/** The dominator tree from the root down to `depth` levels, `width` children each. */
async function topOfTree(depth: number, width: number): Promise<ExplorerNode[]> {
  const out: ExplorerNode[] = [];
  let level: (number | undefined)[] = [undefined];
  for (let d = 0; d < depth; d++) {
    const next: number[] = [];
    for (const id of level) {
      const pg = await monitor.explorerChildren({
        sessionId: session.sessionId,
        ...(id !== undefined ? { nodeId: id } : {}),
        limit: width,
      });
      out.push(...pg.rows);
      next.push(...pg.rows.map((r) => r.nodeId));
    }
    level = next;
  }
  return out;
}

describe('heap explorer on a real snapshot (analysis process kept open)', () => {
  it('opens once and agrees with the in-process analysis on the top of the dominator tree', async () => {
    expect(session.pid).toBeGreaterThan(0);
    expect(alive(session.pid)).toBe(true);
    expect(session.nodeCount).toBe(graph.raw.nodeCount);
    expect(session.reachableCount).toBe(graph.reachableCount);
    expect(session.totalBytes).toBe(graph.retainedPre[0]);
    const top = await topOfTree(3, 8);
    expect(top.length).toBeGreaterThan(10);
    for (const n of top) expect(n.retainedBytes, `@${n.nodeId}`).toBe(retainedOf(graph, n.nodeId));
    // Biggest first at every level.
    const root = await monitor.explorerChildren({ sessionId: session.sessionId });
    const sizes = root.rows.map((r) => r.retainedBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // The summary that came with it is the one analyzeSnapshot gives.
    const analysis = await monitor.analyzeSnapshot({ snapshotId, top: 50 });
    expect(session.summary.constructors).toEqual(analysis.summary.constructors);
  });

  it('counts the planted instances exactly; each opens its retainers up to the root', async () => {
    const inst = await monitor.explorerInstances({
      sessionId: session.sessionId,
      className: CLASS,
    });
    expect(inst.total).toBe(N);
    expect(inst.rows).toHaveLength(N);
    const one = inst.rows[0]!;
    expect(one.className).toBe(CLASS);
    expect(one.retainedBytes).toBeGreaterThan(one.selfBytes);
    const p = await monitor.explorerPath({ sessionId: session.sessionId, nodeId: one.nodeId });
    expect(p.nodeIds[0]).toBe(session.root.nodeId);
    expect(p.nodeIds.at(-1)).toBe(one.nodeId);
    expect(p.text).toMatch(/Map/);
    // Walk the path back through the retainers query: every hop is a retainer of the next.
    for (let i = p.nodeIds.length - 1; i > 0; i--) {
      const r = await monitor.explorerRetainers({
        sessionId: session.sessionId,
        nodeId: p.nodeIds[i]!,
      });
      expect(r.rows.map((x) => x.node.nodeId)).toContain(p.nodeIds[i - 1]);
    }
    // The path a retainer path (the leak verdict's) names for the class.
    const verdict = await monitor.snapshotRetainerPath({ snapshotId, className: CLASS });
    const byClass = await monitor.explorerPath({ sessionId: session.sessionId, className: CLASS });
    expect(byClass.text).toBe(verdict.text);
    expect(byClass.nodeIds.at(-1)).toBe(verdict.targetNodeId);
  });

  it.skipIf(!haveMemlab)('agrees with MemLab getFullHeapFromFile for the same nodes', async () => {
    const req = createRequire(path.join(memlabDir, 'noop.js'));
    const memlab = req('@memlab/heap-analysis') as {
      getFullHeapFromFile(f: string): Promise<{
        getNodeById(id: number): { retainedSize: number } | null;
      }>;
    };
    const heap = await memlab.getFullHeapFromFile(file);
    const top = await topOfTree(3, 10);
    const inst = await monitor.explorerInstances({
      sessionId: session.sessionId,
      className: CLASS,
    });
    const nodes = [...top, ...inst.rows];
    const differ = nodes.filter(
      (n) => heap.getNodeById(n.nodeId)?.retainedSize !== n.retainedBytes,
    );
    for (const n of inst.rows) {
      expect(heap.getNodeById(n.nodeId)?.retainedSize, `@${n.nodeId}`).toBe(n.retainedBytes);
    }
    // MemLab treats a few internal edges specially (README): allow a handful at the top.
    expect(differ.length, JSON.stringify(differ.slice(0, 5))).toBeLessThanOrEqual(
      Math.ceil(nodes.length * 0.05),
    );
  });
  if (!haveMemlab) {
    console.log(
      `MemLab comparison skipped: no @memlab/heap-analysis in ${memlabDir} ` +
        `(PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix ${memlabDir} --ignore-scripts @memlab/heap-analysis).`,
    );
  }

  it('bad input gets one clear error each, with a stable code', async () => {
    const s = session.sessionId;
    expect(await codeOf(monitor.explorerNode({ sessionId: s, nodeId: 4_000_000_001 }))).toBe(
      ErrorCodes.EXPLORER_NODE_NOT_FOUND,
    );
    expect(
      await codeOf(monitor.explorerInstances({ sessionId: s, className: 'NoSuchClass' })),
    ).toBe(ErrorCodes.CLASS_NOT_FOUND);
    expect(await codeOf(monitor.explorerChildren({ sessionId: s, limit: 201 }))).toBe(
      ErrorCodes.BAD_ARGUMENT,
    );
    expect(await codeOf(monitor.explorerChildren({ sessionId: 'not-a-session' }))).toBe(
      ErrorCodes.EXPLORER_CLOSED,
    );
    // The node answers, with a value preview for a string.
    const details = await monitor.explorerNode({ sessionId: s, nodeId: session.root.nodeId });
    expect(details.dominator).toBeNull();
  });

  it('keeps memory flat over 1,000 queries', async () => {
    const s = session.sessionId;
    const inst = await monitor.explorerInstances({ sessionId: s, className: CLASS });
    const ids = [
      ...inst.rows.map((r) => r.nodeId),
      ...(await topOfTree(2, 10)).map((r) => r.nodeId),
    ];
    const browse = async (k: number): Promise<void> => {
      const id = ids[k % ids.length]!;
      switch (k % 4) {
        case 0:
          await monitor.explorerChildren({ sessionId: s, nodeId: id, limit: 200 });
          break;
        case 1:
          await monitor.explorerRetainers({ sessionId: s, nodeId: id, limit: 200 });
          break;
        case 2:
          await monitor.explorerInstances({ sessionId: s, className: CLASS, offset: k % N });
          break;
        default:
          await monitor.explorerNode({ sessionId: s, nodeId: id });
      }
    };
    for (let k = 0; k < 200; k++) await browse(k);
    const before = rssBytes(session.pid);
    for (let k = 0; k < 1000; k++) await browse(k);
    const after = rssBytes(session.pid);
    // A page is a few KB; garbage the next scavenge takes is all that may come and go.
    expect(after - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('at most two open; the least recently used closes first; none open, no process', async () => {
    // The same snapshot again: the same session, no new process.
    const second = await monitor.openSnapshotExplorer({ snapshotId });
    expect(second.sessionId).toBe(session.sessionId);
    const copyA = (await monitor.importSnapshot({ path: file })).id;
    const copyB = (await monitor.importSnapshot({ path: file })).id;
    const a = await monitor.openSnapshotExplorer({ snapshotId: copyA });
    seenPids.add(a.pid);
    // Use the first one again: now `a` is the least recently used.
    await monitor.explorerChildren({ sessionId: session.sessionId });
    const b = await monitor.openSnapshotExplorer({ snapshotId: copyB });
    seenPids.add(b.pid);
    expect(await codeOf(monitor.explorerChildren({ sessionId: a.sessionId }))).toBe(
      ErrorCodes.EXPLORER_CLOSED,
    );
    await until(() => !alive(a.pid));
    expect(alive(session.pid)).toBe(true);
    expect(alive(b.pid)).toBe(true);

    // Deleted from the library while open.
    await monitor.deleteSnapshot({ snapshotId: copyB });
    expect(await codeOf(monitor.explorerChildren({ sessionId: b.sessionId }))).toBe(
      ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
    );
    expect(await codeOf(monitor.explorerChildren({ sessionId: b.sessionId }))).toBe(
      ErrorCodes.EXPLORER_SNAPSHOT_DELETED,
    );
    await until(() => !alive(b.pid));

    // Its process died.
    process.kill(session.pid, 'SIGKILL');
    await until(async () => {
      const code = await codeOf(monitor.explorerChildren({ sessionId: session.sessionId }));
      return code === ErrorCodes.EXPLORER_PROCESS_DIED;
    });

    // Reopen, close: no analysis process is left.
    const again = await monitor.openSnapshotExplorer({ snapshotId });
    seenPids.add(again.pid);
    expect(again.sessionId).not.toBe(session.sessionId);
    expect(alive(again.pid)).toBe(true);
    expect(await monitor.closeSnapshotExplorer({ sessionId: again.sessionId })).toEqual({
      closed: true,
    });
    expect(await codeOf(monitor.explorerNode({ sessionId: again.sessionId, nodeId: 1 }))).toBe(
      ErrorCodes.EXPLORER_CLOSED,
    );
    await until(() => !alive(again.pid));
  });
});

describe('resdash analyze --dominators / --retainers / --instances', () => {
  afterAll(() => stopAllResdash());

  it('prints the dominator tree, one object’s retainers and a class’s instances, also as JSON', async () => {
    const dom = await resdash(['analyze', file, '--dominators', '--depth', '2', '--top', '3']);
    expect(dom.code, dom.stderr).toBe(0);
    expect(dom.stdout).toMatch(/RETAINED\s+SHARE\s+SELF\s+OBJECT/);
    expect(dom.stdout).toMatch(/100\.0%.*@1\b/);
    expect(dom.stdout).toMatch(/\(\d+ more\)/);

    const inst = await resdash(['analyze', file, '--instances', CLASS, '--top', '5', '--json']);
    expect(inst.code, inst.stderr).toBe(0);
    const ij = JSON.parse(inst.stdout) as { total: number; rows: ExplorerNode[] };
    expect(ij.total).toBe(N);
    expect(ij.rows).toHaveLength(5);
    expect(ij.rows.map((r) => r.retainedBytes)).toEqual(
      [...ij.rows.map((r) => r.retainedBytes)].sort((a, b) => b - a),
    );
    const id = ij.rows[0]!.nodeId;
    expect(ij.rows[0]!.retainedBytes).toBe(retainedOf(graph, id));

    const ret = await resdash(['analyze', file, '--retainers', `@${id}`, '--depth', '6']);
    expect(ret.code, ret.stderr).toBe(0);
    expect(ret.stdout).toContain(`${CLASS} @${id}`);
    expect(ret.stdout).toMatch(/<- .+ of Map @\d+/);
    expect(ret.stdout).toMatch(
      new RegExp(`Shortest path from the root: .*Map\\.table.* -> ${CLASS}`),
    );
    const rj = JSON.parse(
      (await resdash(['analyze', file, '--retainers', String(id), '--json'])).stdout,
    ) as { node: ExplorerNode; path: { nodeIds: number[] } };
    expect(rj.node.nodeId).toBe(id);
    expect(rj.path.nodeIds.at(-1)).toBe(id);

    const help = await resdash(['analyze', '--help']);
    expect(help.stdout).toMatch(/--dominators[\s\S]*--retainers ID[\s\S]*--instances CLASS/);
    const bad = await resdash(['analyze', file, '--retainers', '123456789']);
    expect(bad.code).toBe(1);
    expect(expectOneFailureLine(bad)).toBe(ErrorCodes.EXPLORER_NODE_NOT_FOUND);
    const both = await resdash(['analyze', file, '--dominators', '--instances', CLASS]);
    expect(expectOneFailureLine(both)).toBe(ErrorCodes.BAD_ARGUMENT);
  });
});

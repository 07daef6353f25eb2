import { describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../../shared/errors';
import type { SnapshotRecord } from '../../../shared/heap-tools-model';
import type {
  AnalysisProgressEvent,
  SnapshotAnalysis,
  SnapshotDiff,
} from '../../../shared/snapshot-model';
import { AnalysisRequests } from './requests';
import type { analyzeSnapshotFile, diffSnapshotFiles } from './run-analysis';

const record: SnapshotRecord = {
  id: 'snap-1',
  fileName: 'snap-1.heapsnapshot',
  path: '/lib/snap-1.heapsnapshot',
  source: 'captured',
  createdAtMs: 1,
  sizeBytes: 10,
  heapUsedBytes: null,
  pid: 4242,
  title: 'svc',
  durationMs: 5,
};

function setup() {
  const calls: { kind: string; args: unknown[] }[] = [];
  const events: AnalysisProgressEvent[] = [];
  const analyze = (async (...args: Parameters<typeof analyzeSnapshotFile>) => {
    calls.push({ kind: 'analyze', args });
    args[2]?.onProgress?.({ phase: 'parse', fraction: 1 });
    return { summary: { nodeCount: 1 } } as unknown as SnapshotAnalysis;
  }) as typeof analyzeSnapshotFile;
  const diff = (async (...args: Parameters<typeof diffSnapshotFiles>) => {
    calls.push({ kind: 'diff', args });
    return {} as SnapshotDiff;
  }) as typeof diffSnapshotFiles;
  const r = new AnalysisRequests({
    getSnapshot: async (id) => {
      if (id !== 'snap-1') throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'no such snapshot');
      return record;
    },
    emit: (e) => events.push(e),
    run: { analyze, diff },
  });
  return { r, calls, events };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as MonitorError).code;
  }
  return 'resolved';
}

describe('analysis requests', () => {
  it('resolves library ids to their file, pid and title; emits progress; caches', async () => {
    const { r, calls, events } = setup();
    await r.analyzeSnapshot({ snapshotId: 'snap-1', top: 5 });
    await r.analyzeSnapshot({ snapshotId: 'snap-1', top: 5 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0]).toBe(record.path);
    expect(calls[0]!.args[1]).toEqual({ top: 5, pid: 4242, title: 'svc' });
    expect(events).toEqual([
      { subject: 'snap-1', kind: 'analyze', progress: { phase: 'parse', fraction: 1 } },
    ]);
  });

  it('passes both pids to a diff so different processes are refused (F22)', async () => {
    const { r, calls } = setup();
    await r.diffSnapshots({
      before: { snapshotId: 'snap-1' },
      after: { path: '/tmp/b.heapsnapshot' },
      force: true,
    });
    expect(calls[0]!.args.slice(0, 3)).toEqual([
      record.path,
      '/tmp/b.heapsnapshot',
      { beforePid: 4242, force: true },
    ]);
  });

  it('rejects bad arguments with BAD_ARGUMENT', async () => {
    const { r } = setup();
    const bad = ErrorCodes.BAD_ARGUMENT;
    expect(await codeOf(r.analyzeSnapshot(null as never))).toBe(bad);
    expect(await codeOf(r.analyzeSnapshot({} as never))).toBe(bad);
    expect(await codeOf(r.analyzeSnapshot({ snapshotId: 'snap-1', path: '/x' } as never))).toBe(
      bad,
    );
    expect(await codeOf(r.analyzeSnapshot({ path: '' }))).toBe(bad);
    expect(await codeOf(r.analyzeSnapshot({ path: '/x', top: 0 }))).toBe(bad);
    expect(await codeOf(r.analyzeSnapshot({ path: '/x', top: 1.5 }))).toBe(bad);
    expect(await codeOf(r.snapshotRetainerPath({ path: '/x', className: '' }))).toBe(bad);
    expect(await codeOf(r.diffSnapshots({ before: { path: '/a' }, after: 5 as never }))).toBe(bad);
    expect(
      await codeOf(
        r.diffSnapshots({ before: { path: '/a' }, after: { path: '/b' }, force: 'y' as never }),
      ),
    ).toBe(bad);
  });
});

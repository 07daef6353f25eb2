// The heap tools' part of the client layer: user intents (force GC, snapshot, library,
// allocation sampling) become requests; answers and pushed events become store
// actions. commands.ts hands it the connection; components call these functions.
import type { MonitorApi } from '../../../shared/contract';
import { ErrorCodes, MonitorError, serializeError } from '../../../shared/errors';
import type { TargetId } from '../../../shared/model';
import { actions } from '../../store/actions';
import { heapToolsActions } from '../../store/heap-tools-actions';

let monitor: MonitorApi | null = null;

function api(): MonitorApi {
  if (!monitor) {
    throw new MonitorError(
      ErrorCodes.DISCONNECTED,
      'The dashboard is not connected to the monitor.',
    );
  }
  return monitor;
}

/** The connection the heap tools use; the heap explorer's requests go through it too. */
export function heapToolsMonitor(): MonitorApi {
  return api();
}

/** Called by startClient: subscribes the heap tools' events; returns the unsubscribe. */
export function connectHeapTools(api: MonitorApi): () => void {
  monitor = api;
  const offProgress = api.on('snapshotProgress', (p) => {
    heapToolsActions.snapshotProgress(p);
    if (p.phase === 'done') void refreshLibrary();
  });
  const offMarker = api.on('marker', (m) => heapToolsActions.markerReceived(m));
  return () => {
    offProgress();
    offMarker();
    monitor = null;
  };
}

/** After a (re)connect: markers of the live targets and the library (F26). */
export async function rehydrateHeapTools(api: MonitorApi, targetIds: TargetId[]): Promise<void> {
  await Promise.all(
    targetIds.map(async (id) => {
      const markers = await api.listMarkers({ targetId: id }).catch(() => null);
      if (markers) heapToolsActions.markersReceived(id, markers);
    }),
  );
  heapToolsActions.libraryReceived(await api.listSnapshots({}));
}

async function guarded<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
  actions.clearError();
  heapToolsActions.setHeapBusy(key, true);
  try {
    return await work();
  } catch (err) {
    actions.showError(err);
    return undefined;
  } finally {
    heapToolsActions.setHeapBusy(key, false);
  }
}

export async function forceGc(targetId: TargetId): Promise<void> {
  const r = await guarded(`gc:${targetId}`, () => api().collectGarbage({ targetId }));
  if (r) heapToolsActions.gcDone(r);
}

/**
 * Without confirm, a capture that may not fit asks the user first (F14). Exact progress
 * asks V8 to count the heap's objects first: the bar is exact, the target's pause longer.
 */
export async function takeSnapshot(
  targetId: TargetId,
  confirm = false,
  exactProgress = false,
): Promise<void> {
  heapToolsActions.clearSnapshotConfirm();
  actions.clearError();
  heapToolsActions.setHeapBusy(`snapshot:${targetId}`, true);
  try {
    await api().takeHeapSnapshot({ targetId, confirm, exactProgress });
    await refreshLibrary();
  } catch (err) {
    const e = serializeError(err);
    if (e.code === ErrorCodes.CONFIRM_REQUIRED)
      heapToolsActions.askSnapshotConfirm(targetId, e.message);
    else if (e.code !== ErrorCodes.SNAPSHOT_CANCELLED) actions.showError(e);
  } finally {
    heapToolsActions.setHeapBusy(`snapshot:${targetId}`, false);
  }
}

export async function cancelSnapshot(targetId: TargetId): Promise<void> {
  await guarded(`cancel:${targetId}`, () => api().cancelHeapSnapshot({ targetId }));
}

export function dismissSnapshotConfirm(): void {
  heapToolsActions.clearSnapshotConfirm();
}

export async function refreshLibrary(): Promise<void> {
  const lib = await guarded('library', () => api().listSnapshots({}));
  if (lib) heapToolsActions.libraryReceived(lib);
}

/** The library folder (or one snapshot in it) in the system's file manager. */
export async function showSnapshotFolder(snapshotId?: string): Promise<void> {
  await guarded(`show:${snapshotId ?? 'library'}`, () =>
    api().showSnapshotFolder(snapshotId === undefined ? {} : { snapshotId }),
  );
}

export async function deleteSnapshot(snapshotId: string): Promise<void> {
  await guarded(`delete:${snapshotId}`, () => api().deleteSnapshot({ snapshotId }));
  heapToolsActions.snapshotDeleted(snapshotId);
  await refreshLibrary();
}

export async function importSnapshot(path: string): Promise<void> {
  const trimmed = path.trim();
  if (!trimmed) {
    actions.showError(
      new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Give the path of a .heapsnapshot file.'),
    );
    return;
  }
  const rec = await guarded('import', () => api().importSnapshot({ path: trimmed }));
  if (rec) await refreshLibrary();
}

export async function startAllocations(targetId: TargetId): Promise<void> {
  const state = await guarded(`alloc:${targetId}`, () =>
    api().startAllocationSampling({ targetId }),
  );
  if (state)
    heapToolsActions.allocations(targetId, {
      running: true,
      startedAtMs: state.startedAtMs,
      profile: null,
    });
}

export async function stopAllocations(targetId: TargetId): Promise<void> {
  const profile = await guarded(`alloc:${targetId}`, () =>
    api().stopAllocationSampling({ targetId, top: 10 }),
  );
  if (profile)
    heapToolsActions.allocations(targetId, { running: false, startedAtMs: null, profile });
  // A refused stop (not running any more) also means the view must say "stopped".
  else heapToolsActions.allocations(targetId, { running: false, startedAtMs: null, profile: null });
}

/** Summary by class, computed in the core's analysis child process. */
export async function analyzeSnapshot(snapshotId: string): Promise<void> {
  const analysis = await guarded('analyze', () => api().analyzeSnapshot({ snapshotId, top: 30 }));
  if (analysis) heapToolsActions.analysisReceived(snapshotId, analysis);
}

export async function diffSnapshots(beforeId: string, afterId: string): Promise<void> {
  if (beforeId === afterId) {
    actions.showError(
      new MonitorError(ErrorCodes.BAD_ARGUMENT, 'Pick two different snapshots to diff.'),
    );
    return;
  }
  const diff = await guarded('diff', () =>
    api().diffSnapshots({
      before: { snapshotId: beforeId },
      after: { snapshotId: afterId },
      top: 30,
    }),
  );
  if (diff) heapToolsActions.diffReceived(beforeId, afterId, diff);
}

/** Same size as the core's limit per piece (512 KB): a bridge frame stays under 1 MB. */
const UPLOAD_PIECE_BYTES = 512 * 1024;

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Drag and drop: the page cannot know a dropped file's path, so it sends the bytes. */
export async function uploadSnapshotFile(
  file: Blob & { name: string },
  onProgress: (fraction: number) => void,
): Promise<void> {
  await guarded('import', async () => {
    const { uploadId } = await api().uploadSnapshotBegin({
      fileName: file.name,
      sizeBytes: file.size,
    });
    try {
      for (let offset = 0; offset < file.size; offset += UPLOAD_PIECE_BYTES) {
        const piece = new Uint8Array(
          await file.slice(offset, offset + UPLOAD_PIECE_BYTES).arrayBuffer(),
        );
        await api().uploadSnapshotChunk({ uploadId, offset, dataBase64: toBase64(piece) });
        onProgress(Math.min(1, (offset + piece.length) / file.size));
      }
      await api().uploadSnapshotFinish({ uploadId });
    } catch (err) {
      await api()
        .uploadSnapshotAbort({ uploadId })
        .catch(() => undefined);
      throw err;
    }
  });
  await refreshLibrary();
}

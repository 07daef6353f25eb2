// Request handlers for the heap tools: argument validation (arguments arrive from IPC
// and the WebSocket bridge) and the monitor-wide snapshot library. Per-target work is
// done by the session's HeapToolsFeature.
import type { RequestArgs, RequestResult } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { SnapshotLibrary, defaultDataDir } from '../snapshots/library';
import { showInFolderWithOpener, type ShowInFolder } from '../snapshots/show-in-folder';
import { SnapshotUploads } from '../snapshots/upload';
import type { HeapToolsFeature } from './heap-tools-feature';

const MAX_TOP = 100;
const MIN_SAMPLING_INTERVAL_BYTES = 1024;
const MAX_SAMPLING_INTERVAL_BYTES = 16 * 1024 * 1024;

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function obj(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw bad('Arguments must be an object.');
  return args as Record<string, unknown>;
}

export class HeapToolsRequests {
  readonly library: SnapshotLibrary;
  readonly #uploads: SnapshotUploads;

  constructor(
    dataDir: string | undefined,
    /** The live session's feature; throws NOT_ATTACHED for a detached or unknown target. */
    private readonly feature: (targetId: unknown) => HeapToolsFeature,
    private readonly showInFolder: ShowInFolder = showInFolderWithOpener,
  ) {
    this.library = new SnapshotLibrary(dataDir ?? defaultDataDir());
    this.#uploads = new SnapshotUploads(this.library);
  }

  async collectGarbage(
    args: RequestArgs<'collectGarbage'>,
  ): Promise<RequestResult<'collectGarbage'>> {
    return this.feature(obj(args).targetId).collectGarbage();
  }

  async listMarkers(args: RequestArgs<'listMarkers'>): Promise<RequestResult<'listMarkers'>> {
    return this.feature(obj(args).targetId).markers();
  }

  async estimate(
    args: RequestArgs<'estimateHeapSnapshot'>,
  ): Promise<RequestResult<'estimateHeapSnapshot'>> {
    return this.feature(obj(args).targetId).estimate(this.library);
  }

  async takeSnapshot(
    args: RequestArgs<'takeHeapSnapshot'>,
  ): Promise<RequestResult<'takeHeapSnapshot'>> {
    const a = obj(args);
    if (a.confirm !== undefined && typeof a.confirm !== 'boolean') {
      throw bad('confirm must be true or false.');
    }
    if (a.exactProgress !== undefined && typeof a.exactProgress !== 'boolean') {
      throw bad('exactProgress must be true or false.');
    }
    return this.feature(a.targetId).takeSnapshot(
      this.library,
      a.confirm === true,
      a.exactProgress === true,
    );
  }

  async cancel(
    args: RequestArgs<'cancelHeapSnapshot'>,
  ): Promise<RequestResult<'cancelHeapSnapshot'>> {
    return { cancelled: this.feature(obj(args).targetId).cancelSnapshot() };
  }

  async listSnapshots(
    _args: RequestArgs<'listSnapshots'>,
  ): Promise<RequestResult<'listSnapshots'>> {
    return { dir: this.library.dir, snapshots: await this.library.list() };
  }

  async deleteSnapshot(
    args: RequestArgs<'deleteSnapshot'>,
  ): Promise<RequestResult<'deleteSnapshot'>> {
    await this.library.remove(obj(args).snapshotId);
    return null;
  }

  async showSnapshotFolder(
    args: RequestArgs<'showSnapshotFolder'>,
  ): Promise<RequestResult<'showSnapshotFolder'>> {
    const { snapshotId } = obj(args);
    if (snapshotId === undefined) {
      const dir = await this.library.ensureDir();
      await this.showInFolder(dir, false);
      return { path: dir };
    }
    const rec = await this.library.get(snapshotId);
    await this.showInFolder(rec.path, true);
    return { path: rec.path };
  }

  async importSnapshot(
    args: RequestArgs<'importSnapshot'>,
  ): Promise<RequestResult<'importSnapshot'>> {
    return this.library.importFile(obj(args).path);
  }

  async startSampling(
    args: RequestArgs<'startAllocationSampling'>,
  ): Promise<RequestResult<'startAllocationSampling'>> {
    const a = obj(args);
    const interval = a.samplingIntervalBytes;
    if (
      interval !== undefined &&
      (typeof interval !== 'number' ||
        !Number.isInteger(interval) ||
        interval < MIN_SAMPLING_INTERVAL_BYTES ||
        interval > MAX_SAMPLING_INTERVAL_BYTES)
    ) {
      throw bad(
        `samplingIntervalBytes must be a whole number between ${MIN_SAMPLING_INTERVAL_BYTES} and ${MAX_SAMPLING_INTERVAL_BYTES}.`,
      );
    }
    return this.feature(a.targetId).startSampling(interval as number | undefined);
  }

  async stopSampling(
    args: RequestArgs<'stopAllocationSampling'>,
  ): Promise<RequestResult<'stopAllocationSampling'>> {
    const a = obj(args);
    if (
      a.top !== undefined &&
      (!Number.isInteger(a.top) || (a.top as number) < 1 || (a.top as number) > MAX_TOP)
    ) {
      throw bad(`top must be a whole number between 1 and ${MAX_TOP}.`);
    }
    return this.feature(a.targetId).stopSampling((a.top as number | undefined) ?? 10);
  }

  async uploadBegin(
    args: RequestArgs<'uploadSnapshotBegin'>,
  ): Promise<RequestResult<'uploadSnapshotBegin'>> {
    const a = obj(args);
    return this.#uploads.begin(a.fileName, a.sizeBytes);
  }

  async uploadChunk(
    args: RequestArgs<'uploadSnapshotChunk'>,
  ): Promise<RequestResult<'uploadSnapshotChunk'>> {
    const a = obj(args);
    return this.#uploads.chunk(a.uploadId, a.offset, a.dataBase64);
  }

  async uploadFinish(
    args: RequestArgs<'uploadSnapshotFinish'>,
  ): Promise<RequestResult<'uploadSnapshotFinish'>> {
    return this.#uploads.finish(obj(args).uploadId);
  }

  async uploadAbort(
    args: RequestArgs<'uploadSnapshotAbort'>,
  ): Promise<RequestResult<'uploadSnapshotAbort'>> {
    return this.#uploads.abort(obj(args).uploadId);
  }

  /** Drops unfinished uploads (their partial files) when the monitor shuts down. */
  async dispose(): Promise<void> {
    await this.#uploads.dispose();
  }
}

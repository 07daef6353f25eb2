// Request handlers for recordings, reports and the Prometheus endpoint. The resource
// manager delegates here with one line per request and gives access to its sessions
// through the small Sessions interface.
import path from 'node:path';
import type { MonitorApi } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { Sample, TargetId, TargetInfo } from '../../shared/model';
import type {
  ExportReportArgs,
  ExportReportResult,
  MetricsStatus,
  RecordedEvent,
} from '../../shared/report-model';
import { MetricsExporter } from '../metrics/metrics-exporter';
import { readRecording, type Recording } from '../recording/reader';
import { buildReport } from './build-report';
import { reportFile } from './report-file';

export interface SessionView {
  info: TargetInfo;
  /** Samples in [fromMs, toMs] at full resolution where history still has it. */
  samples(fromMs?: number, toMs?: number): Sample[];
  /** The session's per-target events (from its recording feature), if any. */
  events(): RecordedEvent[];
}

export interface Sessions {
  /** Throws NOT_ATTACHED / BAD_ARGUMENT like every targetId lookup. */
  get(targetId: unknown): SessionView;
  /** Adds a detached, read-only target whose history is `samples`. */
  addOffline(info: Omit<TargetInfo, 'id'>, samples: readonly Sample[]): TargetInfo;
}

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function obj(args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw bad('Arguments must be an object.');
  return args as Record<string, unknown>;
}

function optTime(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(`${name} must be a finite time in ms.`);
  return v;
}

/** Builds a report straight from a recording file (resdash report --from). */
export async function reportFromRecording(
  file: string,
  options: { fromMs?: number; toMs?: number; format?: 'html' | 'json' } = {},
): Promise<ExportReportResult & { recording: Recording }> {
  const recording = await readRecording(file);
  const data = buildReport({
    target: recording.target,
    samples: recording.samples,
    events: recording.events,
    fromMs: options.fromMs,
    toMs: options.toMs,
    source: { kind: 'recording', path: path.basename(file) },
  });
  return { ...reportFile(data, options.format ?? 'html'), recording };
}

export class ReportRequests {
  readonly #offline = new Map<TargetId, Recording>();
  #exporter: MetricsExporter | null = null;

  constructor(
    private readonly sessions: Sessions,
    private readonly monitor: Pick<MonitorApi, 'listTargets' | 'getHistory' | 'on'>,
  ) {}

  async openRecording(args: { path: string }): Promise<TargetInfo> {
    const p = obj(args).path;
    if (typeof p !== 'string' || p.length === 0 || p.length > 4096 || p.includes('\0')) {
      throw bad('path must name a recording file (.ndjson).');
    }
    const recording = await readRecording(path.resolve(p));
    const last = recording.samples[recording.samples.length - 1];
    const { id: _recordedId, ...rest } = recording.target;
    const info = this.sessions.addOffline(
      {
        ...rest,
        status: 'detached',
        detachedAtMs: recording.endedAtMs ?? last?.timestampMs ?? recording.startedAtMs,
        detachReason: `Opened from the recording ${path.basename(p)} (read-only)${recording.tornTail ? '; its last line was cut off by a crash' : ''}`,
      },
      recording.samples,
    );
    this.#offline.set(info.id, recording);
    return info;
  }

  async exportReport(args: ExportReportArgs): Promise<ExportReportResult> {
    const a = obj(args);
    const fromMs = optTime(a.fromMs, 'fromMs');
    const toMs = optTime(a.toMs, 'toMs');
    if (a.format !== undefined && a.format !== 'html' && a.format !== 'json') {
      throw bad('format must be "html" or "json".');
    }
    const format = (a.format as 'html' | 'json' | undefined) ?? 'html';
    const view = this.sessions.get(a.targetId);
    const recording = this.#offline.get(view.info.id);
    const data = buildReport({
      target: view.info,
      samples: recording ? recording.samples : view.samples(fromMs, toMs),
      events: recording ? recording.events : view.events(),
      fromMs,
      toMs,
      source: recording
        ? { kind: 'recording', path: path.basename(recording.path) }
        : { kind: 'live' },
    });
    return reportFile(data, format);
  }

  async startMetrics(args: { port: number; host?: string }): Promise<MetricsStatus> {
    const a = obj(args);
    this.#exporter ??= new MetricsExporter(this.monitor);
    return this.#exporter.listen((a.host as string | undefined) ?? '127.0.0.1', a.port as number);
  }

  async stopMetrics(_args: Record<string, never>): Promise<MetricsStatus> {
    await this.#exporter?.close();
    return { listening: false, url: null, port: null };
  }

  async metricsStatus(_args: Record<string, never>): Promise<MetricsStatus> {
    return this.#exporter?.status ?? { listening: false, url: null, port: null };
  }

  forget(targetId: TargetId): void {
    this.#offline.delete(targetId);
  }

  async dispose(): Promise<void> {
    this.#offline.clear();
    await this.#exporter?.dispose();
    this.#exporter = null;
  }
}

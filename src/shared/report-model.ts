// Recordings, offline reports and the Prometheus exporter: plain data shared by the
// core, the shells and the renderer. The JSON report schema is documented in README
// "Reports" (reportVersion 1).
import type { Sample, TargetId, TargetInfo } from './model';

/** Any per-target event as recorded (alert, leak, pools, snapshot, …); data is its payload. */
export interface RecordedEvent {
  type: string;
  atMs: number;
  data: unknown;
}

export interface ReportKpis {
  sampleCount: number;
  peakRssBytes: number | null;
  peakHeapUsedBytes: number | null;
  lastHeapUsedBytes: number | null;
  heapLimitBytes: number | null;
  avgCpuPercent: number | null;
  peakCpuPercent: number | null;
  eventLoopDelayP99MaxMs: number | null;
  gcCount: number;
  gcTotalMs: number;
  /** Mean pause per GC. */
  gcAvgMs: number | null;
  /** Share of wall time spent in GC pauses, 0..1. */
  gcTimeRatio: number | null;
  lateSamples: number;
  /** Samples marked as paused by the dashboard's own snapshot, GC or allocation sampling. */
  ownPauseSamples: number;
}

export interface ReportRecommendation {
  severity: 'info' | 'warning' | 'critical';
  text: string;
  /** The dashboard's rule it comes from (or overlaps), e.g. 'pool-saturated'. */
  rule?: string;
}

export interface ReportData {
  reportVersion: 1;
  generatedAtMs: number;
  source: { kind: 'live' | 'recording'; path?: string };
  target: TargetInfo;
  range: { fromMs: number; toMs: number };
  kpis: ReportKpis;
  /** Samples in the range, downsampled (LTTB) to at most maxPoints. */
  samples: Sample[];
  /** Every per-target event in the range, grouped by type (alert, leak, pools, snapshot…). */
  events: Record<string, RecordedEvent[]>;
  recommendations: ReportRecommendation[];
}

export interface ExportReportArgs {
  targetId: TargetId;
  fromMs?: number;
  toMs?: number;
  format?: 'html' | 'json';
}

export interface ExportReportResult {
  /** Suggested file name, e.g. resdash-report-server.js-2026-01-01T10-00-00.html. */
  fileName: string;
  mimeType: string;
  /** The whole file: self-contained HTML or JSON text. */
  content: string;
}

export interface MetricsStatus {
  listening: boolean;
  /** http://127.0.0.1:PORT/metrics while listening. */
  url: string | null;
  port: number | null;
}

// Reads a recording back, tolerating what a crash leaves behind (F28): a torn last
// line (the process died mid-append) is ignored, a corrupt line elsewhere is skipped
// and counted, and a missing or foreign header is one clear error. A rotated
// predecessor (NAME.prev.ndjson) is read first when it belongs to the same target.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { GC_KINDS, type Sample, type TargetInfo } from '../../shared/model';
import type { RecordedEvent } from '../../shared/report-model';
import { RECORDING_FORMAT, RECORDING_VERSION, type HeaderLine } from './format';
import { previousPartPath } from './writer';

/** Larger files are refused rather than read into memory. */
export const MAX_RECORDING_BYTES = 1024 * 1024 * 1024;
const MAX_LINE_CHARS = 16 * 1024 * 1024;

export interface Recording {
  path: string;
  target: TargetInfo;
  startedAtMs: number;
  samples: Sample[];
  events: RecordedEvent[];
  /** Set when the recorder stopped cleanly (an `end` line). */
  endedAtMs: number | null;
  endReason: string | null;
  /** True when the last line was cut off (the recorder died mid-write). */
  tornTail: boolean;
  /** Unreadable lines skipped before the last one. */
  skippedLines: number;
}

function invalid(path: string, why: string): MonitorError {
  return new MonitorError(
    ErrorCodes.RECORDING_INVALID,
    `${path} is not a readable resdash recording: ${why}.`,
  );
}

const SAMPLE_NUMBER_FIELDS = [
  'cpuPercent',
  'rssBytes',
  'heapUsedBytes',
  'heapTotalBytes',
  'heapLimitBytes',
  'externalBytes',
  'arrayBuffersBytes',
  'eventLoopDelayP50Ms',
  'eventLoopDelayP99Ms',
  'eventLoopDelayMaxMs',
  'eventLoopUtilization',
  'openFds',
  'threads',
] as const;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A sample line made safe: unknown fields dropped, wrong types become null (a gap). */
export function toSample(o: Record<string, unknown>): Sample | null {
  const timestampMs = num(o.timestampMs);
  if (timestampMs === null) return null;
  const s: Record<string, unknown> = { timestampMs, late: o.late === true };
  for (const k of SAMPLE_NUMBER_FIELDS) s[k] = num(o[k]);
  let gc: Sample['gc'] = null;
  if (o.gc && typeof o.gc === 'object') {
    const g = o.gc as Record<string, unknown>;
    gc = {} as NonNullable<Sample['gc']>;
    for (const kind of GC_KINDS) {
      const k = (g[kind] ?? {}) as Record<string, unknown>;
      gc[kind] = {
        count: num(k.count) ?? 0,
        totalMs: num(k.totalMs) ?? 0,
        maxMs: num(k.maxMs) ?? 0,
      };
    }
  }
  s.gc = gc;
  let res: Record<string, number> | null = null;
  if (o.activeResources && typeof o.activeResources === 'object') {
    res = {};
    for (const [k, v] of Object.entries(o.activeResources as Record<string, unknown>)) {
      const n = num(v);
      if (n !== null) res[k] = n;
    }
  }
  s.activeResources = res;
  return s as unknown as Sample;
}

function toTarget(o: unknown): TargetInfo | null {
  if (!o || typeof o !== 'object') return null;
  const t = o as Record<string, unknown>;
  if (typeof t.id !== 'string' || typeof t.title !== 'string') return null;
  const info: TargetInfo = {
    id: t.id,
    pid: num(t.pid),
    title: t.title,
    command: typeof t.command === 'string' ? t.command : '',
    port: num(t.port) ?? 0,
    status: 'detached',
    attachedAtMs: num(t.attachedAtMs) ?? 0,
    intervalMs: num(t.intervalMs) ?? 1000,
    warnings: Array.isArray(t.warnings)
      ? t.warnings.filter((w): w is string => typeof w === 'string')
      : [],
  };
  if (typeof t.nodeVersion === 'string') info.nodeVersion = t.nodeVersion;
  return info;
}

interface Part {
  header: HeaderLine;
  samples: Sample[];
  events: RecordedEvent[];
  end: { atMs: number; reason: string } | null;
  torn: boolean;
  skipped: number;
}

async function readPart(path: string): Promise<Part> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw invalid(path, 'it is not a file');
    size = st.size;
  } catch (err) {
    if (err instanceof MonitorError) throw err;
    throw new MonitorError(
      ErrorCodes.RECORDING_INVALID,
      `Cannot read recording ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      { cause: err },
    );
  }
  if (size > MAX_RECORDING_BYTES)
    throw invalid(path, `it is larger than ${MAX_RECORDING_BYTES} bytes`);
  if (size === 0) throw invalid(path, 'the file is empty');
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let header: HeaderLine | null = null;
  const samples: Sample[] = [];
  const events: RecordedEvent[] = [];
  let end: Part['end'] = null;
  let skipped = 0;
  let lastBad = false;
  for await (const line of lines) {
    if (line.length === 0) continue;
    let o: Record<string, unknown> | null = null;
    if (line.length <= MAX_LINE_CHARS) {
      try {
        const v: unknown = JSON.parse(line);
        if (v && typeof v === 'object' && !Array.isArray(v)) o = v as Record<string, unknown>;
      } catch {
        o = null;
      }
    }
    if (lastBad) skipped++; // the previous bad line was not the last one
    lastBad = false;
    if (!o || typeof o.type !== 'string') {
      if (!header) {
        lines.close();
        throw invalid(path, 'the first line is not a recording header');
      }
      lastBad = true;
      continue;
    }
    if (!header) {
      if (o.type !== 'header' || o.format !== RECORDING_FORMAT) {
        lines.close();
        throw invalid(path, 'the first line is not a recording header');
      }
      if (typeof o.version !== 'number' || o.version > RECORDING_VERSION) {
        lines.close();
        throw invalid(path, `format version ${String(o.version)} is newer than this resdash reads`);
      }
      const target = toTarget(o.target);
      if (!target) throw invalid(path, 'the header names no target');
      header = { ...(o as unknown as HeaderLine), target };
      continue;
    }
    if (o.type === 'sample') {
      const s = toSample(o);
      if (s) samples.push(s);
      else lastBad = true;
    } else if (o.type === 'end') {
      end = { atMs: num(o.atMs) ?? 0, reason: typeof o.reason === 'string' ? o.reason : '' };
    } else if (o.type !== 'header') {
      events.push({ type: o.type, atMs: num(o.atMs) ?? 0, data: o.data ?? null });
    }
  }
  if (!header) throw invalid(path, 'the file has no header line');
  return { header, samples, events, end, torn: lastBad, skipped };
}

export async function readRecording(path: string): Promise<Recording> {
  const main = await readPart(path);
  const parts: Part[] = [main];
  const prevPath = previousPartPath(path);
  if ((main.header.part ?? 0) > 0 && existsSync(prevPath)) {
    try {
      const prev = await readPart(prevPath);
      if (prev.header.target.id === main.header.target.id) parts.unshift(prev);
    } catch {
      // a damaged predecessor does not hide the current part
    }
  }
  const first = parts[0]!;
  return {
    path,
    target: main.header.target,
    startedAtMs: first.header.startedAtMs,
    samples: parts.flatMap((p) => p.samples).sort((a, b) => a.timestampMs - b.timestampMs),
    events: parts.flatMap((p) => p.events),
    endedAtMs: main.end?.atMs ?? null,
    endReason: main.end?.reason ?? null,
    tornTail: main.torn,
    skippedLines: parts.reduce((n, p) => n + p.skipped, 0),
  };
}

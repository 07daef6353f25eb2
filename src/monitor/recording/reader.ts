// Reads a recording back, tolerating what a crash leaves behind (F28): a torn last
// line (the process died mid-append) is ignored, a corrupt line elsewhere is skipped
// and counted, and a missing or foreign header is one clear error. A rotated
// predecessor (NAME.prev.ndjson) is read first when it belongs to the same target.
//
// The file is read in chunks and split into lines here, never by readline: a line is
// kept only up to maxLineChars, the rest of an oversize line is passed over up to its
// newline, and the line is skipped with a warning naming its number. So memory stays
// bounded for any file, however long its lines (a 600 MB line used to be joined into
// one string and crash the reader with "Invalid string length").
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import {
  GC_KINDS,
  OWN_PAUSE_KINDS,
  type OwnPauseKind,
  type Sample,
  type TargetInfo,
} from '../../shared/model';
import type { RecordedEvent } from '../../shared/report-model';
import { RECORDING_FORMAT, RECORDING_VERSION, type HeaderLine } from './format';
import { previousPartPath } from './writer';

/** Larger files are refused rather than read into memory. */
export const MAX_RECORDING_BYTES = 1024 * 1024 * 1024;
/** Longer lines are skipped (with a warning), never held in memory whole. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;
/** How many oversize line numbers a warning names before it says "and N more". */
const MAX_NAMED_LINES = 10;
const READ_CHUNK_BYTES = 64 * 1024;

export interface ReadRecordingOptions {
  /** Lines longer than this many characters are skipped; default MAX_LINE_CHARS (tests lower it). */
  maxLineChars?: number;
}

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
  /** Unreadable lines skipped before the last one, oversize lines included. */
  skippedLines: number;
  /**
   * What was skipped, one sentence each (oversize lines by number, unreadable lines by
   * count). Also appended to target.warnings, so reports and the offline target show it.
   */
  warnings: string[];
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
  if (OWN_PAUSE_KINDS.includes(o.ownPause as OwnPauseKind)) s.ownPause = o.ownPause;
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
  warnings: string[];
}

/**
 * Splits text chunks into lines, holding at most maxChars of the current line. A line
 * past the cap is handed on as null (its number is still counted); the text after the
 * cap is dropped as it arrives, so its length costs no memory.
 */
class BoundedLineSplitter {
  #parts: string[] = [];
  #length = 0;
  #over = false;
  #lineNo = 0;

  constructor(
    private readonly maxChars: number,
    private readonly onLine: (lineNo: number, text: string | null) => void,
  ) {}

  push(chunk: string): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf('\n', start);
      const end = nl === -1 ? chunk.length : nl;
      this.#take(chunk, start, end);
      if (nl === -1) return;
      this.#emit();
      start = nl + 1;
    }
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.#length > 0 || this.#over) this.#emit();
  }

  #take(chunk: string, start: number, end: number): void {
    if (this.#over || end === start) return;
    if (this.#length + (end - start) > this.maxChars + 1) {
      // +1: room for the "\r" of a CRLF line that is exactly at the cap.
      this.#over = true;
      this.#parts = [];
      this.#length = 0;
      return;
    }
    this.#parts.push(chunk.slice(start, end));
    this.#length += end - start;
  }

  #emit(): void {
    this.#lineNo++;
    let text: string | null = null;
    if (!this.#over) {
      text = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.length > this.maxChars) text = null;
    }
    this.#parts = [];
    this.#length = 0;
    this.#over = false;
    this.onLine(this.#lineNo, text);
  }
}

function oversizeWarning(file: string, lines: number[], total: number, maxChars: number): string {
  const named = lines.map(String);
  const more = total - lines.length;
  const list =
    more > 0
      ? `${named.join(', ')} and ${more} more`
      : named.length > 1
        ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`
        : named[0]!;
  return total === 1
    ? `Line ${list} of ${file} is longer than ${maxChars} characters; it was skipped.`
    : `Lines ${list} of ${file} are longer than ${maxChars} characters; they were skipped.`;
}

async function readPart(file: string, maxLineChars: number): Promise<Part> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw invalid(file, 'it is not a file');
    size = st.size;
  } catch (err) {
    if (err instanceof MonitorError) throw err;
    throw new MonitorError(
      ErrorCodes.RECORDING_INVALID,
      `Cannot read recording ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      { cause: err },
    );
  }
  if (size > MAX_RECORDING_BYTES)
    throw invalid(file, `it is larger than ${MAX_RECORDING_BYTES} bytes`);
  if (size === 0) throw invalid(file, 'the file is empty');
  let header: HeaderLine | null = null;
  const samples: Sample[] = [];
  const events: RecordedEvent[] = [];
  let end: Part['end'] = null;
  let skipped = 0;
  let lastBad = false;
  let firstBadLine = 0;
  let badLines = 0;
  const oversize: number[] = [];
  let oversizeCount = 0;

  const onLine = (lineNo: number, line: string | null): void => {
    if (line !== null && line.length === 0) return;
    if (lastBad) skipped++; // the previous bad line was not the last one
    lastBad = false;
    if (line === null) {
      if (!header) {
        throw invalid(
          file,
          `line ${lineNo} is longer than ${maxLineChars} characters, so the file has no recording header`,
        );
      }
      // Skipped like an unreadable line, but never taken for a torn tail: a crash cuts
      // a line short, it does not make one too long.
      skipped++;
      oversizeCount++;
      if (oversize.length < MAX_NAMED_LINES) oversize.push(lineNo);
      return;
    }
    let o: Record<string, unknown> | null = null;
    try {
      const v: unknown = JSON.parse(line);
      if (v && typeof v === 'object' && !Array.isArray(v)) o = v as Record<string, unknown>;
    } catch {
      o = null;
    }
    if (!o || typeof o.type !== 'string') {
      if (!header) throw invalid(file, 'the first line is not a recording header');
      lastBad = true;
      badLines++;
      firstBadLine ||= lineNo;
      return;
    }
    if (!header) {
      if (o.type !== 'header' || o.format !== RECORDING_FORMAT) {
        throw invalid(file, 'the first line is not a recording header');
      }
      if (typeof o.version !== 'number' || o.version > RECORDING_VERSION) {
        throw invalid(file, `format version ${String(o.version)} is newer than this resdash reads`);
      }
      const target = toTarget(o.target);
      if (!target) throw invalid(file, 'the header names no target');
      header = { ...(o as unknown as HeaderLine), target };
      return;
    }
    if (o.type === 'sample') {
      const s = toSample(o);
      if (s) samples.push(s);
      else {
        lastBad = true;
        badLines++;
        firstBadLine ||= lineNo;
      }
    } else if (o.type === 'end') {
      end = { atMs: num(o.atMs) ?? 0, reason: typeof o.reason === 'string' ? o.reason : '' };
    } else if (o.type !== 'header') {
      events.push({ type: o.type, atMs: num(o.atMs) ?? 0, data: o.data ?? null });
    }
  };

  const splitter = new BoundedLineSplitter(maxLineChars, onLine);
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES });
  try {
    // Leaving the loop by a throw destroys the stream (no descriptor left open).
    for await (const chunk of input as AsyncIterable<string>) splitter.push(chunk);
    splitter.end();
  } catch (err) {
    if (err instanceof MonitorError) throw err;
    throw new MonitorError(
      ErrorCodes.RECORDING_INVALID,
      `Cannot read recording ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      { cause: err },
    );
  } finally {
    input.destroy();
  }
  if (!header) throw invalid(file, 'the file has no header line');
  const name = path.basename(file);
  const warnings: string[] = [];
  if (oversizeCount > 0)
    warnings.push(oversizeWarning(name, oversize, oversizeCount, maxLineChars));
  // The torn last line is reported on its own (tornTail); only lines before it count.
  const unreadable = badLines - (lastBad ? 1 : 0);
  if (unreadable > 0) {
    warnings.push(
      unreadable === 1
        ? `Line ${firstBadLine} of ${name} is not a readable recording line; it was skipped.`
        : `${unreadable} lines of ${name} are not readable recording lines (the first is line ${firstBadLine}); they were skipped.`,
    );
  }
  return { header, samples, events, end, torn: lastBad, skipped, warnings };
}

export async function readRecording(
  file: string,
  options: ReadRecordingOptions = {},
): Promise<Recording> {
  const maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  const main = await readPart(file, maxLineChars);
  const parts: Part[] = [main];
  const prevPath = previousPartPath(file);
  if ((main.header.part ?? 0) > 0 && existsSync(prevPath)) {
    try {
      const prev = await readPart(prevPath, maxLineChars);
      if (prev.header.target.id === main.header.target.id) parts.unshift(prev);
    } catch {
      // a damaged predecessor does not hide the current part
    }
  }
  const first = parts[0]!;
  const warnings = parts.flatMap((p) => p.warnings);
  const target = main.header.target;
  return {
    path: file,
    target: { ...target, warnings: [...target.warnings, ...warnings] },
    startedAtMs: first.header.startedAtMs,
    samples: parts.flatMap((p) => p.samples).sort((a, b) => a.timestampMs - b.timestampMs),
    events: parts.flatMap((p) => p.events),
    endedAtMs: main.end?.atMs ?? null,
    endReason: main.end?.reason ?? null,
    tornTail: main.torn,
    skippedLines: parts.reduce((n, p) => n + p.skipped, 0),
    warnings,
  };
}

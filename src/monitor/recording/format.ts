// The recording file format (documented in README "Recordings"): NDJSON, one JSON
// object per line, plain text so that every flushed line survives a crash (F28); a
// gzip stream would lose everything after its last complete member.
//
//   {"type":"header","format":"resdash-recording","version":1,"startedAtMs":…,"target":{TargetInfo}}
//   {"type":"sample","timestampMs":…,…Sample}
//   {"type":"<event>","atMs":…,"data":{…}}   any per-target event: alert, leak, pools, snapshot…
//   {"type":"end","atMs":…,"reason":"…"}       written on a clean stop only
import type { Sample, TargetInfo } from '../../shared/model';

export const RECORDING_FORMAT = 'resdash-recording';
export const RECORDING_VERSION = 1;
export const RECORDING_EXTENSION = '.ndjson';

export interface HeaderLine {
  type: 'header';
  format: typeof RECORDING_FORMAT;
  version: number;
  startedAtMs: number;
  target: TargetInfo;
  /** Set on a file started by rotation: the part number (1 = first continuation). */
  part?: number;
}

export type SampleLine = { type: 'sample' } & Sample;

export interface EventLine {
  /** The monitor event name (alert, leak, pools, snapshot, …). */
  type: string;
  atMs: number;
  data: unknown;
}

export interface EndLine {
  type: 'end';
  atMs: number;
  reason: string;
}

/** Numbers rounded to what a chart can show: keeps an hour at 1 Hz well under 5 MB. */
export function encodeSample(sample: Sample): string {
  return JSON.stringify({ type: 'sample', ...sample }, roundReplacer);
}

export function encodeLine(value: object): string {
  return JSON.stringify(value, roundReplacer);
}

function roundReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)) {
    return Math.round(value * 1000) / 1000;
  }
  return value;
}

// Compact human-readable figures for the live table.
import type { Sample } from '../shared/model';

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)}${units[i]}`;
}

function fixed(v: number | null, digits: number): string {
  return v === null ? '-' : v.toFixed(digits);
}

function gcMs(sample: Sample): number | null {
  if (sample.gc === null) return null;
  return Object.values(sample.gc).reduce((sum, k) => sum + k.totalMs, 0);
}

function handles(sample: Sample): number | null {
  if (sample.activeResources === null) return null;
  return Object.values(sample.activeResources).reduce((sum, n) => sum + n, 0);
}

const COLUMNS: Array<[title: string, width: number, cell: (s: Sample) => string]> = [
  ['TIME', 12, (s) => new Date(s.timestampMs).toISOString().slice(11, 23)],
  ['CPU%', 6, (s) => fixed(s.cpuPercent, 1)],
  ['RSS', 8, (s) => formatBytes(s.rssBytes)],
  [
    'HEAP USED/TOTAL',
    16,
    (s) => `${formatBytes(s.heapUsedBytes)}/${formatBytes(s.heapTotalBytes)}`,
  ],
  ['ELD P99MS', 9, (s) => fixed(s.eventLoopDelayP99Ms, 1)],
  ['GC MS', 7, (s) => fixed(gcMs(s), 1)],
  ['HANDLES', 7, (s) => (handles(s) ?? '-').toString()],
  ['FDS', 5, (s) => (s.openFds ?? '-').toString()],
];

export function sampleHeader(): string {
  return COLUMNS.map(([t, w]) => t.padEnd(w))
    .join(' ')
    .trimEnd();
}

export function sampleRow(sample: Sample): string {
  const row = COLUMNS.map(([, w, cell]) => cell(sample).padEnd(w))
    .join(' ')
    .trimEnd();
  return sample.late ? `${row} late` : row;
}

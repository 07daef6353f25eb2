// Human figures for alert and recommendation sentences.
import type { AlertUnit } from '../../shared/alert-model';

export function formatBytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (abs >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${Math.round(n)} B`;
}

export function formatValue(v: number, unit: AlertUnit): string {
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'percent':
      return `${Math.round(v)} %`;
    case 'ms':
      return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
    case 'ms/s':
      return `${Math.round(v)} ms/s`;
    default:
      return Math.round(v).toLocaleString('en-US');
  }
}

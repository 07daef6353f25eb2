import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  plural,
  timeTicks,
} from './format';

describe('format', () => {
  it('shows missing values as a dash, never as zero', () => {
    for (const f of [formatBytes, formatMs, formatPercent, formatCount]) {
      expect(f(null)).toBe('–');
      expect(f(undefined)).toBe('–');
      expect(f(Number.NaN)).toBe('–');
    }
    expect(formatBytes(0)).toBe('0 B');
  });

  it('picks readable units', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(168 * 1024 * 1024)).toBe('168 MB');
    expect(formatMs(2500)).toBe('2.50 s');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatCount(12345.6)).toBe('12,346');
  });

  it('time ticks fall on round times and respect the width', () => {
    const { ticks, stepMs } = timeTicks(1_000_500, 1_000_500 + 300_000, 450);
    expect(stepMs).toBe(60_000);
    expect(ticks.length).toBeLessThanOrEqual(5);
    for (const t of ticks) expect(t % stepMs).toBe(0);
    expect(timeTicks(0, 3_600_000, 900).stepMs).toBe(600_000);
  });

  it('plural: the noun agrees with the count', () => {
    expect(plural(1, 'collection')).toBe('1 collection');
    expect(plural(0, 'collection')).toBe('0 collections');
    expect(plural(3, 'collection')).toBe('3 collections');
    expect(plural(1204, 'object')).toBe('1,204 objects');
    expect(plural(1, 'idle resource')).toBe('1 idle resource');
    expect(plural(2, 'process', 'processes')).toBe('2 processes');
  });

  it('formatDuration rounds to what a reader needs', () => {
    expect(formatDuration(25_990)).toBe('26 s');
    expect(formatDuration(1_234)).toBe('1.2 s');
    expect(formatDuration(20)).toBe('0.1 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
    expect(formatDuration(null)).toBe('–');
  });
});

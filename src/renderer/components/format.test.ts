import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMs, formatPercent, timeTicks } from './format';

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
});

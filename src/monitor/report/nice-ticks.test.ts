import { describe, expect, it } from 'vitest';
import { axisTicks, niceStep, tickNumber } from './nice-ticks';
import { svgLineChart } from './svg-chart';

describe('report axis ticks', () => {
  it('round steps of 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.7, 1, 1.5, 2.2, 3, 7, 12, 67.7].map(niceStep)).toEqual([
      1, 1, 2, 2.5, 5, 10, 20, 100,
    ]);
  });

  it('a heap up to 271 MB gets 0 / 100 / 200 / 300 MB, not 67.7 / 135 / 203 / 271', () => {
    expect(axisTicks(271)).toEqual({ max: 300, ticks: [0, 100, 200, 300] });
    expect(axisTicks(246.3)).toEqual({ max: 250, ticks: [0, 50, 100, 150, 200, 250] });
    expect(axisTicks(9.2).ticks).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(axisTicks(0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
    expect(axisTicks(0)).toEqual({ max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
    // Counts stay whole.
    expect(axisTicks(3, 4, 1).ticks).toEqual([0, 1, 2, 3]);
  });

  it('labels without float noise', () => {
    expect(tickNumber(0.1 + 0.2)).toBe('0.3');
    expect(tickNumber(2.5)).toBe('2.5');
    expect(tickNumber(300)).toBe('300');
  });

  it('the SVG chart labels its y axis with those ticks', () => {
    const svg = svgLineChart({
      title: 'Memory',
      times: [0, 1000, 2000],
      series: [{ name: 'RSS', color: '#000', values: [120, 271, 200] }],
      formatValue: (v) => `${tickNumber(v)} MB`,
    });
    const labels = [...svg.matchAll(/class="axis">([^<]*MB)</g)].map((m) => m[1]);
    expect(labels).toEqual(['0 MB', '100 MB', '200 MB', '300 MB']);
    // The top of the plot is the 300 MB tick: the 271 MB point sits below it.
    expect(svg).not.toMatch(/67\.7|135|203/);
  });
});

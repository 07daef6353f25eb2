import { describe, expect, it } from 'vitest';
import type { Sample, TargetInfo } from '../../shared/model';
import type { RecordedEvent } from '../../shared/report-model';
import { buildReport } from './build-report';
import { renderReportHtml } from './render-html';

const EVIL = '</script><img src=x onerror=alert(1)>"\'&';
const target: TargetInfo = {
  id: 'target-1',
  pid: 7,
  title: EVIL,
  command: `node ${EVIL}`,
  port: 9229,
  status: 'detached',
  attachedAtMs: 0,
  intervalMs: 1000,
  warnings: [EVIL],
};

function sample(i: number, heapMb: number): Sample {
  return {
    timestampMs: i * 1000,
    late: i === 3,
    cpuPercent: i % 2 ? 50 : null,
    rssBytes: 100 * 2 ** 20,
    heapUsedBytes: heapMb * 2 ** 20,
    heapTotalBytes: 200 * 2 ** 20,
    heapLimitBytes: 220 * 2 ** 20,
    externalBytes: 2 ** 20,
    arrayBuffersBytes: 0,
    eventLoopDelayP50Ms: 10,
    eventLoopDelayP99Ms: i === 10 ? 250 : 12,
    eventLoopDelayMaxMs: 20,
    eventLoopUtilization: 0.1,
    gc: {
      minor: { count: 2, totalMs: 4, maxMs: 3 },
      major: { count: 0, totalMs: 0, maxMs: 0 },
      incremental: { count: 0, totalMs: 0, maxMs: 0 },
      weakcb: { count: 0, totalMs: 0, maxMs: 0 },
    },
    activeResources: null,
    openFds: 10,
    threads: 7,
  };
}

const samples = Array.from({ length: 40 }, (_, i) => sample(i, 20 + i * 5));
const events: RecordedEvent[] = [
  {
    type: 'alert',
    atMs: 5_000,
    data: {
      targetId: 'target-1',
      change: 'raised',
      alert: { severity: 'critical', rule: 'heap', subject: EVIL, message: `heap ${EVIL}` },
    },
  },
  {
    type: 'leak',
    atMs: 6_000,
    data: {
      targetId: 'target-1',
      state: 'suspected',
      confidence: 0.97,
      growthBytesPerMinute: 2 ** 20,
      sentence: EVIL,
      suspects: [{ className: EVIL }],
    },
  },
  {
    type: 'pools',
    atMs: 7_000,
    data: {
      targetId: 'target-1',
      samples: [
        {
          timestampMs: 7_000,
          pools: [{ name: EVIL, kind: 'pg', size: 2, max: 4, inUse: 1, idle: 1, waiting: 0 }],
        },
      ],
    },
  },
  { type: 'someFutureEvent', atMs: 8_000, data: { targetId: 'target-1', note: EVIL } },
  { type: 'alert', atMs: 999_000, data: { targetId: 'target-1', change: 'raised', alert: {} } },
];

describe('report', () => {
  const data = buildReport({
    target,
    samples,
    events,
    fromMs: 0,
    toMs: 39_000,
    source: { kind: 'live' },
    now: () => 1,
  });

  it('computes KPIs over the range and recommends from them', () => {
    expect(data.kpis.sampleCount).toBe(40);
    expect(data.kpis.peakHeapUsedBytes).toBe(215 * 2 ** 20);
    expect(data.kpis.avgCpuPercent).toBe(50);
    expect(data.kpis.gcCount).toBe(80);
    expect(data.kpis.gcAvgMs).toBe(2);
    expect(data.kpis.lateSamples).toBe(1);
    expect(data.kpis.eventLoopDelayP99MaxMs).toBe(250);
    const text = data.recommendations.map((r) => `${r.severity}: ${r.text}`).join('\n');
    // The dashboard's rule and sentence, not a second wording of the same finding.
    expect(text).toMatch(/critical: Heap used is 215.0 MB, 98 % of V8's limit/);
    expect(text).not.toMatch(/Heap used peaked/);
    expect(text).toMatch(/warning: Heap used grew/);
    expect(text).toMatch(/warning: Event-loop delay p99 reached 250 ms/);
    expect(text).toMatch(/A leak was suspected 1 time/);
    expect(text).toMatch(/1 alert\(s\) fired/); // the event outside the range is not counted
    expect(Object.keys(data.events).sort()).toEqual(['alert', 'leak', 'pools', 'someFutureEvent']);
  });

  it("carries the dashboard's recommendations: a saturated pool in the range is named (one truth)", () => {
    const reads: RecordedEvent[] = Array.from({ length: 10 }, (_, i) => ({
      type: 'pools',
      atMs: i * 4_000,
      data: {
        targetId: 'target-1',
        samples: [
          {
            timestampMs: i * 4_000,
            pools: [
              {
                name: 'db',
                kind: 'pg',
                source: 'agent',
                size: 4,
                max: 4,
                inUse: 4,
                idle: 0,
                waiting: 6,
              },
            ],
          },
        ],
      },
    }));
    const d = buildReport({
      target,
      samples: samples.map((s) => ({ ...s, heapUsedBytes: 20 * 2 ** 20 })),
      events: reads,
      fromMs: 0,
      toMs: 39_000,
      source: { kind: 'live' },
    });
    const recs = d.recommendations;
    expect(recs.find((r) => r.rule === 'pool-saturated')?.text).toMatch(/Pool db was .*saturated/);
    expect(recs.map((r) => r.text)).not.toContain('No resource problem stands out in this range.');
  });

  it('downsamples long ranges and keeps the first and last sample', () => {
    const long = Array.from({ length: 3600 }, (_, i) => sample(i, 20));
    const d = buildReport({ target, samples: long, events: [], source: { kind: 'live' } });
    expect(d.samples.length).toBe(600);
    expect(d.samples[0]!.timestampMs).toBe(0);
    expect(d.samples[599]!.timestampMs).toBe(3_599_000);
    expect(d.kpis.sampleCount).toBe(3600);
  });

  it('renders every section with hostile text escaped and no script or network reference', () => {
    const html = renderReportHtml(data);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html).not.toMatch(/<script|https?:|@import|url\(/i);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    for (const section of [
      'kpis',
      'recommendations',
      'charts',
      'alert',
      'leak',
      'pools',
      'someFutureEvent',
    ])
      expect(html).toContain(`data-section="${section}"`);
    expect(html).toContain('<figcaption>Pool &lt;/script&gt;');
    expect(html.match(/<svg class="chart"/g)).toHaveLength(5);
    // CPU null every other sample: the line has gaps (several M commands), never zeros.
    const cpu = /CPU<\/figcaption><svg[^>]*>.*?<path d="([^"]+)"/s.exec(html)![1]!;
    expect(cpu.match(/M/g)!.length).toBeGreaterThan(1);
  });

  it('renders no optional section when there is no data for it', () => {
    const html = renderReportHtml(
      buildReport({ target, samples: [], events: [], source: { kind: 'live' } }),
    );
    expect(html).toContain('No samples in this range.');
    expect(html).not.toContain('data-section="alert"');
    expect(html).not.toContain('<svg');
  });
});

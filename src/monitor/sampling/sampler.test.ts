import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../shared/model';
import type { OsFigures } from './os-stats';
import { parseThreads } from './os-stats';
import { parseProbeReading, type ProbeReading } from './probe';
import { Sampler, probeDeadlineMs } from './sampler';

const os: OsFigures = { cpuPercent: 3, rssBytes: 50e6, openFds: 20, threads: 7 };
const reading = (heapUsedBytes: number): ProbeReading => ({
  timestampMs: 1,
  heapUsedBytes,
  heapTotalBytes: 2 * heapUsedBytes,
  heapLimitBytes: 4e9,
  externalBytes: 1,
  arrayBuffersBytes: 1,
  eventLoopDelayP50Ms: 0.1,
  eventLoopDelayP99Ms: 0.5,
  eventLoopDelayMaxMs: 1,
  eventLoopUtilization: 0.01,
  gc: null,
  activeResources: { Timeout: 1 },
});

/** A probe whose reads are answered by the test. */
function fakeProbe() {
  const pending: Array<(r: ProbeReading | null) => void> = [];
  let reads = 0;
  return {
    pending,
    get reads() {
      return reads;
    },
    read: () => {
      reads++;
      return new Promise<ProbeReading | null>((resolve) => pending.push(resolve));
    },
  };
}

const samplers: Sampler[] = [];
afterEach(async () => {
  await Promise.all(samplers.map((s) => s.dispose()));
  samplers.length = 0;
});

function make(probe: ReturnType<typeof fakeProbe> | null, samples: Sample[], changes: boolean[]) {
  const s = new Sampler({
    pid: 1234,
    intervalMs: 100,
    probe,
    readOs: async () => os,
    now: () => 42,
    onSample: (x) => samples.push(x),
    onResponsiveChange: (r) => changes.push(r),
  });
  samplers.push(s);
  return s;
}

describe('Sampler', () => {
  it('merges OS figures and the probe reading when it arrives in time', async () => {
    const probe = fakeProbe();
    const samples: Sample[] = [];
    const s = make(probe, samples, []);
    const p = s.tick();
    probe.pending.shift()!(reading(10e6));
    const sample = await p;
    expect(sample).toMatchObject({
      late: false,
      timestampMs: 42,
      heapUsedBytes: 10e6,
      cpuPercent: 3,
      threads: 7,
    });
    expect(samples).toHaveLength(1);
  });

  it('marks a late sample with in-target fields null (not zero), keeps OS fields, then recovers with the in-flight read', async () => {
    const probe = fakeProbe();
    const samples: Sample[] = [];
    const changes: boolean[] = [];
    const s = make(probe, samples, changes);
    const late = await s.tick(); // nobody answers: deadline passes
    expect(late.late).toBe(true);
    expect(late.heapUsedBytes).toBeNull();
    expect(late.eventLoopUtilization).toBeNull();
    expect(late.gc).toBeNull();
    expect(late.rssBytes).toBe(50e6);
    expect(late.openFds).toBe(20);
    expect(changes).toEqual([false]);
    // The second tick does not issue a second read while the first is in flight.
    const again = s.tick();
    probe.pending.shift()!(reading(20e6));
    const recovered = await again;
    expect(probe.reads).toBe(1);
    expect(recovered).toMatchObject({ late: false, heapUsedBytes: 20e6 });
    expect(changes).toEqual([false, true]);
  });

  it('a paused target (no probe) gets OS figures only and is never late', async () => {
    const samples: Sample[] = [];
    const s = make(null, samples, []);
    const sample = await s.tick();
    expect(sample.late).toBe(false);
    expect(sample.heapUsedBytes).toBeNull();
    expect(sample.cpuPercent).toBe(3);
  });

  it('a rejected read marks the sample late and a later tick reads again', async () => {
    let n = 0;
    const samples: Sample[] = [];
    const s = new Sampler({
      pid: null,
      probe: {
        read: async () => {
          if (n++ === 0) throw new Error('closed');
          return reading(5);
        },
      },
      onSample: (x) => samples.push(x),
    });
    samplers.push(s);
    expect((await s.tick()).late).toBe(true);
    const ok = await s.tick();
    expect(ok.late).toBe(false);
    expect(ok.rssBytes).toBeNull(); // no pid: no OS figures
  });

  it('runs on its own timer without overlapping and stops on dispose', async () => {
    const probe = fakeProbe();
    const samples: Sample[] = [];
    const s = make(probe, samples, []);
    s.start();
    await new Promise((r) => setTimeout(r, 700));
    // Only one read was ever in flight: ticks wait for each other and share it.
    expect(probe.reads).toBe(1);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.every((x) => x.late)).toBe(true);
    await s.dispose();
    const count = samples.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(samples.length).toBe(count);
  });

  it('clamps the probe deadline', () => {
    expect(probeDeadlineMs(100)).toBe(200);
    expect(probeDeadlineMs(1000)).toBe(1000);
    expect(probeDeadlineMs(60_000)).toBe(2000);
  });
});

describe('parseProbeReading (F9)', () => {
  it('degrades malformed fields to null', () => {
    const r = parseProbeReading({
      heapUsedBytes: 'lots',
      heapTotalBytes: -1,
      eventLoopUtilization: 3,
      gc: { minor: { count: 1 } },
      activeResources: { Timeout: 2, Bad: 'x' },
    });
    expect(r).not.toBeNull();
    expect(r!.heapUsedBytes).toBeNull();
    expect(r!.heapTotalBytes).toBeNull();
    expect(r!.eventLoopUtilization).toBe(1);
    expect(r!.gc).toBeNull();
    expect(r!.activeResources).toEqual({ Timeout: 2 });
    expect(parseProbeReading(null)).toBeNull();
    expect(parseProbeReading('x')).toBeNull();
  });

  it('reads Threads from /proc status', () => {
    expect(parseThreads('Name:\tnode\nThreads:\t11\n')).toBe(11);
    expect(parseThreads('nothing')).toBeNull();
  });
});

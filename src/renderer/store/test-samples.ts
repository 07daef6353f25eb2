// Builders for store and chart tests.
import type { Sample, TargetInfo } from '../../shared/model';

export function sample(timestampMs: number, over: Partial<Sample> = {}): Sample {
  return {
    timestampMs,
    late: false,
    cpuPercent: 5,
    rssBytes: 100 * 1024 * 1024,
    heapUsedBytes: 20 * 1024 * 1024,
    heapTotalBytes: 40 * 1024 * 1024,
    heapLimitBytes: 4096 * 1024 * 1024,
    externalBytes: 1024 * 1024,
    arrayBuffersBytes: 0,
    eventLoopDelayP50Ms: 10,
    eventLoopDelayP99Ms: 12,
    eventLoopDelayMaxMs: 15,
    eventLoopUtilization: 0.1,
    gc: null,
    activeResources: { Timeout: 2, TCPServerWrap: 1 },
    openFds: 20,
    threads: 7,
    ...over,
  };
}

export function series(count: number, startMs = 1_000_000, stepMs = 1_000): Sample[] {
  return Array.from({ length: count }, (_, i) => sample(startMs + i * stepMs));
}

export function target(id: string, over: Partial<TargetInfo> = {}): TargetInfo {
  return {
    id,
    pid: 1000,
    title: `app-${id}.js`,
    command: `node app-${id}.js`,
    port: 9229,
    status: 'attached',
    attachedAtMs: 1,
    intervalMs: 1000,
    warnings: [],
    ...over,
  };
}

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXTRA_MEMORY_PER_HEAP_BYTE,
  describeEstimate,
  estimateSnapshot,
  parseCgroupPath,
  parseCgroupValue,
  parseMemAvailable,
  readMachineMemory,
} from './preflight';

const MB = 1024 * 1024;
const base = {
  targetId: 't',
  memAvailableBytes: null,
  cgroupLimitBytes: null,
  cgroupUsageBytes: null,
  diskFreeBytes: null,
};

describe('snapshot pre-flight estimate', () => {
  it('fits when memory and disk are plenty, and says how long the loop stops', () => {
    const e = estimateSnapshot({
      ...base,
      heapUsedBytes: 100 * MB,
      memAvailableBytes: 64_000 * MB,
      diskFreeBytes: 10_000 * MB,
    });
    expect(e.fits).toBe(true);
    expect(e.warnings).toEqual([]);
    expect(e.extraMemoryBytes).toBe(100 * MB * EXTRA_MEMORY_PER_HEAP_BYTE);
    expect(e.pauseSeconds).toBeCloseTo(15, 5);
    expect(describeEstimate(e)).toMatch(/event loop stops for the whole capture, about 15 s/);
  });

  it("uses the target's own measured pause and file size once it has been captured", () => {
    const e = estimateSnapshot({
      ...base,
      heapUsedBytes: 100 * MB,
      measured: { pauseMsPerHeapByte: 60 / MB, fileBytesPerHeapByte: 2 },
    });
    expect(e.pauseSeconds).toBeCloseTo(6, 5);
    expect(e.fileBytes).toBe(200 * MB);
    expect(e.extraMemoryBytes).toBe(100 * MB * EXTRA_MEMORY_PER_HEAP_BYTE);
  });

  it.each([
    ['free memory', { memAvailableBytes: 1000 * MB }, /only 1000 MB is free: /],
    [
      'the cgroup limit',
      { memAvailableBytes: 64_000 * MB, cgroupLimitBytes: 2000 * MB, cgroupUsageBytes: 1500 * MB },
      /500 MB is free under its cgroup limit/,
    ],
    ['the disk', { memAvailableBytes: 64_000 * MB, diskFreeBytes: 10 * MB }, /disk has 10 MB free/],
  ])('warns when %s may not be enough', (_what, extra, re) => {
    const e = estimateSnapshot({ ...base, heapUsedBytes: 100 * MB, ...extra });
    expect(e.fits).toBe(false);
    expect(e.warnings.join(' ')).toMatch(re);
  });

  it('cannot tell without figures: assumes it fits rather than blocking', () => {
    expect(estimateSnapshot({ ...base, heapUsedBytes: 10 * MB }).fits).toBe(true);
  });

  it('parses /proc and cgroup files', () => {
    expect(parseMemAvailable('MemTotal: 100 kB\nMemAvailable:    2048 kB\n')).toBe(2048 * 1024);
    expect(parseMemAvailable('nothing')).toBeNull();
    expect(parseCgroupValue('max\n')).toBeNull();
    expect(parseCgroupValue('1073741824\n')).toBe(1073741824);
    expect(parseCgroupPath('0::/user.slice/app.scope\n')).toBe('/user.slice/app.scope');
    expect(parseCgroupPath('0::/../x\n')).toBeNull();
  });
});

describe('readMachineMemory', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("takes the tightest limit on the target's cgroup path", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'resdash-pf-'));
    dirs.push(root);
    const proc = path.join(root, 'proc');
    const cg = path.join(root, 'cg');
    await mkdir(path.join(proc, '42'), { recursive: true });
    await writeFile(path.join(proc, 'meminfo'), 'MemAvailable: 8388608 kB\n');
    await writeFile(path.join(proc, '42', 'cgroup'), '0::/a/b\n');
    await mkdir(path.join(cg, 'a', 'b'), { recursive: true });
    await writeFile(path.join(cg, 'memory.max'), 'max\n');
    await writeFile(path.join(cg, 'a', 'memory.max'), String(4096 * MB));
    await writeFile(path.join(cg, 'a', 'memory.current'), String(1024 * MB));
    await writeFile(path.join(cg, 'a', 'b', 'memory.max'), 'max\n');
    const m = await readMachineMemory(42, proc, cg);
    expect(m).toEqual({
      memAvailableBytes: 8 * 1024 * MB,
      cgroupLimitBytes: 4096 * MB,
      cgroupUsageBytes: 1024 * MB,
    });
  });
});

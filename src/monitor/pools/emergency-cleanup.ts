// Emergency cleanup (the seed's "emergency cleanup"): ask every pool in the target to
// release its idle resources, then force a GC, and report what was freed. Each step
// degrades on its own: a pool release that fails still lets the GC run.
import type { EmergencyCleanupResult, PoolReleaseResult } from '../../shared/pool-model';
import type { SessionContext } from '../features/session-feature';
import type { PoolsFeature } from './pools-feature-api';

const GC_TIMEOUT_MS = 60_000;
const HEAP_USAGE_TIMEOUT_MS = 5_000;

async function heapUsed(ctx: SessionContext): Promise<number | null> {
  try {
    const r = await ctx.client.send('Runtime.getHeapUsage', undefined, {
      timeoutMs: HEAP_USAGE_TIMEOUT_MS,
    });
    return r.usedSize;
  } catch {
    return null;
  }
}

export async function emergencyCleanup(
  ctx: SessionContext,
  pools: Pick<PoolsFeature, 'releaseIdle'> | null,
): Promise<EmergencyCleanupResult> {
  const startedMs = performance.now();
  const before = await heapUsed(ctx);
  let released: PoolReleaseResult[] = [];
  if (pools && ctx.info.status === 'paused') {
    // The release runs JS on the target's loop, which a debugger pause stops (F6); the
    // GC below is an inspector command and still runs.
    released = [
      {
        name: '(all pools)',
        kind: 'unknown',
        released: null,
        supported: false,
        message: 'the target is paused in a debugger: pools were not asked',
      },
    ];
  } else if (pools) {
    try {
      released = await pools.releaseIdle();
    } catch (err) {
      released = [
        {
          name: '(all pools)',
          kind: 'unknown',
          released: null,
          supported: false,
          message: `releasing idle resources failed: ${(err as Error).message}`.slice(0, 200),
        },
      ];
    }
  }
  let gcOk = true;
  try {
    await ctx.client.send('HeapProfiler.collectGarbage', undefined, { timeoutMs: GC_TIMEOUT_MS });
  } catch {
    gcOk = false;
  }
  const after = await heapUsed(ctx);
  return {
    targetId: ctx.targetId,
    heapUsedBeforeBytes: before,
    heapUsedAfterBytes: after,
    freedBytes: before === null || after === null ? null : Math.max(0, before - after),
    gcOk,
    pools: released,
    durationMs: performance.now() - startedMs,
  };
}

// Validates what the target sent (F9): counters must be finite and non-negative,
// strings are capped (hostile), lists are capped; anything malformed is dropped,
// never thrown.
import {
  POOL_KINDS,
  POOL_ORIGINS_CAP,
  POOLS_CAP,
  type PoolKind,
  type PoolOriginStats,
  type PoolReleaseResult,
  type PoolSample,
  type PoolStats,
} from '../../shared/pool-model';

const MAX_TEXT = 200;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
const optCount = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const limit = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : '');
const kindOf = (v: unknown): PoolKind =>
  (POOL_KINDS as readonly unknown[]).includes(v) ? (v as PoolKind) : 'unknown';

function parseOrigin(v: unknown): PoolOriginStats | null {
  if (!isObj(v)) return null;
  const o: PoolOriginStats = {
    origin: text(v.origin),
    size: count(v.size),
    inUse: count(v.inUse),
    idle: count(v.idle),
    waiting: count(v.waiting),
  };
  if ('max' in v) o.max = limit(v.max);
  return o;
}

export function parsePoolStats(v: unknown): PoolStats | null {
  if (!isObj(v) || typeof v.name !== 'string') return null;
  const p: PoolStats = {
    name: text(v.name),
    kind: kindOf(v.kind),
    source: v.source === 'global' || v.source === 'discovered' ? v.source : 'agent',
    size: count(v.size),
    max: limit(v.max),
    inUse: count(v.inUse),
    idle: count(v.idle),
    waiting: count(v.waiting),
    canReleaseIdle: v.canReleaseIdle === true,
  };
  if ('min' in v) p.min = v.min === null ? null : (optCount(v.min) ?? null);
  for (const k of ['created', 'destroyed', 'borrowed', 'returned'] as const) {
    const n = optCount(v[k]);
    if (n !== undefined) p[k] = n;
  }
  if ('efficiency' in v) {
    const e = optCount(v.efficiency);
    p.efficiency = e === undefined ? null : Math.min(1, e);
  }
  if ('oldestWaitMs' in v) p.oldestWaitMs = optCount(v.oldestWaitMs) ?? null;
  if (Array.isArray(v.perOrigin)) {
    p.perOrigin = v.perOrigin
      .slice(0, POOL_ORIGINS_CAP)
      .map(parseOrigin)
      .filter((o): o is PoolOriginStats => o !== null);
  }
  if (typeof v.error === 'string') p.error = text(v.error);
  return p;
}

export function parsePoolRead(value: unknown, timestampMs: number): PoolSample | null {
  if (!isObj(value) || !Array.isArray(value.pools)) return null;
  const pools = value.pools
    .slice(0, POOLS_CAP)
    .map(parsePoolStats)
    .filter((p): p is PoolStats => p !== null);
  const sample: PoolSample = { timestampMs, pools };
  if (value.truncated === true || value.pools.length > POOLS_CAP) sample.truncated = true;
  return sample;
}

export function parseReleaseResults(value: unknown): PoolReleaseResult[] {
  if (!Array.isArray(value)) return [];
  const out: PoolReleaseResult[] = [];
  for (const v of value.slice(0, POOLS_CAP * 2)) {
    if (!isObj(v)) continue;
    const released = optCount(v.released) ?? null;
    const r: PoolReleaseResult = {
      name: text(v.name),
      kind: kindOf(v.kind),
      released,
      supported: v.supported === true && released !== null,
    };
    if (typeof v.message === 'string') r.message = text(v.message);
    out.push(r);
  }
  return out;
}

// The expressions evaluated in the target to read and release its pools. With the
// agent loaded, they call its registry (globalThis[Symbol.for('resdash.pools.v1')]);
// without it, they read http/https.globalAgent and undici's global dispatcher with a
// small copy of the agent's two adapters for those (src/agent/adapters.ts is the
// reference: keep the counters' meaning the same). Then the pools the discovery found
// (./discovery-source.ts) are added, minus those already shown: tracked wins, a global
// pool stays a global one. No require in the target.
import {
  POOL_DISCOVERY_KEY,
  POOL_ORIGINS_CAP,
  POOL_REGISTRY_KEY,
  POOLS_CAP,
} from '../../shared/pool-model';

const KEY = JSON.stringify(POOL_REGISTRY_KEY);
const DISCOVERY_KEY = JSON.stringify(POOL_DISCOVERY_KEY);

/** Shared prelude: finds the registry, or the global pools when there is none. */
const GLOBALS_PRELUDE = `
  const g = globalThis;
  const reg = g[Symbol.for(${KEY})];
  const hasReg = !!reg && reg.version === 1 && typeof reg.read === 'function';
  const isObj = (v) => (typeof v === 'object' || typeof v === 'function') && v !== null;
  // Only modules the target loaded itself: never load https just to read it.
  const loaded = (id) => !Array.isArray(process.moduleLoadList) || process.moduleLoadList.includes('NativeModule ' + id);
  const globalPools = () => {
    const out = [];
    const get = process.getBuiltinModule;
    if (typeof get === 'function') {
      for (const m of ['http', 'https']) {
        if (!loaded(m)) continue;
        const mod = get('node:' + m);
        if (mod && isObj(mod.globalAgent)) out.push({ name: m + '.globalAgent', pool: mod.globalAgent, kind: 'http-agent' });
      }
    }
    const d = g[Symbol.for('undici.globalDispatcher.1')];
    if (isObj(d) && typeof d.dispatch === 'function' && 'stats' in d) out.push({ name: 'undici.globalDispatcher', pool: d, kind: 'undici-agent' });
    return out;
  };`;

export const POOLS_READ_SOURCE = `(() => {
  ${GLOBALS_PRELUDE}
  const caps = { maxPools: ${POOLS_CAP}, maxOrigins: ${POOL_ORIGINS_CAP} };
  const base = hasReg ? reg.read(caps) : readGlobals();
  const disc = g[Symbol.for(${DISCOVERY_KEY})];
  if (!disc || disc.version !== 1 || typeof disc.read !== 'function') return base;
  try {
    const pools = isObj(base) && Array.isArray(base.pools) ? base.pools : [];
    const shown = new Set();
    if (hasReg && isObj(reg.entries) && typeof reg.entries.values === 'function') {
      const INNER = Symbol.for('resdash.pool.inner.v1');
      for (const e of reg.entries.values()) {
        if (!isObj(e) || !isObj(e.pool)) continue;
        shown.add(e.pool);
        // A tracked pool built on another one (the object pool on generic-pool) names it.
        if (typeof e.pool[INNER] === 'function') {
          try { const inner = e.pool[INNER](); if (Array.isArray(inner)) for (const x of inner.slice(0, 8)) if (isObj(x)) shown.add(x); } catch {}
        }
      }
    }
    for (const p of globalPools()) shown.add(p.pool);
    const more = disc.read(shown, caps.maxPools - pools.length, caps.maxOrigins);
    return { pools: pools.concat(more.pools), truncated: !!base.truncated || !!more.truncated };
  } catch (e) {
    return base;
  }
  function readGlobals() {
    const cnt = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    const lim = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
    const len = (v) => (Array.isArray(v) ? v.length : 0);
    const sym = (o, desc) => { for (const s of Object.getOwnPropertySymbols(o)) if (s.description === desc) return o[s]; };
    const finish = (name, kind, origins, max, canReleaseIdle) => {
      origins.sort((a, b) => b.size + b.waiting - (a.size + a.waiting));
      const t = { size: 0, inUse: 0, idle: 0, waiting: 0 };
      for (const o of origins) { t.size += o.size; t.inUse += o.inUse; t.idle += o.idle; t.waiting += o.waiting; }
      return { name, kind, source: 'global', ...t, max, perOrigin: origins.slice(0, caps.maxOrigins), canReleaseIdle };
    };
    const httpAgent = (name, a) => {
      const perMax = lim(a.maxSockets);
      const keys = new Set([...Object.keys(a.sockets || {}), ...Object.keys(a.freeSockets || {}), ...Object.keys(a.requests || {})]);
      const origins = [];
      for (const origin of keys) {
        const inUse = len((a.sockets || {})[origin]);
        const idle = len((a.freeSockets || {})[origin]);
        const waiting = len((a.requests || {})[origin]);
        if (inUse + idle + waiting > 0) origins.push({ origin, size: inUse + idle, inUse, idle, waiting, max: perMax });
      }
      const max = lim(a.maxTotalSockets) ?? (perMax === null ? null : perMax * Math.max(1, origins.length));
      return finish(name, 'http-agent', origins, max, true);
    };
    const undiciAgent = (name, d) => {
      const stats = d.stats;
      if (!isObj(stats)) return null;
      const opts = sym(d, 'options');
      const perMax = isObj(opts) ? lim(opts.connections) : null;
      const origins = [];
      for (const origin of Object.keys(stats)) {
        const s = stats[origin];
        if (!isObj(s)) continue;
        const connected = s.connected === true ? 1 : cnt(s.connected); // ClientStats: a boolean
        if (typeof s.free === 'number') {
          const idle = Math.min(connected, cnt(s.free));
          origins.push({ origin, size: connected, inUse: connected - idle, idle, waiting: cnt(s.queued), max: perMax });
        } else {
          const inUse = cnt(s.running) > 0 ? connected : 0;
          origins.push({ origin, size: connected, inUse, idle: connected - inUse, waiting: cnt(s.pending), max: perMax });
        }
      }
      return finish(name, 'undici-agent', origins, perMax === null ? null : perMax * Math.max(1, origins.length), false);
    };
    const pools = [];
    for (const p of globalPools()) {
      let s = null;
      try {
        s = p.kind === 'http-agent' ? httpAgent(p.name, p.pool) : undiciAgent(p.name, p.pool);
      } catch (e) {
        s = { name: p.name, kind: p.kind, source: 'global', size: 0, max: null, inUse: 0, idle: 0, waiting: 0, canReleaseIdle: false, error: String(e && e.message).slice(0, 200) };
      }
      if (s && (s.size + s.waiting > 0 || s.error)) pools.push(s);
    }
    return { pools: pools.slice(0, caps.maxPools), truncated: pools.length > caps.maxPools };
  }
})()`;

/**
 * Emergency cleanup: every tracked pool releases its idle resources; without the agent,
 * the global http agents' free sockets are destroyed. Resolves on a fresh loop turn,
 * never from inside the inspector's interrupt.
 */
export const POOLS_RELEASE_SOURCE = `(async () => {
  ${GLOBALS_PRELUDE}
  if (hasReg && typeof reg.releaseIdle === 'function') return reg.releaseIdle();
  await new Promise((r) => setTimeout(r, 0));
  const out = [];
  for (const p of globalPools()) {
    if (p.kind !== 'http-agent') {
      out.push({ name: p.name, kind: p.kind, released: null, supported: false, message: 'not supported: undici has no safe way to close only idle connections' });
      continue;
    }
    let released = 0;
    const free = p.pool.freeSockets || {};
    for (const origin of Object.keys(free)) {
      const list = free[origin];
      if (!Array.isArray(list)) continue;
      for (const s of [...list]) {
        if (s && typeof s.destroy === 'function') { s.destroy(); released++; }
      }
    }
    out.push({ name: p.name, kind: p.kind, released, supported: true });
  }
  return out;
})()`;

// What the pool discovery installs in a target that has no agent: a state object under
// globalThis[Symbol.for('resdash.discovered.v1')] holding the pools it found as WeakRefs
// (it never keeps a pool alive), the hooks it put on the libraries' acquire paths (so a
// pool made after attach registers itself the first time it is used) and the readers
// for every kind. src/agent/adapters.ts is the reference of what each counter means:
// keep these the same (a unit test compares them on real pools).
//
// Found how, with no require in the target:
// - prototypes: node:http's Agent (only once the target loaded http itself), and the npm
//   libraries' classes from the CommonJS module cache (process.getBuiltinModule
//   ('node:module')._cache), which also holds CommonJS packages an ES module imported;
// - instances made before attach: the caller's one Runtime.queryObjects on
//   EventEmitter.prototype (http.Agent, every undici dispatcher, pg-pool, generic-pool
//   and knex's client, whose `pool` is tarn, all extend it), handed to collect(); each
//   one is classified by its prototype chain (own methods and accessors, read without
//   calling a getter) before any getter is read, which also finds copies the module
//   cache does not know (an ES-module-only copy, Node's bundled undici);
// - instances made later, or not found by a search: the hooks.
// Detach calls uninstall(): wrapped methods get their original descriptor back (a wrapper
// someone else wrapped again stays, as a pass-through) and the global key is deleted.
// Strings that end up in names come from the target: capped here, and again on our side.
import { POOL_DISCOVERY_KEY } from '../../shared/pool-model';

/** At most this many discovered pools are held (WeakRefs) at a time. */
export const DISCOVERY_ENTRIES_CAP = 256;
/** The module cache is looked at again for newly loaded libraries at most this often. */
export const DISCOVERY_REFRESH_MS = 60_000;
export const DISCOVERY_NAME_CAP = 120;
const HOOKS_CAP = 32;

const KEY = JSON.stringify(POOL_DISCOVERY_KEY);

/**
 * Installs (or, for the same token, refreshes) the discovery state. With
 * `returnWalkPrototype` the expression evaluates to EventEmitter.prototype, to be
 * passed to Runtime.queryObjects; otherwise to the state's summary.
 */
export function discoveryInstallSource(token: string, returnWalkPrototype: boolean): string {
  return `(() => {
  const KEY = Symbol.for(${KEY});
  const TOKEN = ${JSON.stringify(token)};
  const g = globalThis;
  const walkPrototype = () => process.getBuiltinModule('node:events').EventEmitter.prototype;
  const prev = g[KEY];
  if (prev && prev.version === 1 && prev.token === TOKEN && typeof prev.refresh === 'function') {
    prev.refresh(true);
    return ${returnWalkPrototype ? 'walkPrototype()' : 'prev.summary()'};
  }
  // A leftover of another session (a dashboard that crashed): undo it first.
  if (prev && typeof prev.uninstall === 'function') {
    try { prev.uninstall(prev.token); } catch {}
  }
  if (g[KEY] !== undefined) { try { delete g[KEY]; } catch {} }

  const MAX_ENTRIES = ${DISCOVERY_ENTRIES_CAP};
  const MAX_NAME = ${DISCOVERY_NAME_CAP};
  const MAX_HOOKS = ${HOOKS_CAP};
  const REFRESH_MS = ${DISCOVERY_REFRESH_MS};
  const hasOwn = Object.prototype.hasOwnProperty;
  const getDesc = Object.getOwnPropertyDescriptor;
  const getProto = Object.getPrototypeOf;
  const defineProp = Object.defineProperty;
  const apply = Reflect.apply;
  const isObj = (v) => (typeof v === 'object' || typeof v === 'function') && v !== null;
  const isFn = (v) => typeof v === 'function';
  const cnt = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const lim = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  const len = (v) => (Array.isArray(v) ? v.length : 0);
  const str = (v) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const sym = (o, desc) => {
    for (const s of Object.getOwnPropertySymbols(o)) if (s.description === desc) return o[s];
    return undefined;
  };
  const loaded = (id) => !Array.isArray(process.moduleLoadList) || process.moduleLoadList.includes('NativeModule ' + id);
  const httpAgentProto = () => {
    if (!loaded('http')) return null;
    const m = process.getBuiltinModule('node:http');
    return m && isFn(m.Agent) && isObj(m.Agent.prototype) ? m.Agent.prototype : null;
  };
  const ctorName = (p) => {
    const d = getDesc(p, 'constructor');
    return d && isFn(d.value) && typeof d.value.name === 'string' ? d.value.name : '';
  };
  const method = (p, k) => { const d = getDesc(p, k); return !!d && isFn(d.value); };
  const accessor = (p, k) => { const d = getDesc(p, k); return !!d && isFn(d.get); };

  // From a prototype up: which library's class it is and where its acquire path lives.
  // Only own descriptors are looked at: no getter of an unknown object is called.
  const scan = (start) => {
    const hp = httpAgentProto();
    for (let p = start, i = 0; isObj(p) && i < 16; p = getProto(p), i++) {
      if (hp !== null && p === hp) return { lib: 'http', kind: 'http-agent', proto: p, key: 'addRequest' };
      if (method(p, 'dispatch') && ctorName(p) === 'DispatcherBase') return { lib: 'undici', kind: 'undici', proto: p, key: 'dispatch' };
      if (method(p, 'connect') && accessor(p, 'waitingCount') && accessor(p, 'idleCount') && accessor(p, 'totalCount')) return { lib: 'pg', kind: 'pg', proto: p, key: 'connect' };
      if (method(p, 'acquire') && accessor(p, 'borrowed') && accessor(p, 'pending') && accessor(p, 'available')) return { lib: 'generic-pool', kind: 'generic-pool', proto: p, key: 'acquire' };
      if (method(p, 'acquire') && method(p, 'numUsed') && method(p, 'numFree') && method(p, 'numPendingAcquires')) return { lib: 'tarn', kind: 'tarn', proto: p, key: 'acquire' };
    }
    return null;
  };
  // The kind, now that the class is known; null when this instance does not fit.
  const kindOf = (o, s) => {
    switch (s.kind) {
      case 'http-agent':
        return isObj(o.sockets) && isObj(o.freeSockets) && isObj(o.requests) ? 'http-agent' : null;
      case 'undici': {
        const st = o.stats;
        if (!isObj(st)) return null; // ProxyAgent, RetryAgent: the agent inside them is found instead
        // PoolStats or ClientStats (one dispatcher), or an Agent's stats keyed by origin.
        return typeof st.size === 'number' && typeof st.running === 'number' ? 'undici-pool' : 'undici-agent';
      }
      case 'pg':
        return typeof o.totalCount === 'number' && typeof o.idleCount === 'number' && typeof o.waitingCount === 'number' ? 'pg' : null;
      case 'generic-pool':
        return typeof o.available === 'number' && typeof o.borrowed === 'number' && typeof o.pending === 'number' ? 'generic-pool' : null;
      case 'tarn':
        return 'tarn';
    }
    return null;
  };

  const entries = [];
  const seen = new WeakSet();
  const names = new Map();
  const hooks = [];
  const libs = new Set();
  let active = true;
  let dropped = 0;
  let cacheSize = -1;
  let refreshedAt = 0;

  const pgTarget = (opt) => {
    if (!isObj(opt)) return '';
    let host = str(opt.host);
    let port = str(opt.port);
    let db = str(opt.database);
    if (typeof opt.connectionString === 'string') {
      // Host, port and database only: never the user or the password.
      try {
        const u = new URL(opt.connectionString);
        host = host || decodeURIComponent(u.hostname);
        port = port || u.port;
        db = db || decodeURIComponent(u.pathname.slice(1));
      } catch {}
    }
    const env = process.env;
    host = host || str(env.PGHOST) || 'localhost';
    port = port || str(env.PGPORT) || '5432';
    db = db || str(env.PGDATABASE) || str(opt.user) || str(env.PGUSER);
    return host + ':' + port + (db ? '/' + db : '');
  };
  const undiciClass = (o, fallback) => {
    const n = ctorName(getProto(o));
    return /^[A-Za-z0-9_]{1,40}$/.test(n) ? n : fallback;
  };
  const baseName = (o, kind, hint) => {
    switch (kind) {
      case 'http-agent': {
        const proto = o.protocol === 'https:' ? 'https' : 'http';
        const ms = lim(o.maxSockets);
        const mt = lim(o.maxTotalSockets);
        return proto + '.Agent' + (ms !== null ? ' (maxSockets ' + ms + ')' : mt !== null ? ' (maxTotalSockets ' + mt + ')' : '');
      }
      case 'undici-pool': {
        const u = sym(o, 'url');
        const origin = isObj(u) && typeof u.origin === 'string' ? u.origin : '';
        return 'undici.' + undiciClass(o, 'Pool') + (origin ? ' ' + origin : '');
      }
      case 'undici-agent': {
        const opt = sym(o, 'options');
        const n = isObj(opt) ? lim(opt.connections) : null;
        return 'undici.' + undiciClass(o, 'Agent') + (n !== null ? ' (connections ' + n + ')' : '');
      }
      case 'pg':
        return 'pg ' + pgTarget(o.options);
      case 'generic-pool':
        return 'generic-pool' + (lim(o.max) !== null ? ' (max ' + o.max + ')' : '');
      case 'tarn':
        return (hint || 'tarn') + (lim(o.max) !== null ? ' (max ' + o.max + ')' : '');
    }
    return kind;
  };
  const isEnded = (o, kind) => {
    if (kind === 'pg') return o.ended === true || o.ending === true;
    if (kind === 'undici-pool' || kind === 'undici-agent') return o.destroyed === true || o.closed === true;
    if (kind === 'tarn') return o.destroyed === true;
    return false;
  };
  const prune = () => {
    for (let i = entries.length - 1; i >= 0; i--) {
      const o = entries[i].ref.deref();
      let gone = o === undefined;
      if (!gone) { try { gone = isEnded(o, entries[i].kind); } catch { gone = true; } }
      if (gone) entries.splice(i, 1);
    }
  };
  const register = (o, kind, hint) => {
    if (entries.length >= MAX_ENTRIES) prune();
    if (entries.length >= MAX_ENTRIES) { dropped++; return; }
    let base = kind;
    try { base = String(baseName(o, kind, hint)); } catch {}
    // Numbered when first shown, so one an owner hides never takes a number.
    entries.push({ ref: new WeakRef(o), kind, base: base.slice(0, MAX_NAME), name: null });
  };
  const nameOf = (e) => {
    if (e.name === null) {
      if (names.size > 1024) names.clear();
      const n = (names.get(e.base) || 0) + 1;
      names.set(e.base, n);
      e.name = n === 1 ? e.base : e.base + ' #' + n;
    }
    return e.name;
  };
  const consider = (o, hint) => {
    if (!active || !isObj(o) || seen.has(o)) return;
    seen.add(o);
    const s = scan(getProto(o));
    if (s === null) return;
    hookAt(s);
    const kind = kindOf(o, s);
    if (kind !== null && !isEnded(o, kind)) register(o, kind, hint);
  };
  const hookAt = (s) => {
    if (!active || hooks.length >= MAX_HOOKS) return;
    for (const h of hooks) if (h.proto === s.proto && h.key === s.key) return;
    const desc = getDesc(s.proto, s.key);
    if (!desc || !isFn(desc.value) || !desc.configurable) return;
    const original = desc.value;
    const h = { proto: s.proto, key: s.key, lib: s.lib, desc, wrapper: null, on: true };
    // Registers the pool the first time it is used; otherwise exactly the original.
    const wrapper = function () {
      if (h.on) { try { consider(this); } catch {} }
      return apply(original, this, arguments);
    };
    try {
      defineProp(wrapper, 'name', { value: original.name, configurable: true });
      defineProp(wrapper, 'length', { value: original.length, configurable: true });
      defineProp(s.proto, s.key, { value: wrapper, writable: desc.writable, enumerable: desc.enumerable, configurable: true });
    } catch { return; }
    h.wrapper = wrapper;
    hooks.push(h);
    libs.add(s.lib);
  };
  // The libraries' own files in the CommonJS module cache (ES modules that import them
  // load them through it too).
  const CACHE_FILE = /[\\\\/]node_modules[\\\\/](?:undici[\\\\/]lib[\\\\/]dispatcher[\\\\/]dispatcher-base|pg-pool[\\\\/]index|generic-pool[\\\\/]lib[\\\\/]Pool|tarn[\\\\/]dist[\\\\/]Pool)\\.js$/;
  const refresh = (force) => {
    refreshedAt = Date.now();
    if (!active) return;
    const hp = httpAgentProto();
    if (hp !== null) hookAt({ lib: 'http', kind: 'http-agent', proto: hp, key: 'addRequest' });
    let cache = null;
    try { const M = process.getBuiltinModule('node:module'); cache = M && M._cache; } catch {}
    if (!isObj(cache)) return;
    const keys = Object.keys(cache);
    if (!force && keys.length === cacheSize) return;
    cacheSize = keys.length;
    for (const k of keys) {
      if (!CACHE_FILE.test(k)) continue;
      try {
        const ex = cache[k] && cache[k].exports;
        for (const c of [ex, isObj(ex) ? ex.Pool : undefined]) {
          if (!isFn(c) || !isObj(c.prototype)) continue;
          const s = scan(c.prototype);
          if (s !== null) hookAt(s);
        }
      } catch {}
    }
  };
  const summary = () => {
    prune();
    return { discovered: entries.length, hooked: [...libs].sort(), dropped };
  };
  // The heap search's result: every EventEmitter (and subclass) instance.
  const collect = (list) => {
    if (!active || !Array.isArray(list)) return summary();
    for (let i = 0; i < list.length; i++) {
      const o = list[i];
      try {
        if (!isObj(o) || hasOwn.call(o, 'constructor')) continue; // a prototype
        consider(o);
        // knex's client (an EventEmitter) holds its tarn pool as 'pool'.
        const d = getDesc(o, 'pool');
        if (d && isObj(d.value) && !seen.has(d.value)) {
          consider(d.value, 'knex' + (typeof o.dialect === 'string' ? ' ' + o.dialect.slice(0, 40) : ''));
        }
      } catch {}
    }
    return summary();
  };

  // ---- readers: the same counters as src/agent/adapters.ts ----
  const sortCap = (origins, maxOrigins) => {
    origins.sort((a, b) => b.size + b.waiting - (a.size + a.waiting));
    return origins.slice(0, Math.max(0, maxOrigins));
  };
  const sum = (origins) => {
    const t = { size: 0, inUse: 0, idle: 0, waiting: 0 };
    for (const o of origins) { t.size += o.size; t.inUse += o.inUse; t.idle += o.idle; t.waiting += o.waiting; }
    return t;
  };
  const fromUndiciStats = (st) => {
    const connected = st.connected === true ? 1 : cnt(st.connected); // ClientStats: a boolean
    if (typeof st.free === 'number') {
      const idle = Math.min(connected, cnt(st.free));
      return { size: connected, inUse: connected - idle, idle, waiting: cnt(st.queued) };
    }
    const inUse = cnt(st.running) > 0 ? connected : 0;
    return { size: connected, inUse, idle: connected - inUse, waiting: cnt(st.pending) };
  };
  const readHttpAgent = (a, maxOrigins) => {
    const sockets = a.sockets, free = a.freeSockets, requests = a.requests;
    const perMax = lim(a.maxSockets);
    const keys = new Set([...Object.keys(sockets), ...Object.keys(free), ...Object.keys(requests)]);
    const origins = [];
    for (const origin of keys) {
      const inUse = len(sockets[origin]);
      const idle = len(free[origin]);
      const waiting = len(requests[origin]);
      if (inUse + idle + waiting === 0) continue;
      origins.push({ origin, size: inUse + idle, inUse, idle, waiting, max: perMax });
    }
    const max = lim(a.maxTotalSockets) ?? (perMax === null ? null : perMax * Math.max(1, origins.length));
    return { ...sum(origins), max, perOrigin: sortCap(origins, maxOrigins) };
  };
  const readUndiciPool = (p) => {
    const st = p.stats;
    // A Client on its own is one connection.
    const max = lim(sym(p, 'connections')) ?? (typeof st.free === 'number' ? null : 1);
    return { ...fromUndiciStats(st), max };
  };
  const readUndiciAgent = (a, maxOrigins) => {
    const st = a.stats;
    const opt = sym(a, 'options');
    const perMax = isObj(opt) ? lim(opt.connections) : null;
    const origins = [];
    for (const origin of Object.keys(st)) {
      const s = st[origin];
      if (!isObj(s)) continue;
      origins.push({ origin, ...fromUndiciStats(s), max: perMax });
    }
    const max = perMax === null ? null : perMax * Math.max(1, origins.length);
    return { ...sum(origins), max, perOrigin: sortCap(origins, maxOrigins) };
  };
  const readGenericPool = (p) => ({
    size: cnt(p.size), max: lim(p.max), min: cnt(p.min),
    inUse: cnt(p.borrowed), idle: cnt(p.available), waiting: cnt(p.pending),
  });
  const readTarn = (p) => {
    const call = (name) => (isFn(p[name]) ? cnt(p[name]()) : 0);
    const inUse = call('numUsed');
    const idle = call('numFree');
    return { size: inUse + idle, max: lim(p.max), min: cnt(p.min), inUse, idle, waiting: call('numPendingAcquires') };
  };
  const readPg = (p) => {
    const size = cnt(p.totalCount);
    const idle = Math.min(size, cnt(p.idleCount));
    const opt = p.options;
    return { size, max: isObj(opt) ? lim(opt.max) : null, inUse: size - idle, idle, waiting: cnt(p.waitingCount) };
  };
  const counters = (kind, o, maxOrigins) => {
    switch (kind) {
      case 'http-agent': return readHttpAgent(o, maxOrigins);
      case 'undici-pool': return readUndiciPool(o);
      case 'undici-agent': return readUndiciAgent(o, maxOrigins);
      case 'generic-pool': return readGenericPool(o);
      case 'tarn': return readTarn(o);
      case 'pg': return readPg(o);
    }
    throw new Error('no reader for this kind of pool');
  };
  const readOne = (e, o, maxOrigins) => {
    const base = { name: nameOf(e), kind: e.kind, source: 'discovered', canReleaseIdle: false };
    try {
      return { ...base, ...counters(e.kind, o, maxOrigins) };
    } catch (err) {
      return { ...base, size: 0, max: null, inUse: 0, idle: 0, waiting: 0, error: String((err && err.message) || err).slice(0, 200) };
    }
  };
  // undici dispatchers another dispatcher owns (an Agent's pools, a Pool's clients).
  const ownedBy = (d, out, depth) => {
    if (!isObj(d) || depth > 3) return;
    const c = sym(d, 'clients');
    const add = (x) => {
      if (isObj(x) && !out.has(x)) { out.add(x); ownedBy(x, out, depth + 1); }
    };
    if (Array.isArray(c)) for (const x of c) add(x);
    else if (c instanceof Map) {
      for (const v of c.values()) {
        if (isObj(v) && isObj(v.dispatcher)) add(v.dispatcher);
        else if (isObj(v) && isFn(v.deref)) add(v.deref());
        else add(v);
      }
    }
  };
  // One read: pools still alive, not shown already (tracked with the agent, or a global
  // pool) and not owned by another dispatcher; at most 'room' of them.
  const read = (shown, room, maxOrigins) => {
    if (Date.now() - refreshedAt >= REFRESH_MS) { try { refresh(false); } catch {} }
    const owned = new Set();
    for (const p of shown) { try { ownedBy(p, owned, 0); } catch {} }
    const live = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const o = e.ref.deref();
      let drop = o === undefined || shown.has(o);
      if (!drop) { try { drop = isEnded(o, e.kind); } catch { drop = true; } }
      if (drop) { entries.splice(i--, 1); continue; }
      live.push([e, o]);
      if (e.kind === 'undici-pool' || e.kind === 'undici-agent') { try { ownedBy(o, owned, 0); } catch {} }
    }
    const pools = [];
    let truncated = false;
    for (const [e, o] of live) {
      if (owned.has(o)) {
        const j = entries.indexOf(e);
        if (j >= 0) entries.splice(j, 1);
        continue;
      }
      if (pools.length >= room) { truncated = true; continue; }
      pools.push(readOne(e, o, maxOrigins));
    }
    return { pools, truncated };
  };
  const uninstall = (token) => {
    if (token !== TOKEN || !active) return false;
    active = false;
    let restored = 0;
    let left = 0;
    for (const h of hooks) {
      h.on = false;
      const d = getDesc(h.proto, h.key);
      if (d && d.value === h.wrapper) {
        try { defineProp(h.proto, h.key, h.desc); restored++; continue; } catch {}
      }
      left++; // wrapped again by someone else: ours stays as a pass-through
    }
    hooks.length = 0;
    entries.length = 0;
    if (g[KEY] === state) delete g[KEY];
    return { restored, left };
  };
  const state = { version: 1, token: TOKEN, refresh, summary, collect, read, uninstall };
  defineProp(g, KEY, { value: state, configurable: true, enumerable: false, writable: true });
  refresh(true);
  return ${returnWalkPrototype ? 'walkPrototype()' : 'summary()'};
})()`;
}

/** Runtime.callFunctionOn on the heap search's result array: classifies and stores. */
export const DISCOVERY_COLLECT_FUNCTION = `function (token) {
  const d = globalThis[Symbol.for(${KEY})];
  if (!d || d.version !== 1 || d.token !== token) return null;
  return d.collect(this);
}`;

/** Undoes what the install did, if it is still ours; evaluates to { restored, left } or false. */
export const discoveryUninstallSource = (token: string): string => `(() => {
  const d = globalThis[Symbol.for(${KEY})];
  return d && d.version === 1 && typeof d.uninstall === 'function' ? d.uninstall(${JSON.stringify(token)}) : false;
})()`;

/** Evaluates to true while a discovery state is installed (tests and diagnostics). */
export const DISCOVERY_PRESENT_SOURCE = `Symbol.for(${KEY}) in globalThis`;

// The demo target the dashboard can start for a first look: a small HTTP service
// doing real work per request (JSON parsing and SHA-256 hashing), driven by its own
// load loop through two connection pools (an undici Pool and a keep-alive http.Agent),
// with an object pool for scratch buffers (src/agent-pools, on generic-pool) and a
// slow, capped leak (a cache of DemoLeakEntry objects) for the leak detector to find.
// The pools are published with the agent (src/agent, trackPool), so the dashboard's
// pool panel has data at once; every 15 s a burst saturates the undici Pool briefly.
// A small worker-thread pool (node:worker_threads, named hash-worker-N) takes a share of
// the hashing, so the dashboard shows worker threads with their own heap, event loop
// and GC next to the main thread.
// The demo runs from the repository: undici comes from node_modules, and the agent
// (TypeScript) is loaded with tsx's tsImport. Without tsx it still runs, unpublished.
//
// Environment: DEMO_PORT (default 0 = any free port), DEMO_LEAK_BYTES_PER_SEC
// (default 4096), DEMO_LEAK_CAP_BYTES (default 32 MiB), DEMO_RPS (default 40),
// DEMO_WORKERS (worker threads, default 2; 0 for none).
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Worker } from 'node:worker_threads';

const LEAK_BYTES_PER_SEC = Number(process.env.DEMO_LEAK_BYTES_PER_SEC ?? 4096);
const LEAK_CAP_BYTES = Number(process.env.DEMO_LEAK_CAP_BYTES ?? 32 * 1024 * 1024);
const REQUESTS_PER_SEC = Number(process.env.DEMO_RPS ?? 40);
const BURST_EVERY_MS = 15_000;
const BURST_REQUESTS = 40;
const WORKER_THREADS = Math.min(Math.max(Number(process.env.DEMO_WORKERS ?? 2) || 0, 0), 8);

/** Each hash worker digests jobs and keeps its last results (a small heap of its own). */
const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const recent = [];
parentPort.on('message', (job) => {
  let digest = job.seed;
  for (let i = 0; i < job.rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
  recent.push({ seed: job.seed, digest, at: Date.now() });
  if (recent.length > 2000) recent.splice(0, 1000);
  parentPort.postMessage(digest.length);
});
`;

function startHashWorkers() {
  const workers = [];
  for (let i = 1; i <= WORKER_THREADS; i++) {
    const w = new Worker(HASH_WORKER_SOURCE, { eval: true, name: `hash-worker-${i}` });
    w.on('error', (err) => console.error(`demo-service: hash-worker-${i} failed: ${err.message}`));
    w.unref();
    workers.push(w);
  }
  let next = 0;
  return {
    submit(rounds) {
      if (workers.length === 0) return;
      workers[next++ % workers.length].postMessage({ seed: Math.random().toString(36), rounds });
    },
    stop: () => Promise.all(workers.map((w) => w.terminate())),
  };
}
const hashWorkers = startHashWorkers();

/** The agent and the object pool, or stand-ins when tsx is not available. */
async function loadPoolLibraries() {
  try {
    const { tsImport } = await import('tsx/esm/api');
    const agent = await tsImport('../src/agent/index.ts', import.meta.url);
    const pools = await tsImport('../src/agent-pools/object-pool.ts', import.meta.url);
    return { trackPool: agent.trackPool, ObjectPool: pools.ObjectPool };
  } catch (err) {
    console.error(`demo-service: pools are not published (${err && err.message})`);
    return { trackPool: () => () => undefined, ObjectPool: MiniPool };
  }
}

/** Fallback only: unbounded reuse list with the same acquire/release/stats surface. */
class MiniPool {
  constructor({ create, max }) {
    Object.assign(this, { create, max, free: [], inUse: 0, borrowed: 0, returned: 0 });
  }
  async acquire() {
    this.borrowed++;
    this.inUse++;
    return this.free.pop() ?? this.create();
  }
  release(item) {
    this.returned++;
    this.inUse--;
    if (this.free.length < this.max) this.free.push(item);
  }
  stats() {
    return {
      inUse: this.inUse,
      idle: this.free.length,
      borrowed: this.borrowed,
      returned: this.returned,
    };
  }
}

const { trackPool, ObjectPool } = await loadPoolLibraries();

/** What leaks: one entry per tick, never evicted until the cap. */
class DemoLeakEntry {
  constructor(key, bytes) {
    this.key = key;
    this.createdAtMs = Date.now();
    this.payload = 'x'.repeat(bytes);
  }
}

const scratchPool = new ObjectPool({
  create: () => ({ buffer: Buffer.alloc(16 * 1024), uses: 0 }),
  max: 32,
  acquireTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
});
trackPool('scratch buffers', scratchPool);
const leakCache = new Map();
let leakBytes = 0;
let leakSeq = 0;

async function handleWork(body) {
  const scratch = await scratchPool.acquire();
  try {
    const input = JSON.parse(body || '{}');
    const rounds = Math.min(Math.max(Number(input.rounds) || 50, 1), 500);
    let digest = String(input.seed ?? 'demo');
    for (let i = 0; i < rounds; i++) {
      const written = scratch.buffer.write(digest, 0);
      digest = createHash('sha256').update(scratch.buffer.subarray(0, written)).digest('hex');
    }
    scratch.uses++;
    return { digest, rounds, pool: scratchPool.stats() };
  } finally {
    scratchPool.release(scratch);
  }
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/work') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
      if (body.length > 64 * 1024) req.destroy();
    });
    req.on('end', () => {
      handleWork(body).then(
        (result) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result));
        },
        (err) => {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: String(err && err.message) }));
        },
      );
    });
    return;
  }
  if (req.url.startsWith('/slow')) {
    // A slow upstream call (a database, another service): holds a pooled connection.
    const ms = Math.min(
      Math.max(Number(new URL(req.url, 'http://x').searchParams.get('ms')) || 200, 1),
      2_000,
    );
    setTimeout(() => res.end('slow ok'), ms);
    return;
  }
  if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ pool: scratchPool.stats(), leakEntries: leakCache.size, leakBytes }));
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 5_000;

// The client side: two connection pools hitting ourselves, half the load each.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 4 });
trackPool('http keep-alive agent', agent);
let undiciPool = null;

function workBody() {
  return JSON.stringify({ seed: Math.random().toString(36), rounds: 20 + (leakSeq % 80) });
}

function fireRequest(port) {
  const body = workBody();
  const req = http.request(
    {
      host: '127.0.0.1',
      port,
      path: '/work',
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => res.resume(),
  );
  req.on('error', () => undefined);
  req.end(body);
}

function fireSlow(port, viaUndici, ms) {
  if (viaUndici) {
    undiciPool
      ?.request({ path: `/slow?ms=${ms}`, method: 'GET' })
      .then((r) => r.body.dump())
      .catch(() => undefined);
    return;
  }
  http
    .get({ host: '127.0.0.1', port, path: `/slow?ms=${ms}`, agent }, (res) => res.resume())
    .on('error', () => undefined);
}

function fireUndici() {
  if (!undiciPool) return;
  undiciPool
    .request({
      path: '/work',
      method: 'POST',
      body: workBody(),
      headers: { 'content-type': 'application/json' },
    })
    .then((r) => r.body.dump())
    .catch(() => undefined);
}

function leakTick() {
  // Ten ticks a second; stop growing at the cap so the demo never eats the machine.
  const bytes = Math.max(1, Math.round(LEAK_BYTES_PER_SEC / 10));
  if (leakBytes + bytes > LEAK_CAP_BYTES) return;
  const key = `entry-${leakSeq++}`;
  leakCache.set(key, new DemoLeakEntry(key, bytes));
  leakBytes += bytes;
}

const parentPid = process.ppid;
server.listen(Number(process.env.DEMO_PORT ?? 0), '127.0.0.1', async () => {
  const { port } = server.address();
  try {
    const { Pool } = await import('undici');
    undiciPool = new Pool(`http://127.0.0.1:${port}`, { connections: 6, pipelining: 1 });
    trackPool('undici upstream', undiciPool, { max: 6 });
  } catch (err) {
    console.error(`demo-service: undici is not available (${err && err.message})`);
  }
  const perTick = Math.max(1, Math.round(REQUESTS_PER_SEC / 10));
  const timers = [
    setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        if (i % 2 === 0) fireRequest(port);
        else fireUndici();
      }
      // A steady trickle of slow calls keeps a few connections in use.
      fireSlow(port, false, 250);
      fireSlow(port, true, 150);
      // Some hashing goes to the worker threads.
      hashWorkers.submit(200 + (leakSeq % 300));
    }, 100),
    setInterval(() => {
      // Slow calls beyond the pool's 6 connections: in use hits the limit, callers queue.
      for (let i = 0; i < BURST_REQUESTS; i++) fireSlow(port, true, 400);
    }, BURST_EVERY_MS),
    setInterval(leakTick, 100),
    // Started by the dashboard: do not outlive it.
    setInterval(() => {
      if (process.ppid !== parentPid) shutdown();
    }, 2_000),
  ];
  function shutdown() {
    for (const t of timers) clearInterval(t);
    agent.destroy();
    undiciPool?.destroy().catch(() => undefined);
    void hashWorkers.stop();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1_000).unref();
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log(`demo-service listening on http://127.0.0.1:${port}`);
  console.log(`ready ${port}`);
});

// The demo target the dashboard can start for a first look: a small HTTP service
// doing real work per request (JSON parsing and SHA-256 hashing), driven by its own
// load loop through a keep-alive connection pool, with an object pool for scratch
// buffers and a slow, capped leak (a cache of DemoLeakEntry objects) for the leak
// detector to find. Node built-ins only.
//
// Environment: DEMO_PORT (default 0 = any free port), DEMO_LEAK_BYTES_PER_SEC
// (default 4096), DEMO_LEAK_CAP_BYTES (default 32 MiB), DEMO_RPS (default 40).
import { createHash } from 'node:crypto';
import http from 'node:http';

const LEAK_BYTES_PER_SEC = Number(process.env.DEMO_LEAK_BYTES_PER_SEC ?? 4096);
const LEAK_CAP_BYTES = Number(process.env.DEMO_LEAK_CAP_BYTES ?? 32 * 1024 * 1024);
const REQUESTS_PER_SEC = Number(process.env.DEMO_RPS ?? 40);

/** A bounded pool of reusable scratch objects: borrow, return, idle trimming. */
class ObjectPool {
  constructor(create, maxSize) {
    this.create = create;
    this.maxSize = maxSize;
    this.free = [];
    this.borrowed = 0;
    this.returned = 0;
    this.created = 0;
    this.inUse = 0;
  }
  acquire() {
    this.borrowed++;
    this.inUse++;
    const item = this.free.pop();
    if (item) return item;
    this.created++;
    return this.create();
  }
  release(item) {
    this.returned++;
    this.inUse--;
    if (this.free.length < this.maxSize) this.free.push(item);
  }
  trim(keep) {
    this.free.length = Math.min(this.free.length, keep);
  }
  stats() {
    return {
      size: this.free.length + this.inUse,
      free: this.free.length,
      inUse: this.inUse,
      maxSize: this.maxSize,
      borrowed: this.borrowed,
      returned: this.returned,
      created: this.created,
      efficiency: this.borrowed === 0 ? 1 : this.returned / this.borrowed,
    };
  }
}

/** What leaks: one entry per tick, never evicted until the cap. */
class DemoLeakEntry {
  constructor(key, bytes) {
    this.key = key;
    this.createdAtMs = Date.now();
    this.payload = 'x'.repeat(bytes);
  }
}

const scratchPool = new ObjectPool(() => ({ buffer: Buffer.alloc(16 * 1024), uses: 0 }), 32);
const leakCache = new Map();
let leakBytes = 0;
let leakSeq = 0;

function handleWork(body) {
  const scratch = scratchPool.acquire();
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
      try {
        const result = handleWork(body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err && err.message) }));
      }
    });
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

// The client side: a connection pool (keep-alive, at most 8 sockets) hitting ourselves.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 4 });

function fireRequest(port) {
  const body = JSON.stringify({ seed: Math.random().toString(36), rounds: 20 + (leakSeq % 80) });
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

function leakTick() {
  // Ten ticks a second; stop growing at the cap so the demo never eats the machine.
  const bytes = Math.max(1, Math.round(LEAK_BYTES_PER_SEC / 10));
  if (leakBytes + bytes > LEAK_CAP_BYTES) return;
  const key = `entry-${leakSeq++}`;
  leakCache.set(key, new DemoLeakEntry(key, bytes));
  leakBytes += bytes;
}

const parentPid = process.ppid;
server.listen(Number(process.env.DEMO_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const perTick = Math.max(1, Math.round(REQUESTS_PER_SEC / 10));
  const timers = [
    setInterval(() => {
      for (let i = 0; i < perTick; i++) fireRequest(port);
    }, 100),
    setInterval(leakTick, 100),
    setInterval(() => scratchPool.trim(8), 10_000),
    // Started by the dashboard: do not outlive it.
    setInterval(() => {
      if (process.ppid !== parentPid) shutdown();
    }, 2_000),
  ];
  function shutdown() {
    for (const t of timers) clearInterval(t);
    agent.destroy();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1_000).unref();
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log(`demo-service listening on http://127.0.0.1:${port}`);
  console.log(`ready ${port}`);
});

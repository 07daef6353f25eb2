// The agent as plain JavaScript: `npm run build:agent` (what `prepare` runs on npm
// install) builds out/agent, and a service in a folder of its own, whose
// node_modules/resource-dashboard links to this repo, uses it with
// require('resource-dashboard/agent') (CommonJS) and with import (ES module), no
// loader; the pool it tracks shows in the monitor, once, as tracked (the discovery,
// which would find the same http.Agent, sets it apart). TypeScript resolves the types
// for both.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMonitor, type Monitor } from '../../src/monitor/index';
import type { PoolSample } from '../../src/shared/pool-model';
import { startFixture, stopAllFixtures } from '../fixtures/harness';
import { ROOT } from './metrics-helpers';

const run = promisify(execFile);
let dir: string;
const monitors: Monitor[] = [];

// The same service twice: tracks an http.Agent (maxSockets 4) and holds 6 requests
// through it; a second agent (maxSockets 2) it does not track holds one.
const body = (load: string) => `${load}
const held = [];
const server = http.createServer((req, res) => held.push(res));
server.listen(0, '127.0.0.1', () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const other = new http.Agent({ keepAlive: true, maxSockets: 2 });
  globalThis.keepAgents = [agent, other];
  trackPool('orders-api', agent);
  const get = (a) => http.get({ host: '127.0.0.1', port: server.address().port, path: '/', agent: a }).on('error', () => {});
  for (let i = 0; i < 6; i++) get(agent);
  get(other);
  setInterval(() => {}, 1000);
  console.log('ready', typeof POOL_STATS);
});
`;

beforeAll(async () => {
  await run('npm', ['run', 'build:agent'], { cwd: ROOT });
  dir = mkdtempSync(path.join(tmpdir(), 'resdash-agent-pkg-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'resource-dashboard'), 'dir');
  writeFileSync(
    path.join(dir, 'service.cjs'),
    body(
      "const http = require('node:http');\nconst { trackPool, POOL_STATS } = require('resource-dashboard/agent');",
    ),
  );
  writeFileSync(
    path.join(dir, 'service.mjs'),
    body(
      "import http from 'node:http';\nimport { trackPool, POOL_STATS } from 'resource-dashboard/agent';",
    ),
  );
}, 120_000);

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((m) => m.dispose()));
  await stopAllFixtures();
});
afterAll(async () => {
  await stopAllFixtures();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('resource-dashboard/agent as plain JavaScript', () => {
  it.each(['service.cjs', 'service.mjs'])(
    '%s tracks a pool with no loader and the monitor shows it once, as tracked',
    async (file) => {
      const f = await startFixture(path.join(dir, file));
      expect(f.output()).toMatch(/ready symbol/);
      const m = createMonitor({ recording: false });
      monitors.push(m);
      const seen: PoolSample[] = [];
      m.on('pools', (b) => seen.push(...b.samples));
      await m.attach({ port: f.port!, intervalMs: 250 });
      const sample = await new Promise<PoolSample>((resolve, reject) => {
        const deadline = Date.now() + 20_000;
        const poll = setInterval(() => {
          const s = seen.find(
            (x) =>
              x.pools.some((p) => p.name === 'orders-api' && p.inUse === 4 && p.waiting === 2) &&
              x.pools.some((p) => p.name === 'http.Agent (maxSockets 2)' && p.inUse === 1),
          );
          if (s) {
            clearInterval(poll);
            resolve(s);
          } else if (Date.now() > deadline) {
            clearInterval(poll);
            reject(new Error(`no tracked pool; last read: ${JSON.stringify(seen.at(-1))}`));
          }
        }, 25);
      });
      expect(sample.pools.find((p) => p.name === 'orders-api')).toMatchObject({
        kind: 'http-agent',
        source: 'agent',
        max: 4,
      });
      expect(sample.pools.find((p) => p.name === 'http.Agent (maxSockets 2)')).toMatchObject({
        source: 'discovered',
      });
      // The tracked agent is found too, but tracked wins: never a second entry for it.
      await new Promise((r) => setTimeout(r, 600));
      for (const s of seen) {
        expect(s.pools.filter((p) => p.kind === 'http-agent' && p.max === 4)).toHaveLength(
          s.pools.some((p) => p.name === 'orders-api') ? 1 : 0,
        );
      }
    },
  );

  it('TypeScript finds its types for import and for require', async () => {
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(
      path.join(dir, 'a.mts'),
      "import { trackPool } from 'resource-dashboard/agent';\nconst untrack: () => void = trackPool('x', {});\nuntrack();\n",
    );
    writeFileSync(
      path.join(dir, 'b.cts'),
      "import agent = require('resource-dashboard/agent');\nconst untrack: () => void = agent.trackPool('x', {});\nuntrack();\n",
    );
    symlinkSync(path.join(ROOT, 'node_modules/@types'), path.join(dir, 'node_modules/@types'));
    await run(
      process.execPath,
      [
        path.join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--types',
        'node',
        'a.mts',
        'b.cts',
      ],
      { cwd: dir },
    );
  }, 60_000);
});

// A Prometheus endpoint for attached processes: GET /metrics on a loopback address.
// Gauges come from each live target's latest sample; GC and pool figures from the
// monitor's events. Names follow prom-client's default Node.js metrics where the
// meaning is the same; CPU is a utilization gauge (we see a percent per interval,
// not the process's cumulative CPU seconds, so a counter would lie).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MonitorApi } from '../../shared/contract';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import {
  GC_KINDS,
  type GcKind,
  type Sample,
  type TargetId,
  type TargetInfo,
} from '../../shared/model';
import type { MetricsStatus } from '../../shared/report-model';
import { poolReads } from '../report/render-html';
import { renderFamilies, type Family, type Series } from './exposition';

export const METRICS_PATH = '/metrics';
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

type Source = Pick<MonitorApi, 'listTargets' | 'getHistory' | 'on'>;

interface TargetState {
  latest: Sample | null;
  gc: Record<GcKind, { count: number; sumSeconds: number }>;
  pools: unknown[] | null;
}

function emptyGc(): TargetState['gc'] {
  return Object.fromEntries(
    GC_KINDS.map((k) => [k, { count: 0, sumSeconds: 0 }]),
  ) as TargetState['gc'];
}

export function validateMetricsListen(
  host: unknown,
  port: unknown,
): { host: string; port: number } {
  const h = host ?? '127.0.0.1';
  if (typeof h !== 'string' || !LOOPBACK.has(h)) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      'The metrics endpoint listens on loopback only: 127.0.0.1, ::1 or localhost.',
    );
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, 'port must be a TCP port between 0 and 65535.');
  }
  return { host: h, port };
}

export class MetricsExporter {
  readonly #state = new Map<TargetId, TargetState>();
  readonly #off: Array<() => void> = [];
  #server: Server | null = null;
  #status: MetricsStatus = { listening: false, url: null, port: null };

  constructor(
    private readonly source: Source,
    private readonly options: { include?: (t: TargetInfo) => boolean } = {},
  ) {
    this.#off.push(
      source.on('samples', (batch) => {
        const st = this.#target(batch.targetId);
        for (const s of batch.samples) {
          if (st.latest && s.timestampMs <= st.latest.timestampMs) continue;
          st.latest = s;
          if (!s.gc) continue;
          for (const k of GC_KINDS) {
            st.gc[k].count += s.gc[k].count;
            st.gc[k].sumSeconds += s.gc[k].totalMs / 1000;
          }
        }
      }),
    );
    const onPools = source.on as (e: string, l: (p: unknown) => void) => () => void;
    try {
      this.#off.push(
        onPools('pools', (payload) => {
          const id = (payload as { targetId?: unknown } | null)?.targetId;
          if (typeof id !== 'string') return;
          const reads = poolReads(payload, Date.now());
          const last = reads[reads.length - 1];
          if (last) this.#target(id).pools = last.pools;
        }),
      );
    } catch {
      // no pools event in this monitor
    }
  }

  get status(): MetricsStatus {
    return { ...this.#status };
  }

  async listen(host: string, port: number): Promise<MetricsStatus> {
    const v = validateMetricsListen(host, port);
    if (this.#server) await this.close();
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      if (path !== METRICS_PATH) {
        res
          .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end(`Metrics are at ${METRICS_PATH}\n`);
        return;
      }
      this.render().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          res
            .writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
            .end(String(err) + '\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'EADDRINUSE'
            ? new MonitorError(
                ErrorCodes.PORT_TAKEN,
                `Port ${v.port} on ${v.host} is already in use; pick another with --listen.`,
              )
            : new MonitorError(
                ErrorCodes.INTERNAL,
                `Cannot listen on ${v.host}:${v.port}: ${err.message}`,
              ),
        );
      });
      server.listen(v.port, v.host, () => resolve());
    });
    this.#server = server;
    const actual = (server.address() as AddressInfo).port;
    const hostInUrl = v.host.includes(':') ? `[${v.host}]` : v.host;
    this.#status = {
      listening: true,
      port: actual,
      url: `http://${hostInUrl}:${actual}${METRICS_PATH}`,
    };
    return this.status;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#status = { listening: false, url: null, port: null };
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async dispose(): Promise<void> {
    for (const off of this.#off.splice(0)) off();
    await this.close();
  }

  /** The exposition text for every live target. */
  async render(): Promise<string> {
    const targets = (await this.source.listTargets({})).filter(
      (t) => t.status !== 'detached' && (this.options.include?.(t) ?? true),
    );
    for (const t of targets) {
      const st = this.#target(t.id);
      if (!st.latest) {
        const recent = await this.source
          .getHistory({ targetId: t.id, fromMs: Date.now() - 60_000 })
          .catch(() => []);
        st.latest = recent[recent.length - 1] ?? null;
      }
    }
    return renderFamilies(buildFamilies(targets, (id) => this.#state.get(id)));
  }

  #target(id: TargetId): TargetState {
    let st = this.#state.get(id);
    if (!st) this.#state.set(id, (st = { latest: null, gc: emptyGc(), pools: null }));
    return st;
  }
}

function buildFamilies(
  targets: readonly TargetInfo[],
  stateOf: (id: TargetId) => TargetState | undefined,
): Family[] {
  const families = new Map<string, Family>();
  const family = (name: string, type: Family['type'], help: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type, help, series: [] }));
    return f;
  };
  const put = (
    f: Family,
    labels: Record<string, string>,
    value: number | null,
    suffix = '',
  ): void => {
    if (value === null || !Number.isFinite(value)) return; // a gap: no series, never a zero
    f.series.push({ name: f.name + suffix, labels, value } satisfies Series);
  };
  const gauge = (name: string, help: string) => family(name, 'gauge', help);
  for (const t of targets) {
    const st = stateOf(t.id);
    const base = { target: t.id, pid: t.pid === null ? '' : String(t.pid), process: t.title };
    put(
      gauge(
        'resdash_target_up',
        'Whether the target answers in time (1) or is unresponsive or paused (0).',
      ),
      base,
      t.status === 'attached' ? 1 : 0,
    );
    const s = st?.latest;
    if (s) {
      const sec = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
      put(
        gauge('process_resident_memory_bytes', 'Resident memory size in bytes.'),
        base,
        s.rssBytes,
      );
      put(
        gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.'),
        base,
        s.heapUsedBytes,
      );
      put(
        gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.'),
        base,
        s.heapTotalBytes,
      );
      put(
        gauge('nodejs_heap_size_limit_bytes', 'V8 heap size limit in bytes.'),
        base,
        s.heapLimitBytes,
      );
      put(
        gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.'),
        base,
        s.externalBytes,
      );
      put(
        gauge(
          'nodejs_array_buffers_bytes',
          'Memory of ArrayBuffers and SharedArrayBuffers in bytes.',
        ),
        base,
        s.arrayBuffersBytes,
      );
      put(
        gauge(
          'process_cpu_utilization_ratio',
          'CPU used over the last sample interval as a share of one core (1 = one full core).',
        ),
        base,
        s.cpuPercent === null ? null : s.cpuPercent / 100,
      );
      put(
        gauge(
          'nodejs_eventloop_lag_p50_seconds',
          'The 50th percentile of the recorded event loop delays over the last interval.',
        ),
        base,
        sec(s.eventLoopDelayP50Ms),
      );
      put(
        gauge(
          'nodejs_eventloop_lag_p99_seconds',
          'The 99th percentile of the recorded event loop delays over the last interval.',
        ),
        base,
        sec(s.eventLoopDelayP99Ms),
      );
      put(
        gauge(
          'nodejs_eventloop_lag_max_seconds',
          'The maximum recorded event loop delay over the last interval.',
        ),
        base,
        sec(s.eventLoopDelayMaxMs),
      );
      put(
        gauge(
          'nodejs_eventloop_utilization_ratio',
          'Event loop utilization over the last interval, 0..1.',
        ),
        base,
        s.eventLoopUtilization,
      );
      put(gauge('process_open_fds', 'Number of open file descriptors.'), base, s.openFds);
      put(gauge('process_threads', 'Number of OS threads.'), base, s.threads);
      if (s.activeResources) {
        const f = gauge(
          'nodejs_active_resources',
          'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
        );
        let total = 0;
        for (const [type, n] of Object.entries(s.activeResources)) {
          put(f, { ...base, type }, n);
          total += n;
        }
        put(
          gauge('nodejs_active_resources_total', 'Total number of active resources.'),
          base,
          total,
        );
      }
    }
    if (st) {
      const f = family(
        'nodejs_gc_duration_seconds',
        'summary',
        'Garbage collection pause time by kind, since the exporter started watching the target.',
      );
      for (const kind of GC_KINDS) {
        put(f, { ...base, kind }, st.gc[kind].sumSeconds, '_sum');
        put(f, { ...base, kind }, st.gc[kind].count, '_count');
      }
      for (const p of st.pools ?? []) {
        if (!p || typeof p !== 'object') continue;
        const pool = p as Record<string, unknown>;
        if (typeof pool.name !== 'string') continue;
        const labels = {
          ...base,
          pool: pool.name,
          pool_kind: typeof pool.kind === 'string' ? pool.kind : 'unknown',
        };
        const n = (v: unknown): number | null =>
          typeof v === 'number' && Number.isFinite(v) ? v : null;
        const count = gauge(
          'db_client_connection_count',
          'Resources of the pool by state (used: borrowed or in flight; idle: available).',
        );
        put(count, { ...labels, state: 'used' }, n(pool.inUse));
        put(count, { ...labels, state: 'idle' }, n(pool.idle));
        put(
          gauge('db_client_connection_max', 'The maximum number of resources the pool allows.'),
          labels,
          n(pool.max),
        );
        put(
          gauge(
            'db_client_connection_pending_requests',
            'Callers waiting for a resource of the pool.',
          ),
          labels,
          n(pool.waiting),
        );
      }
    }
  }
  return [...families.values()];
}

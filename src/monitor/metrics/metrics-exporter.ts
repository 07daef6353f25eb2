// A Prometheus endpoint for attached processes: GET /metrics on a loopback address.
// Gauges come from each live target's latest sample; GC and pool figures from the
// monitor's events. Names follow prom-client's default Node.js metrics where the
// meaning is the same; CPU is a utilization gauge (we see a percent per interval,
// not the process's cumulative CPU seconds, so a counter would lie). Pools use the
// OpenTelemetry db.client.connection.* names in Prometheus form.
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
import type { PoolStats } from '../../shared/pool-model';
import type { MetricsStatus } from '../../shared/report-model';
import { renderFamilies, type Family, type MetricType, type Series } from './exposition';

export const METRICS_PATH = '/metrics';
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** The names a client may use in Host for a loopback endpoint (the port is added). */
const LOOPBACK_HOST_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
}

/** Every metric family the exporter can write. The Grafana dashboard is checked against it. */
export const METRICS = {
  up: {
    name: 'resdash_target_up',
    type: 'gauge',
    help: 'Whether the target answers in time (1) or is unresponsive or paused (0).',
  },
  rss: {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    help: 'Resident memory size in bytes.',
  },
  heapUsed: {
    name: 'nodejs_heap_size_used_bytes',
    type: 'gauge',
    help: 'Process heap size used from Node.js in bytes.',
  },
  heapTotal: {
    name: 'nodejs_heap_size_total_bytes',
    type: 'gauge',
    help: 'Process heap size from Node.js in bytes.',
  },
  heapLimit: {
    name: 'nodejs_heap_size_limit_bytes',
    type: 'gauge',
    help: 'V8 heap size limit in bytes.',
  },
  external: {
    name: 'nodejs_external_memory_bytes',
    type: 'gauge',
    help: 'Node.js external memory size in bytes.',
  },
  arrayBuffers: {
    name: 'nodejs_array_buffers_bytes',
    type: 'gauge',
    help: 'Memory of ArrayBuffers and SharedArrayBuffers in bytes.',
  },
  cpu: {
    name: 'process_cpu_utilization_ratio',
    type: 'gauge',
    help: 'CPU used over the last sample interval as a share of one core (1 = one full core).',
  },
  lagP50: {
    name: 'nodejs_eventloop_lag_p50_seconds',
    type: 'gauge',
    help: 'The 50th percentile of the recorded event loop delays over the last interval.',
  },
  lagP99: {
    name: 'nodejs_eventloop_lag_p99_seconds',
    type: 'gauge',
    help: 'The 99th percentile of the recorded event loop delays over the last interval.',
  },
  lagMax: {
    name: 'nodejs_eventloop_lag_max_seconds',
    type: 'gauge',
    help: 'The maximum recorded event loop delay over the last interval.',
  },
  elu: {
    name: 'nodejs_eventloop_utilization_ratio',
    type: 'gauge',
    help: 'Event loop utilization over the last interval, 0..1.',
  },
  openFds: { name: 'process_open_fds', type: 'gauge', help: 'Number of open file descriptors.' },
  threads: { name: 'process_threads', type: 'gauge', help: 'Number of OS threads.' },
  activeResources: {
    name: 'nodejs_active_resources',
    type: 'gauge',
    help: 'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.',
  },
  gc: {
    name: 'nodejs_gc_duration_seconds',
    type: 'summary',
    help: 'Garbage collection pause time by kind, since the exporter started watching the target.',
  },
  poolCount: {
    name: 'db_client_connection_count',
    type: 'gauge',
    help: 'Resources of the pool by state (used: borrowed or in flight; idle: available).',
  },
  poolMax: {
    name: 'db_client_connection_max',
    type: 'gauge',
    help: 'The maximum number of resources the pool allows.',
  },
  poolPending: {
    name: 'db_client_connection_pending_requests',
    type: 'gauge',
    help: 'Callers waiting for a resource of the pool.',
  },
} as const satisfies Record<string, MetricDef>;

/** The sample names the exporter writes (a summary writes NAME_sum and NAME_count). */
export function exportedSampleNames(): string[] {
  return Object.values(METRICS).flatMap((m: MetricDef) =>
    m.type === 'summary' ? [`${m.name}_sum`, `${m.name}_count`] : [m.name],
  );
}

type Source = Pick<MonitorApi, 'listTargets' | 'getHistory' | 'on'>;

interface TargetState {
  latest: Sample | null;
  gc: Record<GcKind, { count: number; sumSeconds: number }>;
  pools: readonly PoolStats[] | null;
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

/** The Host values /metrics answers on a loopback socket bound to `port`. */
export function metricsAllowedHosts(port: number): string[] {
  const hosts = LOOPBACK_HOST_NAMES.map((n) => `${n}:${port}`);
  // A client may leave the default port out of Host.
  return port === 80 ? [...hosts, ...LOOPBACK_HOST_NAMES] : hosts;
}

/**
 * DNS rebinding guard: a page on evil.example that rebinds its name to 127.0.0.1 sends
 * `Host: evil.example:PORT`; only loopback names with our port are answered.
 */
export function isAllowedMetricsHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return metricsAllowedHosts(port).includes(host.toLowerCase());
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
    // Always through the source (`source.on(...)`): `on` is a method of the monitor
    // and reads its own private fields.
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
      source.on('pools', (batch) => {
        if (!batch || typeof batch.targetId !== 'string' || !Array.isArray(batch.samples)) return;
        const last = batch.samples[batch.samples.length - 1];
        if (last && Array.isArray(last.pools)) this.#target(batch.targetId).pools = last.pools;
      }),
    );
  }

  get status(): MetricsStatus {
    return { ...this.#status };
  }

  async listen(host: string, port: number): Promise<MetricsStatus> {
    const v = validateMetricsListen(host, port);
    if (this.#server) await this.close();
    const server = createServer((req, res) => {
      // The port actually bound (listen(0) picks one), read per request.
      const boundPort = (server.address() as AddressInfo | null)?.port ?? -1;
      if (!isAllowedMetricsHost(req.headers.host, boundPort)) {
        // No data for a name we do not answer to (421: this server is not that host).
        res
          .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
          .end(
            `${ErrorCodes.UNAUTHORIZED}: unexpected Host header; the metrics endpoint answers ` +
              `only for ${metricsAllowedHosts(boundPort).join(', ')}.\n`,
          );
        return;
      }
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
    const all = await this.source.listTargets({});
    // Forget what we kept for targets that are gone.
    const live = new Set(all.filter((t) => t.status !== 'detached').map((t) => t.id));
    for (const id of this.#state.keys()) if (!live.has(id)) this.#state.delete(id);
    const targets = all.filter(
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
  const family = (def: MetricDef): Family => {
    let f = families.get(def.name);
    if (!f) families.set(def.name, (f = { ...def, series: [] }));
    return f;
  };
  const put = (
    def: MetricDef,
    labels: Record<string, string>,
    value: number | null,
    suffix = '',
  ): void => {
    if (value === null || !Number.isFinite(value)) return; // a gap: no series, never a zero
    const f = family(def);
    f.series.push({ name: f.name + suffix, labels, value } satisfies Series);
  };
  const M = METRICS;
  for (const t of targets) {
    const st = stateOf(t.id);
    // A worker thread is a member of its process: thread="<threadId>", the process "main".
    const base = {
      target: t.id,
      pid: t.pid === null ? '' : String(t.pid),
      process: t.title,
      thread: t.kind === 'worker' ? String(t.threadId ?? '') : 'main',
    };
    put(M.up, base, t.status === 'attached' ? 1 : 0);
    const s = st?.latest;
    if (s) {
      const sec = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
      put(M.rss, base, s.rssBytes);
      put(M.heapUsed, base, s.heapUsedBytes);
      put(M.heapTotal, base, s.heapTotalBytes);
      put(M.heapLimit, base, s.heapLimitBytes);
      put(M.external, base, s.externalBytes);
      put(M.arrayBuffers, base, s.arrayBuffersBytes);
      put(M.cpu, base, s.cpuPercent === null ? null : s.cpuPercent / 100);
      put(M.lagP50, base, sec(s.eventLoopDelayP50Ms));
      put(M.lagP99, base, sec(s.eventLoopDelayP99Ms));
      put(M.lagMax, base, sec(s.eventLoopDelayMaxMs));
      put(M.elu, base, s.eventLoopUtilization);
      put(M.openFds, base, s.openFds);
      put(M.threads, base, s.threads);
      // No separate total: a gauge named *_total is a counter to Prometheus (promtool
      // flags it); sum by (target) (nodejs_active_resources) is the total.
      for (const [type, n] of Object.entries(s.activeResources ?? {})) {
        put(M.activeResources, { ...base, type }, n);
      }
    }
    if (st) {
      for (const kind of GC_KINDS) {
        put(M.gc, { ...base, kind }, st.gc[kind].sumSeconds, '_sum');
        put(M.gc, { ...base, kind }, st.gc[kind].count, '_count');
      }
      const seen = new Set<string>();
      for (const p of st.pools ?? []) {
        if (!p || typeof p !== 'object' || typeof p.name !== 'string') continue;
        // The target's text: two pools under one name would be one series twice.
        if (seen.has(p.name)) continue;
        seen.add(p.name);
        const labels = {
          ...base,
          pool: p.name,
          pool_kind: typeof p.kind === 'string' ? p.kind : 'unknown',
        };
        const n = (v: unknown): number | null =>
          typeof v === 'number' && Number.isFinite(v) ? v : null;
        put(M.poolCount, { ...labels, state: 'used' }, n(p.inUse));
        put(M.poolCount, { ...labels, state: 'idle' }, n(p.idle));
        put(M.poolMax, labels, n(p.max));
        put(M.poolPending, labels, n(p.waiting));
      }
    }
  }
  return [...families.values()];
}

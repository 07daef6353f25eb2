// Pool figures as the pool panel words them. Origins and counts come from the target:
// these build plain strings, which the panel renders as text.
import type { PoolStats } from '../../../shared/pool-model';
import { formatCount, formatDuration } from '../../components/format';

function looksIpv6(host: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(host)) return false;
  if (host.endsWith(':') && !host.endsWith('::')) return false;
  return host.includes('::') || host.split(':').length === 8;
}

/**
 * A per-origin key for display. http.Agent names its origins `host:port:localAddress`
 * (then `:family`, and for https more options), joined with ':' even when empty, so the
 * usual key is `127.0.0.1:45917:`; undici's are URLs and stay as they are.
 */
export function formatOrigin(origin: string): string {
  if (origin.includes('://')) return origin;
  // host:port: or host:port::4 / ::6 (the family when the agent was given one).
  const m = /^(.*):(\d*):(?::([46]))?$/.exec(origin);
  // A host with colons is an IPv6 address, or the key has more parts than these.
  if (m && (!m[1]!.includes(':') || looksIpv6(m[1]!))) {
    const [, host = '', port = '', family] = m;
    // An IPv6 host gets its brackets, so the port stays readable: [::1]:8080.
    const h = host.includes(':') ? `[${host}]` : host;
    const base = port ? `${h}:${port}` : h;
    return family ? `${base} (IPv${family})` : base;
  }
  // Anything else (a local address, https options): only the empty trailing parts go.
  return origin.replace(/:+$/, '');
}

/**
 * The waiting figure: how many callers wait, and for how long the dashboard has seen
 * callers queued without a break (not how long one caller waited), plus the oldest
 * caller's wait when the pool knows it.
 */
export function waitingText(p: Pick<PoolStats, 'waiting' | 'waitingForMs' | 'oldestWaitMs'>): {
  count: string;
  detail: string | null;
} {
  if (p.waiting <= 0) return { count: formatCount(p.waiting), detail: null };
  const parts: string[] = [];
  if (p.waitingForMs && p.waitingForMs > 0)
    parts.push(`callers queued for ${formatDuration(p.waitingForMs)}`);
  if (p.oldestWaitMs && p.oldestWaitMs > 0)
    parts.push(`oldest waiting ${formatDuration(p.oldestWaitMs)}`);
  return {
    count: `${formatCount(p.waiting)} waiting`,
    detail: parts.length > 0 ? parts.join(' · ') : null,
  };
}

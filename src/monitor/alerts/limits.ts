// Limit values from users (requests, `--limit rss=512MB`, `--limits FILE.json`) and
// from the target (RLIMIT_NOFILE). Bad input is one BAD_ARGUMENT error naming the key.
import { readFile } from 'node:fs/promises';
import { LIMIT_KEYS, type LimitKey, type Limits } from '../../shared/alert-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';

/** Short names accepted by `--limit NAME=VALUE` and in limit files. */
export const LIMIT_ALIASES: Record<string, LimitKey> = {
  rss: 'rssBytes',
  heap: 'heapUsedBytes',
  fds: 'openFds',
  threads: 'threads',
  handles: 'activeHandles',
  cpu: 'cpuPercent',
  eld: 'eventLoopDelayP99Ms',
  'event-loop-p99': 'eventLoopDelayP99Ms',
  gc: 'gcPauseMsPerSecond',
  pool: 'poolUtilizationPercent',
};

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

const MAX_LIMIT = 2 ** 50;

function bad(message: string): MonitorError {
  return new MonitorError(ErrorCodes.BAD_ARGUMENT, message);
}

function resolveKey(name: string): LimitKey {
  if ((LIMIT_KEYS as readonly string[]).includes(name)) return name as LimitKey;
  const k = LIMIT_ALIASES[name.toLowerCase()];
  if (!k) {
    throw bad(
      `Unknown limit ${JSON.stringify(name.slice(0, 60))}: use one of ${Object.keys(LIMIT_ALIASES).join(', ')}.`,
    );
  }
  return k;
}

/** A number, "off"/null (disable or use the target's own limit), or a size/duration text. */
function parseValue(key: LimitKey, raw: unknown): number | null {
  if (raw === null || raw === 'off' || raw === 'auto') return null;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw <= 0 || raw > MAX_LIMIT) {
      throw bad(`Limit ${key} must be a positive number, not ${raw}.`);
    }
    return raw;
  }
  if (typeof raw !== 'string') throw bad(`Limit ${key} must be a number, a size or "off".`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z%/]*)\s*$/i.exec(raw);
  if (!m)
    throw bad(
      `Limit ${key} expects a value like 512MB, 200ms or 80, not ${JSON.stringify(raw.slice(0, 60))}.`,
    );
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  let v: number;
  if (key === 'rssBytes' || key === 'heapUsedBytes') {
    const mult = unit === '' ? 1 : BYTE_UNITS[unit];
    if (mult === undefined) throw bad(`Limit ${key} takes a size like 512MB or 2GB.`);
    v = n * mult;
  } else if (key === 'eventLoopDelayP99Ms' || key === 'gcPauseMsPerSecond') {
    const mult = unit === '' || unit === 'ms' || unit === 'ms/s' ? 1 : unit === 's' ? 1000 : NaN;
    if (Number.isNaN(mult)) throw bad(`Limit ${key} takes milliseconds, e.g. 200ms.`);
    v = n * mult;
  } else {
    if (unit !== '' && unit !== '%') throw bad(`Limit ${key} takes a plain number.`);
    v = n;
  }
  if (!(v > 0) || v > MAX_LIMIT) throw bad(`Limit ${key} must be above zero.`);
  return v;
}

/** Validates a patch from a request or a file: known keys only, sane values. */
export function validateLimitsPatch(value: unknown): Partial<Limits> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad('limits must be an object like {"rss": "512MB", "cpuPercent": 90}.');
  }
  const out: Partial<Limits> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 64) throw bad('limits has too many keys.');
  for (const [name, raw] of entries) {
    const key = resolveKey(name);
    out[key] = parseValue(key, raw);
  }
  return out;
}

/** `rss=512MB` -> { rssBytes: 536870912 }. */
export function parseLimitFlag(text: string): Partial<Limits> {
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw bad(
      `--limit expects NAME=VALUE like rss=512MB, not ${JSON.stringify(text.slice(0, 60))}.`,
    );
  const key = resolveKey(text.slice(0, eq).trim());
  return { [key]: parseValue(key, text.slice(eq + 1).trim()) };
}

/** A JSON file of limits, e.g. {"rss": "512MB", "fds": 1000, "cpu": 90}. */
export async function readLimitsFile(path: string): Promise<Partial<Limits>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new MonitorError(
      ErrorCodes.BAD_ARGUMENT,
      `Cannot read the limits file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    );
  }
  if (text.length > 64 * 1024) throw bad(`The limits file ${path} is too large.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(`The limits file ${path} is not valid JSON.`);
  }
  return validateLimitsPatch(parsed);
}

/** Soft "Max open files" from /proc/PID/limits text; null when absent or unlimited. */
export function parseNoFileLimit(procLimits: string): number | null {
  const line = procLimits.split('\n').find((l) => l.startsWith('Max open files'));
  if (!line) return null;
  const soft = line.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (!soft || soft === 'unlimited') return null;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export async function readFdLimit(pid: number | null): Promise<number | null> {
  if (pid === null) return null;
  try {
    return parseNoFileLimit(await readFile(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return null;
  }
}

// Pure parsers for the /proc files discovery reads. No I/O here, so every format
// quirk (parentheses in comm, little-endian hex addresses, IPv6) is unit-tested on text.
import path from 'node:path';

/** Linux reports times in /proc/PID/stat in clock ticks; USER_HZ is 100 on every mainstream arch. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** TCP state 0A in /proc/net/tcp*. */
const TCP_LISTEN = '0A';

export interface ProcStat {
  pid: number;
  /** Executable name, at most 15 chars; may contain spaces and parentheses. */
  comm: string;
  state: string;
  ppid: number;
  /** Field 22: time the process started after boot, in clock ticks. */
  startTimeTicks: number;
  /** Fields 14 + 15: user + system CPU time so far, in clock ticks. */
  cpuTicks: number;
  /** Field 20. */
  threads: number;
}

/** Parses /proc/PID/stat. comm is whatever sits between the first '(' and the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field N is rest[N - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const startTimeTicks = Number(rest[19]);
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  const threads = Number(rest[17]);
  if (!Number.isInteger(pid) || state === undefined || !Number.isFinite(startTimeTicks))
    return null;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid,
    startTimeTicks,
    cpuTicks: Number.isFinite(cpuTicks) ? cpuTicks : 0,
    threads: Number.isFinite(threads) ? threads : 0,
  };
}

/** The boot time in seconds since the epoch, from the `btime` line of /proc/stat. */
export function parseBootTimeSeconds(procStatText: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStatText);
  return m ? Number(m[1]) : null;
}

export function startTimeMs(
  stat: Pick<ProcStat, 'startTimeTicks'>,
  bootTimeSeconds: number,
  ticksPerSecond = CLOCK_TICKS_PER_SECOND,
): number {
  return Math.round(bootTimeSeconds * 1000 + (stat.startTimeTicks * 1000) / ticksPerSecond);
}

/** /proc/PID/cmdline: NUL-separated argv, usually NUL-terminated. */
export function parseCmdline(raw: string | Buffer): string[] {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (text.length === 0) return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** readlink of /proc/PID/exe, minus the marker the kernel adds when the binary was replaced. */
export function cleanExePath(link: string): string {
  return link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
}

/**
 * Is this a Node process? By its executable when readable, else by argv[0].
 * `selfExecPath` also counts (the dashboard's own runtime, e.g. Electron).
 */
export function isNodeExecutable(exeOrArgv0: string | null, selfExecPath: string): boolean {
  if (!exeOrArgv0) return false;
  const exe = cleanExePath(exeOrArgv0);
  if (exe === selfExecPath) return true;
  const base = path.posix.basename(exe);
  return base === 'node' || base === 'nodejs';
}

export interface ListenSocket {
  inode: string;
  /** Text form: 127.0.0.1, 0.0.0.0, ::1, ::, ::ffff:127.0.0.1 ... */
  address: string;
  port: number;
  family: 4 | 6;
}

function hexToIpv4(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  // One 32-bit word in host byte order (little-endian on every Linux we target).
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.join('.');
}

function hexToIpv6(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  // Four 32-bit words, each in host byte order.
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(parseInt(word.slice(i, i + 2), 16));
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // IPv4-mapped: ::ffff:a.b.c.d
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  return compressIpv6(groups);
}

function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Decodes "0100007F:1F95" (IPv4) or a 32-hex-digit IPv6 address with its port. */
export function parseHexEndpoint(field: string): { address: string; port: number } | null {
  const colon = field.lastIndexOf(':');
  if (colon < 0) return null;
  const addrHex = field.slice(0, colon);
  const port = parseInt(field.slice(colon + 1), 16);
  if (!Number.isInteger(port)) return null;
  const address = addrHex.length === 8 ? hexToIpv4(addrHex) : hexToIpv6(addrHex);
  return address === null ? null : { address, port };
}

/** LISTEN rows of /proc/net/tcp or /proc/net/tcp6. */
export function parseProcNetTcp(text: string, family: 4 | 6): ListenSocket[] {
  const out: ListenSocket[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const local = parseHexEndpoint(cols[1]!);
    const inode = cols[9]!;
    if (!local || !/^\d+$/.test(inode) || inode === '0') continue;
    out.push({ inode, address: local.address, port: local.port, family });
  }
  return out;
}

/** The inode in a /proc/PID/fd link such as "socket:[12345]". */
export function socketInodeFromLink(link: string): string | null {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? m[1]! : null;
}

export function isLoopbackAddress(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '::1' ||
    address.startsWith('::ffff:127.') ||
    address === 'localhost'
  );
}

export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** The address to reach a listening socket from this machine: loopback unless bound to one interface. */
export function probeHostFor(address: string, family: 4 | 6): string {
  if (isWildcardAddress(address)) return family === 6 ? '::1' : '127.0.0.1';
  if (address.startsWith('::ffff:')) return address.slice('::ffff:'.length);
  return address;
}

// Node options that take their value as the next argument.
const OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-e',
  '--eval',
  '-p',
  '--print',
  '--inspect-port',
  '--debug-port',
  '--title',
  '-C',
  '--conditions',
  '--stack-size',
  '--max-old-space-size',
]);

/** The node options in argv (between the executable and the script). */
export function nodeOptionsOf(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || !a.startsWith('-')) break;
    out.push(a);
    if (OPTIONS_WITH_VALUE.has(a) && i + 1 < argv.length) out.push(argv[++i]!);
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') break;
  }
  return out;
}

function portOf(value: string): number | null {
  // "9230", "127.0.0.1:9230", "[::1]:9230"
  const m = /(?:^|:)(\d+)$/.exec(value);
  if (!m) return null;
  const port = Number(m[1]);
  return port >= 0 && port < 65536 ? port : null;
}

/**
 * The port SIGUSR1 will open the inspector on: 9229 unless --inspect-port (or an
 * --inspect=host:port) in the options or NODE_OPTIONS says otherwise. 0 = a random port.
 */
export function inspectorPortAfterSignal(argv: string[], nodeOptionsEnv = ''): number {
  const opts = [...nodeOptionsEnv.split(/\s+/).filter(Boolean), ...nodeOptionsOf(argv)];
  let port = 9229;
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    const value = eq < 0 ? undefined : a.slice(eq + 1);
    if (name === '--inspect-port' || name === '--debug-port') {
      const p = portOf(value ?? opts[i + 1] ?? '');
      if (p !== null) port = p;
    } else if (
      (name === '--inspect' || name === '--inspect-brk' || name === '--inspect-wait') &&
      value !== undefined
    ) {
      const p = portOf(value);
      if (p !== null) port = p;
    }
  }
  return port;
}

/** True when the node options ask to wait for a debugger before running the script. */
export function hasInspectBrk(argv: string[], nodeOptionsEnv = ''): boolean {
  const opts = [...nodeOptionsEnv.split(/\s+/).filter(Boolean), ...nodeOptionsOf(argv)];
  return opts.some((a) => /^--inspect-(brk|wait)(=|$)/.test(a));
}

/** NODE_OPTIONS from the NUL-separated /proc/PID/environ. */
export function nodeOptionsFromEnviron(raw: string | Buffer): string {
  for (const kv of parseCmdline(raw)) {
    if (kv.startsWith('NODE_OPTIONS=')) return kv.slice('NODE_OPTIONS='.length);
  }
  return '';
}

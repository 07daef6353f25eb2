import { describe, expect, it } from 'vitest';
import {
  cleanExePath,
  hasInspectBrk,
  inspectorPortAfterSignal,
  isLoopbackAddress,
  isNodeExecutable,
  nodeOptionsFromEnviron,
  nodeOptionsOf,
  parseBootTimeSeconds,
  parseCmdline,
  parseHexEndpoint,
  parseProcNetTcp,
  parseStat,
  probeHostFor,
  socketInodeFromLink,
  startTimeMs,
} from './proc-parse';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 624 1 00000000701c3918 100 0 0 10 0
   1: 0100007F:2405 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5555 1 0000000000000000 100 0 0 10 0
   2: 0100007F:AD6E 0100007F:AA9B 06 00000000:00000000 03:00000665 00000000     0        0 0 3 000000005fcb8f1b
   3: 0100007F:9C40 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 7777 1 0000000000000000 20 4 30 10 -1
   4: 0501A8C0:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 8888 1 0000000000000000 100 0 0 10 0
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:2406 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9001 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9002 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2407 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9003 1 0000000000000000 100 0 0 10 0
   3: B80D01200000000000000000EFBEADDE:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 9004 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('keeps LISTEN rows only and decodes little-endian IPv4', () => {
    expect(parseProcNetTcp(TCP, 4)).toEqual([
      { inode: '624', address: '0.0.0.0', port: 2024, family: 4 },
      { inode: '5555', address: '127.0.0.1', port: 9221, family: 4 },
      { inode: '8888', address: '192.168.1.5', port: 8080, family: 4 },
    ]);
  });

  it('decodes IPv6 loopback, wildcard, IPv4-mapped and global addresses', () => {
    expect(parseProcNetTcp(TCP6, 6).map((s) => [s.address, s.port, s.inode])).toEqual([
      ['::1', 9222, '9001'],
      ['::', 80, '9002'],
      ['::ffff:127.0.0.1', 9223, '9003'],
      ['2001:db8::dead:beef', 443, '9004'],
    ]);
  });

  it('survives empty and truncated text', () => {
    expect(parseProcNetTcp('', 4)).toEqual([]);
    expect(parseProcNetTcp('header\n   0: 0100007F:2405 00000000:0000 0A', 4)).toEqual([]);
    expect(parseProcNetTcp('header\n 0: ZZZZ:2405 00000000:0000 0A 0:0 0:0 0 0 0 5 1', 4)).toEqual(
      [],
    );
  });
});

describe('parseHexEndpoint', () => {
  it('rejects bad input', () => {
    expect(parseHexEndpoint('nope')).toBeNull();
    expect(parseHexEndpoint('0100007F')).toBeNull();
    expect(parseHexEndpoint('0100007F:2405')).toEqual({ address: '127.0.0.1', port: 9221 });
  });
});

describe('parseStat', () => {
  it('reads comm with spaces and parentheses, and field 22', () => {
    const text =
      '4242 (my (weird) app) S 1 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 11 0 39019 3133440 415 18446744073709551615';
    expect(parseStat(text)).toEqual({
      pid: 4242,
      comm: 'my (weird) app',
      state: 'S',
      ppid: 1,
      startTimeTicks: 39019,
      cpuTicks: 4,
      threads: 11,
    });
  });
  it('returns null for garbage', () => {
    expect(parseStat('')).toBeNull();
    expect(parseStat('12 no parens')).toBeNull();
  });
  it('computes the start time from btime and clock ticks', () => {
    const btime = parseBootTimeSeconds('cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n');
    expect(btime).toBe(1700000000);
    expect(startTimeMs({ startTimeTicks: 39019 }, btime!)).toBe(1700000000_000 + 390190);
    expect(parseBootTimeSeconds('cpu 1')).toBeNull();
  });
});

describe('cmdline and environ', () => {
  it('splits NUL-separated argv without a trailing empty entry', () => {
    expect(parseCmdline('node\0--inspect\0app.js\0')).toEqual(['node', '--inspect', 'app.js']);
    expect(parseCmdline(Buffer.from('a b\0c'))).toEqual(['a b', 'c']);
    expect(parseCmdline('')).toEqual([]);
  });
  it('reads NODE_OPTIONS from environ', () => {
    expect(
      nodeOptionsFromEnviron('A=1\0NODE_OPTIONS=--inspect-port=0 --max-old-space-size=100\0B=2\0'),
    ).toBe('--inspect-port=0 --max-old-space-size=100');
    expect(nodeOptionsFromEnviron('A=1\0')).toBe('');
  });
});

describe('isNodeExecutable', () => {
  it('accepts node and nodejs binaries and our own runtime, nothing else', () => {
    expect(isNodeExecutable('/usr/bin/node', '/opt/app/electron')).toBe(true);
    expect(isNodeExecutable('/usr/bin/nodejs', '/x')).toBe(true);
    expect(isNodeExecutable('/home/u/.nvm/versions/node/v20/bin/node (deleted)', '/x')).toBe(true);
    expect(isNodeExecutable('node', '/x')).toBe(true);
    expect(isNodeExecutable('/opt/app/electron', '/opt/app/electron')).toBe(true);
    expect(isNodeExecutable('/usr/bin/sleep', '/x')).toBe(false);
    expect(isNodeExecutable('/usr/bin/nodemon', '/x')).toBe(false);
    expect(isNodeExecutable(null, '/x')).toBe(false);
    expect(cleanExePath('/a/node (deleted)')).toBe('/a/node');
  });
});

describe('addresses', () => {
  it('knows loopback and how to reach a bind address locally', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
    expect(isLoopbackAddress('::')).toBe(false);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(probeHostFor('0.0.0.0', 4)).toBe('127.0.0.1');
    expect(probeHostFor('::', 6)).toBe('::1');
    expect(probeHostFor('::ffff:127.0.0.1', 6)).toBe('127.0.0.1');
    expect(probeHostFor('192.168.1.5', 4)).toBe('192.168.1.5');
    expect(socketInodeFromLink('socket:[123]')).toBe('123');
    expect(socketInodeFromLink('pipe:[123]')).toBeNull();
    expect(socketInodeFromLink('/dev/null')).toBeNull();
  });
});

describe('node options and the SIGUSR1 port', () => {
  it('stops at the script', () => {
    expect(
      nodeOptionsOf(['node', '-r', 'x', '--inspect-port=0', 'app.js', '--inspect-port=5']),
    ).toEqual(['-r', 'x', '--inspect-port=0']);
    expect(nodeOptionsOf(['node'])).toEqual([]);
  });
  it('finds the port SIGUSR1 will use', () => {
    expect(inspectorPortAfterSignal(['node', 'app.js'])).toBe(9229);
    expect(inspectorPortAfterSignal(['node', '--inspect-port=0', 'app.js'])).toBe(0);
    expect(inspectorPortAfterSignal(['node', '--inspect-port', '9333', 'app.js'])).toBe(9333);
    expect(inspectorPortAfterSignal(['node', '--inspect-port=127.0.0.1:9444', 'app.js'])).toBe(
      9444,
    );
    expect(inspectorPortAfterSignal(['node', 'app.js', '--inspect-port=1'])).toBe(9229);
    expect(inspectorPortAfterSignal(['node', 'app.js'], '--inspect-port=9555')).toBe(9555);
    expect(inspectorPortAfterSignal(['node', '--inspect=0.0.0.0:9666', 'app.js'])).toBe(9666);
  });
  it('spots --inspect-brk', () => {
    expect(hasInspectBrk(['node', '--inspect-brk=0', 'a.js'])).toBe(true);
    expect(hasInspectBrk(['node', '--inspect-brk', 'a.js'])).toBe(true);
    expect(hasInspectBrk(['node', 'a.js', '--inspect-brk'])).toBe(false);
    expect(hasInspectBrk(['node', 'a.js'], '--inspect-brk')).toBe(true);
  });
});

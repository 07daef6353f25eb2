import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../shared/errors';
import { parseDurationMs, parseListenPort, parsePort, parseTarget } from './parse';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1_000],
    ['2.5s', 2_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['750', 750],
  ])('%s is %i ms', (text, ms) => expect(parseDurationMs(text, '--d')).toBe(ms));

  it.each(['', '1x', '-1s', '0s', 's', '1 s 2'])('rejects %j', (text) =>
    expect(() => parseDurationMs(text, '--d')).toThrow(
      expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT }),
    ),
  );
});

describe('parseTarget', () => {
  it.each([
    ['4242', { pid: 4242 }],
    [':9229', { port: 9229 }],
    ['ws://127.0.0.1:9229/abc', { url: 'ws://127.0.0.1:9229/abc' }],
  ])('%s', (text, spec) => expect(parseTarget(text)).toEqual(spec));

  it.each(['0', ':0', ':70000', 'port', '9229:', 'http://127.0.0.1:9229', '-1'])(
    'rejects %j',
    (text) =>
      expect(() => parseTarget(text)).toThrow(
        expect.objectContaining({ code: ErrorCodes.BAD_ARGUMENT }),
      ),
  );
});

describe('parsePort', () => {
  it('accepts 1..65535 only', () => {
    expect(parsePort('1', '--port')).toBe(1);
    expect(parsePort('65535', '--port')).toBe(65_535);
    for (const bad of ['0', '65536', '1.5', 'abc', '']) {
      expect(() => parsePort(bad, '--port')).toThrow(/--port/);
    }
  });
});

describe('parseListenPort', () => {
  it('accepts 0 (any free port) and 1..65535', () => {
    expect(parseListenPort('0', '--port')).toBe(0);
    expect(parseListenPort('1', '--port')).toBe(1);
    expect(parseListenPort('65535', '--port')).toBe(65_535);
  });

  it.each(['65536', '-1', '1.5', 'abc', '', ' 0'])('rejects %j with BAD_ARGUMENT', (bad) =>
    expect(() => parseListenPort(bad, '--port')).toThrow(
      expect.objectContaining({
        code: ErrorCodes.BAD_ARGUMENT,
        message: expect.stringMatching(/^--port expects a port number between 0/),
      }),
    ),
  );

  it('a TARGET port stays 1..65535: :0 is not an inspector', () => {
    expect(() => parseTarget(':0')).toThrow(/names no inspector/);
    expect(() => parsePort('0', '--port')).toThrow(/between 1 and 65535/);
  });
});

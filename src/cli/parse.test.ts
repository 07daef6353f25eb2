import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../shared/errors';
import { parseDurationMs, parsePort, parseTarget } from './parse';

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

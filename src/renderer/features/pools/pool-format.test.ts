import { describe, expect, it } from 'vitest';
import { formatOrigin, waitingText } from './pool-format';

describe('formatOrigin', () => {
  it('drops the empty trailing parts of http.Agent keys', () => {
    expect(formatOrigin('127.0.0.1:45917:')).toBe('127.0.0.1:45917');
    expect(formatOrigin('localhost:80:')).toBe('localhost:80');
    expect(formatOrigin('example.com::')).toBe('example.com');
  });

  it('brackets an IPv6 host and names a family the agent was given', () => {
    expect(formatOrigin('::1:8080:')).toBe('[::1]:8080');
    expect(formatOrigin('localhost:8080::4')).toBe('localhost:8080 (IPv4)');
  });

  it('leaves undici origins and keys with more parts readable', () => {
    expect(formatOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(formatOrigin('10.0.0.5:443:10.0.0.2:::')).toBe('10.0.0.5:443:10.0.0.2');
    expect(formatOrigin('<img src=x>:1:')).toBe('<img src=x>:1');
  });
});

describe('waitingText', () => {
  it('says how many wait and for how long callers have been queued, rounded', () => {
    // Was "Waiting 8 for 25.99 s", read as one caller waiting 26 s.
    expect(waitingText({ waiting: 8, waitingForMs: 25_990 })).toEqual({
      count: '8 waiting',
      detail: 'callers queued for 26 s',
    });
    expect(waitingText({ waiting: 1, waitingForMs: 1_234, oldestWaitMs: 900 })).toEqual({
      count: '1 waiting',
      detail: 'callers queued for 1.2 s · oldest waiting 0.9 s',
    });
  });

  it('no waiters: the count alone', () => {
    expect(waitingText({ waiting: 0, waitingForMs: 0 })).toEqual({ count: '0', detail: null });
    expect(waitingText({ waiting: 3 })).toEqual({ count: '3 waiting', detail: null });
  });
});

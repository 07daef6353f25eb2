// The rebinding guard's table and the exported names, without a socket.
import { describe, expect, it } from 'vitest';
import { exportedSampleNames, isAllowedMetricsHost, METRICS } from './metrics-exporter';

describe('isAllowedMetricsHost', () => {
  it.each([
    ['127.0.0.1:9464', true],
    ['localhost:9464', true],
    ['LocalHost:9464', true],
    ['[::1]:9464', true],
    ['127.0.0.1', false],
    ['localhost', false],
    ['127.0.0.1:9465', false],
    ['evil.example', false],
    ['evil.example:9464', false],
    ['localhost.evil.example:9464', false],
    ['127.0.0.1:9464.evil.example', false],
    ['', false],
    [undefined, false],
  ])('Host %j allowed: %s', (host, ok) => expect(isAllowedMetricsHost(host, 9464)).toBe(ok));

  it('accepts a Host without the port only on port 80', () => {
    expect(isAllowedMetricsHost('localhost', 80)).toBe(true);
    expect(isAllowedMetricsHost('127.0.0.1:80', 80)).toBe(true);
  });
});

describe('METRICS', () => {
  it('names are unique and a summary contributes _sum and _count', () => {
    const names = exportedSampleNames();
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(`${METRICS.gc.name}_sum`);
    expect(names).toContain(`${METRICS.gc.name}_count`);
    expect(names).not.toContain(METRICS.gc.name);
    expect(names).toContain('db_client_connection_count');
  });
});

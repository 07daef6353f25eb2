// Helpers for the metrics tests: a scrape over real HTTP (with the Host header we
// choose), the real `resdash metrics` CLI as a child process ended by its pid, and a
// lookup of one series in validated exposition text.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedFamily, ParsedSample } from './exposition-validator';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESDASH_BIN = path.join(ROOT, 'bin/resdash.js');

export interface ScrapeResult {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** GET `url` with node:http, so the Host header can be anything (fetch forbids setting it). */
export function scrape(url: string, host?: string): Promise<ScrapeResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path: u.pathname + u.search,
        headers: host === undefined ? {} : { host },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The one sample of `family` whose labels include `labels`, if any. */
export function series(
  families: Map<string, ParsedFamily>,
  family: string,
  labels: Record<string, string>,
  name = family,
): ParsedSample | undefined {
  const matches = (families.get(family)?.samples ?? []).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (matches.length > 1) throw new Error(`${matches.length} series of ${name} match`);
  return matches[0];
}

export interface MetricsCli {
  child: ChildProcess;
  pid: number;
  /** The URL from the CLI's "resdash: metrics on URL" line. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** SIGINT by pid (the CLI's Ctrl-C), SIGKILL if it does not exit; resolves to the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<MetricsCli>();

/** Starts `resdash metrics ARGS` and resolves once it said where it listens. */
export async function startMetricsCli(args: string[]): Promise<MetricsCli> {
  const child = spawn(process.execPath, [RESDASH_BIN, 'metrics', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  const cli: MetricsCli = {
    child,
    pid: child.pid!,
    url: '',
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      running.delete(cli);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid!, 'SIGINT');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
  running.add(cli);
  try {
    cli.url = await waitUntil(
      'resdash metrics to say where it listens',
      () => {
        if (exitCode !== undefined)
          throw new Error(`resdash metrics exited with ${exitCode}: ${err}${out}`);
        return /^resdash: metrics on (http:\/\/\S+\/metrics)/m.exec(err)?.[1];
      },
      30_000,
      50,
    );
  } catch (e) {
    await cli.stop();
    throw e;
  }
  return cli;
}

/** Ends every CLI still running; call from afterEach / afterAll. */
export async function stopAllMetricsClis(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

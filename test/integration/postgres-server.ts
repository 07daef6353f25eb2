// A throwaway PostgreSQL server for integration tests, from Debian's postgresql 15
// binaries (see /work/shared/TOOLCHAIN.md): initdb into a temp dir (as the postgres
// user when we are root: initdb refuses root), pg_ctl start on a free loopback port
// with the socket in that dir, one database. stop() ends it by its postmaster pid
// (pg_ctl stop -m fast, then SIGKILL if the pid outlives the wait) and removes the dir.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PG_BIN = process.env.RESDASH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  database: string;
  user: string;
  /** The postmaster's pid (from postmaster.pid). */
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

/** Why the server cannot run here, or null when it can. */
export function postgresSkipReason(): string | null {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(PG_BIN, bin))) {
      return `PostgreSQL binaries not found (${path.join(PG_BIN, bin)} is absent; set RESDASH_PG_BIN)`;
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', name])).stdout.trim());
  const gid = Number((await run('id', ['-g', name])).stdout.trim());
  return { uid, gid };
}

const started = new Set<PostgresServer>();

export async function startPostgres(database = 'resdash_test'): Promise<PostgresServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'resdash-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // As root, every server command runs as the postgres user, who owns the dir.
  const pgCmd = (bin: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args])
      : run(path.join(PG_BIN, bin), args);
  let pid = 0;
  const cleanup = async (): Promise<void> => {
    if (existsSync(path.join(data, 'postmaster.pid'))) {
      await pgCmd('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w', '-t', '20']).catch(
        () => undefined,
      );
    }
    const deadline = Date.now() + 10_000;
    while (pid > 0 && isAlive(pid) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const { uid, gid } = await userIds('postgres');
      chownSync(dir, uid, gid);
    }
    await pgCmd('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await freePort();
    await pgCmd('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
    pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // createdb is a client: trust auth lets any OS user in as postgres.
    await run(path.join(PG_BIN, 'createdb'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      database,
    ]);
    const server: PostgresServer = {
      host: '127.0.0.1',
      port,
      database,
      user: 'postgres',
      pid,
      dir,
      stop: async () => {
        started.delete(server);
        await cleanup();
      },
    };
    started.add(server);
    return server;
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(path.join(dir, 'server.log'), 'utf8');
    } catch {
      // no log yet
    }
    await cleanup();
    throw new Error(`starting PostgreSQL failed: ${(err as Error).message}\n${log}`, {
      cause: err,
    });
  }
}

export async function stopAllPostgres(): Promise<void> {
  await Promise.all([...started].map((s) => s.stop()));
}

export { isAlive as isPidAlive };

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A real streaming replica of a local PostgreSQL cluster, for the replica test and `pnpm bench --topology replica`:
 * `pg_basebackup -R` of the cluster into a temporary directory, started as a hot standby on another loopback port.
 * The primary must allow replication connections from 127.0.0.1 (`.ci/run` adds the pg_hba line). Running as root,
 * the copy is made and run as the `postgres` OS user (PostgreSQL refuses to run as root).
 */
export interface Replica {
  port: number;
  /** The connection string of a database on the replica (the primary's database of that name, replicated). */
  url(database: string): string;
  /** Stops the standby and removes its directory. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** Parameters a hot standby must hold at least at the primary's values, or it refuses to start. */
const AT_LEAST_PRIMARY = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Why a replica cannot be made here (no binaries, no replication access), or null when it can be tried. */
export async function replicaProblem(primaryUrl: string): Promise<string | null> {
  try {
    const bin = await binDir(primaryUrl);
    for (const tool of ['pg_basebackup', 'pg_ctl']) if (!existsSync(path.join(bin, tool))) return `${tool} not found in ${bin}`;
    if (userInfo().uid === 0) await run('id', ['-u', 'postgres']);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function binDir(primaryUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
    return `/usr/lib/postgresql/${Math.floor(Number(rows[0]!.v) / 10000)}/bin`;
  } finally {
    await client.end();
  }
}

export async function startReplica(primaryUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<Replica> {
  const primary = new URL(primaryUrl);
  const bin = await binDir(primaryUrl);
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  const settings: string[] = [];
  try {
    for (const name of AT_LEAST_PRIMARY) settings.push(`${name} = ${(await client.query(`show ${name}`)).rows[0][name]}`);
  } finally {
    await client.end();
  }
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : null;
  // As root, PostgreSQL's tools run as the postgres OS user; otherwise as whoever runs this.
  const as = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  const parent = mkdtempSync(path.join(tmpdir(), 'oversight-replica-'));
  if (owner) chownSync(parent, owner.uid, owner.gid);
  const data = path.join(parent, 'data');
  const port = await freePort();
  const user = decodeURIComponent(primary.username || 'postgres');
  try {
    // -R writes standby.signal and primary_conninfo; -c fast checkpoints at once instead of waiting for a spread one.
    await as('pg_basebackup', ['-h', primary.hostname, '-p', primary.port || '5432', '-U', user, '-D', data, '-X', 'stream', '-R', '-c', 'fast']);
    // The cluster's own postgresql.conf and pg_hba.conf may live outside its data directory (Debian: /etc/postgresql).
    writeFileSync(
      path.join(data, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${parent}'`,
        'hot_standby = on',
        'shared_buffers = 32MB',
        'fsync = off',
        ...settings,
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    writeFileSync(path.join(data, 'pg_ident.conf'), '');
    await as('pg_ctl', ['-D', data, '-l', path.join(parent, 'replica.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(parent, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: (database) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { SessionCache } from './services/session-cache.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** A streaming replica for reads that may lag a moment (dashboards, summary drafts); absent without DATABASE_READ_URL. */
  replica?: ReadReplica;
  /**
   * The embedded database's upkeep (PGlite runs no autovacuum): VACUUM (ANALYZE), so the planner knows the tables'
   * sizes and index-only scans skip the heap. Run by the server at start-up when the database has never had it (a
   * new or restored data directory; seconds on a busy machine, so not at every restart) and then every few hours; a
   * no-op on PostgreSQL, whose autovacuum does it.
   */
  maintain(options?: { unlessDone?: boolean }): Promise<void>;
  /** Signed-in users kept in memory (the embedded database only: one process writes it; see `SessionCache`). */
  sessions: SessionCache | null;
  close(): Promise<void>;
}

/** A read-only standby of the primary, and the way to wait until it has replayed what the primary committed. */
export interface ReadReplica {
  db: Kysely<Database>;
  /**
   * Waits until the replica has replayed everything the primary had written when called (its WAL position), polling
   * every few milliseconds, at most `maxWaitMs`. Resolves with the milliseconds waited and whether it caught up; a
   * replica that falls behind the cap is reported, not an error (the write has committed on the primary).
   */
  catchUp(): Promise<{ waitedMs: number; caughtUp: boolean }>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory, or 'memory://' for a throw-away database. */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** A streaming replica of `databaseUrl` for dashboard reads (DATABASE_READ_URL); PostgreSQL only. */
  readUrl?: string | undefined;
  /** The longest a review or an import waits for the replica to replay its commit; default 1000 ms. */
  readWaitMs?: number | undefined;
}

/** How often a waiting write polls the replica's replay position. */
const REPLAY_POLL_MS = 5;

// A replica's Kysely → the primary's: what reads on the replica keep for later (dashboard figures) is written there.
const writers = new WeakMap<Kysely<Database>, Kysely<Database>>();

/**
 * Where to write something a read computed and keeps (the kept dashboard figures): the primary when `db` is a
 * replica's connection, otherwise `db` itself.
 */
export function writerOf(db: Kysely<Database>): Kysely<Database> {
  return writers.get(db) ?? db;
}

function postgresPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return pool;
}

/** The replica's pool and its catching up with the primary (see ReadReplica). */
function openReplica(primary: Kysely<Database>, readUrl: string, max: number, maxWaitMs: number, closing: () => boolean): ReadReplica {
  const pool = postgresPool(readUrl, max);
  pool.on('error', (error) => {
    if (!closing()) console.warn(`只读副本连接已断开，已从连接池移除：${error.message}`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })] });
  writers.set(db, primary);
  return {
    db,
    async catchUp() {
      const started = performance.now();
      const { rows } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(primary);
      const lsn = rows[0]!.lsn;
      for (;;) {
        const { rows: replayed } = await sql<{ done: boolean | null }>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`.execute(db);
        const waitedMs = performance.now() - started;
        // null: not a standby (a read URL pointing at the primary itself) — nothing to wait for.
        if (replayed[0]?.done !== false) return { waitedMs, caughtUp: true };
        if (waitedMs >= maxWaitMs) {
          console.warn(`只读副本在${Math.round(waitedMs)}毫秒内未追上主库（${lsn}），看板可能短暂显示旧数据。`);
          return { waitedMs, caughtUp: false };
        }
        await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
      }
    },
  };
}

// The one place where driver values become JavaScript values: pg returns int8 and numeric as strings,
// and parses `date` into a local-time Date. Counts and sums become numbers; dates stay 'YYYY-MM-DD'.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parsers: Record<number, (value: string) => unknown> = {
  [INT8]: Number,
  [NUMERIC]: Number,
  [DATE]: (value) => value,
};

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  // Column names are snake_case in SQL; jsonb documents (report values keyed by indicator code) keep their keys.
  const plugins = [new CamelCasePlugin({ maintainNestedObjectKeys: true })];
  if (options.readUrl && !options.databaseUrl)
    throw new Error('设置了 DATABASE_READ_URL（只读副本）时必须同时设置 DATABASE_URL（主库）：内置数据库 PGlite 没有副本。');
  if (options.databaseUrl) {
    const pool = postgresPool(options.databaseUrl, options.poolSize ?? 10);
    // A pooled connection the server ends (a restart, an administrator, a dropped database) is removed from the
    // pool and reported here; without a listener it would be an unhandled error that stops the process.
    let closing = false;
    pool.on('error', (error) => {
      if (!closing) console.warn(`数据库连接已断开，已从连接池移除：${error.message}`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    const replica = options.readUrl ? openReplica(db, options.readUrl, options.poolSize ?? 10, options.readWaitMs ?? 1000, () => closing) : undefined;
    return {
      db,
      kind: 'postgres',
      maintain: async () => {},
      sessions: null,
      ...(replica ? { replica } : {}),
      close: async () => {
        closing = true;
        await Promise.all([db.destroy(), replica?.db.destroy()]);
      },
    };
  }
  // PostgreSQL's default 128 MB of shared buffers would be zeroed inside the WebAssembly heap (resident from the
  // start); one county's database is tens of MB and the OS caches its files, so 32 MB is plenty (−125 MB RSS).
  const pglite = await PGlite.create(options.dataDir ?? 'memory://', { parsers, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
  const sessions = new SessionCache();
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [sessions.plugin, ...plugins] });
  // Without statistics (never gathered: PGlite has no autovacuum) the planner takes every table for one row and
  // nests loops over whole indexes; without a visibility map every index-only scan reads the heap too. Measured on
  // the demo county: the overview's queries 2–14× slower before the first VACUUM (ANALYZE) than after it.
  let running: Promise<void> | null = null;
  const gathered = async () =>
    (
      await pglite.query<{ done: boolean }>(
        // reltuples is -1 until a table is first vacuumed or analyzed.
        "select reltuples >= 0 as done from pg_class where relname = 'reports' and relkind = 'r'",
      )
    ).rows[0]?.done === true;
  const maintain = async (options: { unlessDone?: boolean } = {}) => {
    if (options.unlessDone && !running && (await gathered())) return;
    running ??= pglite.exec('vacuum (analyze)').then(
      () => {
        running = null;
      },
      (error: unknown) => {
        running = null;
        throw error;
      },
    );
    return running;
  };
  return {
    db,
    kind: 'pglite',
    maintain,
    sessions,
    close: async () => {
      await running?.catch(() => undefined);
      await db.destroy();
    },
  };
}

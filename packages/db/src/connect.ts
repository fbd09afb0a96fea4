import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /**
   * The embedded database's upkeep (PGlite runs no autovacuum): VACUUM (ANALYZE), so the planner knows the tables'
   * sizes and index-only scans skip the heap. Run by the server once at start-up and then every few hours; a no-op
   * on PostgreSQL, whose autovacuum does it.
   */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory, or 'memory://' for a throw-away database. */
  dataDir?: string | undefined;
  poolSize?: number | undefined;
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
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    // A pooled connection the server ends (a restart, an administrator, a dropped database) is removed from the
    // pool and reported here; without a listener it would be an unhandled error that stops the process.
    let closing = false;
    pool.on('error', (error) => {
      if (!closing) console.warn(`数据库连接已断开，已从连接池移除：${error.message}`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins });
    return {
      db,
      kind: 'postgres',
      maintain: async () => {},
      close: () => {
        closing = true;
        return db.destroy();
      },
    };
  }
  // PostgreSQL's default 128 MB of shared buffers would be zeroed inside the WebAssembly heap (resident from the
  // start); one county's database is tens of MB and the OS caches its files, so 32 MB is plenty (−125 MB RSS).
  const pglite = await PGlite.create(options.dataDir ?? 'memory://', { parsers, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'] });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins });
  // Without statistics (never gathered: PGlite has no autovacuum) the planner takes every table for one row and
  // nests loops over whole indexes; without a visibility map every index-only scan reads the heap too. Measured on
  // the demo county: the overview's queries 2–14× slower before the first VACUUM (ANALYZE) than after it.
  let running: Promise<void> | null = null;
  const maintain = () => {
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
    close: async () => {
      await running?.catch(() => undefined);
      await db.destroy();
    },
  };
}

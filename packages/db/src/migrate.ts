import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.js';
import type { DatabaseHandle } from './connect.js';
import type { Database } from './schema.js';

/** Brings the schema to the latest migration; throws (and so exits non-zero from the CLI) on any failure. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`数据库迁移失败${failed ? `（${failed.migrationName}）` : ''}：${String(error)}`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** The advisory lock key of start-up work (migrations, the first run's seeding): 'oversight-startup' as a bigint. */
const STARTUP_LOCK = 0x6f76657273696768n;

/**
 * Runs `work` while holding a session-level PostgreSQL advisory lock, so several server processes starting together
 * (WORKERS=N, or N machines on one database) migrate and seed one at a time: the first does the work, the others
 * wait for it and then find it done. On PGlite (one process owns its data directory) it just runs `work`.
 */
export async function withStartupLock<T>({ db, kind }: Pick<DatabaseHandle, 'db' | 'kind'>, work: () => Promise<T>): Promise<T> {
  if (kind !== 'postgres') return work();
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK}::bigint)`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK}::bigint)`.execute(connection);
    }
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../src/index.js';

const gathered = async (db: Parameters<typeof migrateToLatest>[0]) =>
  (await sql<{ done: boolean }>`select reltuples >= 0 as done from pg_class where relname = 'reports' and relkind = 'r'`.execute(db)).rows[0]!.done;

it('gathers the embedded database’s statistics (PGlite has no autovacuum), once at start-up and again when asked', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-maintain-'));
  try {
    const handle = await openDatabase({ dataDir: dir });
    await migrateToLatest(handle.db);
    expect(await gathered(handle.db)).toBe(false);
    await handle.maintain({ unlessDone: true });
    await handle.close();
    // Kept in the data directory: the next start finds them and skips the start-up upkeep.
    const reopened = await openDatabase({ dataDir: dir });
    expect(await gathered(reopened.db)).toBe(true);
    await reopened.maintain();
    await reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';

await describeEachDatabase('database connection', (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(() => handle.close());

  // PGlite runs in the process: there is no connection to lose.
  it.skipIf(kind !== 'postgres')('keeps serving when the server ends a pooled connection (a restart, an administrator)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Fill the pool with idle connections, then have the server end every one of them.
      await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(handle.db)));
      const { rows: ended } = await sql<{
        n: number;
      }>`select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()) t`.execute(
        handle.db,
      );
      expect(ended[0]!.n).toBeGreaterThan(0);
      await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringContaining('数据库连接已断开')));
      // The next queries get fresh connections.
      const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(handle.db);
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      warn.mockRestore();
    }
  });
});

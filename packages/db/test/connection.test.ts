import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openDatabase, withStartupLock, writerOf, type DatabaseHandle } from '../src/index.js';
import { createPostgresDatabase, createTestDatabase, describeEachDatabase } from '../src/testing.js';

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
      }>`select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()) t`.execute(
        handle.db,
      );
      expect(ended[0]!.n).toBeGreaterThan(0);
      // Every ended connection is reported (and so out of the pool) before going on: a dead one left in the pool
      // would fail the next test's first query.
      const reported = () => warn.mock.calls.filter(([message]) => String(message).includes('数据库连接已断开')).length;
      await vi.waitFor(() => expect(reported()).toBe(ended[0]!.n));
      // The next queries get fresh connections.
      const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(handle.db);
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      warn.mockRestore();
    }
  });

  it('runs start-up work one process at a time under the start-up lock (PostgreSQL), or at once on PGlite', async () => {
    const spans: [number, number][] = [];
    const work = async () => {
      const start = performance.now();
      await sql`select pg_sleep(0.1)`.execute(handle.db);
      spans.push([start, performance.now()]);
    };
    // On PostgreSQL each call holds the lock on a connection of its own, as two processes would.
    await Promise.all([withStartupLock(handle, work), withStartupLock(handle, work)]);
    const [a, b] = spans.sort((x, y) => x[0] - y[0]);
    if (kind === 'postgres') expect(b![0]).toBeGreaterThanOrEqual(a![1] - 1);
    else expect(spans).toHaveLength(2);
  });
});

it('refuses a read replica without a primary: PGlite has no replica', async () => {
  await expect(openDatabase({ readUrl: 'postgres://127.0.0.1:5999/x', dataDir: 'memory://' })).rejects.toThrow(/DATABASE_READ_URL.*DATABASE_URL/);
});

await describeEachDatabase('a read connection', (kind) => {
  it.skipIf(kind !== 'postgres')('reads through its own pool, writes what reads keep through the primary, and needs no wait on a primary', async () => {
    const database = await createPostgresDatabase();
    // The read URL may name the primary itself (no standby): everything works, nothing waits.
    const handle = await openDatabase({ databaseUrl: database.url, readUrl: database.url, poolSize: 2 });
    try {
      const replica = handle.replica!;
      expect(replica.db).not.toBe(handle.db);
      expect(writerOf(replica.db)).toBe(handle.db);
      expect(writerOf(handle.db)).toBe(handle.db);
      const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(replica.db);
      expect(rows).toEqual([{ ok: 1 }]);
      const caught = await replica.catchUp();
      expect(caught.caughtUp).toBe(true);
      expect(caught.waitedMs).toBeLessThan(1000);
    } finally {
      await handle.close();
      await database.drop();
    }
  });
});

/**
 * The API server in a process of its own (compiled by scripts/build.mjs, as `pnpm start` runs it), so the load generator does not share its event loop: on PostgreSQL
 * (BENCH_DATABASE_URL, with BENCH_READ_URL a streaming replica for dashboards) or on an embedded PGlite data directory
 * (BENCH_PGLITE_DIR). Prints one line
 * `READY {"port":…,"reopenMs":…}` once listening; reopenMs is how long the database took to open and answer.
 */
import { migrateToLatest, openDatabase } from '@oversight/db';
import { buildServer } from '../src/server.js';

const started = performance.now();
const handle = await openDatabase(
  process.env.BENCH_DATABASE_URL
    ? { databaseUrl: process.env.BENCH_DATABASE_URL, readUrl: process.env.BENCH_READ_URL, poolSize: 10 }
    : { dataDir: process.env.BENCH_PGLITE_DIR! },
);
await migrateToLatest(handle.db);
await handle.db
  .selectFrom('schools')
  .select((eb) => eb.fn.countAll().as('n'))
  .executeTakeFirst();
const reopenMs = performance.now() - started;
// The server's start-up upkeep (VACUUM ANALYZE on an embedded database that never had it; `pnpm start` runs it just after listening),
// finished before the figures are taken and timed on its own.
const maintainStarted = performance.now();
await handle.maintain({ unlessDone: true });
const maintainMs = performance.now() - maintainStarted;
const app = await buildServer({
  db: handle.db,
  replica: handle.replica ?? null,
  sessions: handle.sessions,
  webDir: '/nonexistent',
  cookieSecure: false,
  trustProxy: [],
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`READY ${JSON.stringify({ port, reopenMs, maintainMs })}\n`);
const stop = async () => {
  await app.close();
  await handle.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

import { createPostgresDatabase, databaseKinds } from '@oversight/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { kill, startServer, type Running } from './processes.js';

/**
 * Several API processes on one PostgreSQL: what must hold across processes holds. (PGlite is one process's
 * database, so this runs on PostgreSQL only; CI makes it mandatory.)
 */
const ADMIN = { username: 'multi-admin', password: 'multi-secret-1' };
const kinds = await databaseKinds();
const postgres = kinds.includes('postgres');

describe.skipIf(!postgres)('two server processes on one PostgreSQL', () => {
  const servers: Running[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const server of servers) await kill(server);
    await drop?.();
  });

  it('hold one account to its sign-in limit together, whichever process each attempt reaches', async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    // One after the other: the first migrates and creates the admin, the second finds both done.
    servers.push(await startServer({ DATABASE_URL: database.url }, ADMIN));
    servers.push(await startServer({ DATABASE_URL: database.url }, ADMIN));
    const attempt = (i: number) =>
      fetch(`${servers[i % 2]!.base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: servers[i % 2]!.base },
        body: JSON.stringify({ json: { username: ADMIN.username, password: 'wrong-guess-1' } }),
      }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i)));
    // Five guesses reach a password check (401); the other seven are refused unchecked. (Guesses only: the right
    // password, once checked, would start the counters again, and the result would hang on the order served.)
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(statuses.filter((s) => s === 401 || s === 200)).toHaveLength(5);
  }, 120_000);
});

import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  actorOfUser,
  createUser,
  login,
  logout,
  resetPassword,
  SessionCache,
  setUserActive,
  type Actor,
  type Database,
  type DatabaseHandle,
  type Kysely,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

/** Counts the statements run through a Kysely instance. */
function counting(): { plugin: KyselyPlugin; count: () => number } {
  let n = 0;
  return {
    plugin: {
      transformQuery: ({ node }) => {
        n += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    },
    count: () => n,
  };
}

await describeEachDatabase('signed-in users kept in memory', (kind) => {
  let handle: DatabaseHandle;
  let cache: SessionCache;
  let db: Kysely<Database>;
  let admin: Actor;
  let schoolId: number;
  let n = 0;
  const signIn = (username: string, password: string) => login(db, { username, password, address: `10.1.0.${++n}` });
  const principal = async () => {
    const created = await createUser(db, admin, {
      role: 'principal',
      username: `c-${kind}-${++n}`,
      displayName: '周校长',
      password: 'Village-school-51',
      schoolId,
    });
    await db.updateTable('users').set({ mustChangePassword: false }).where('id', '=', created.id).execute();
    return { ...created, session: await signIn(created.username, 'Village-school-51') };
  };

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    // The embedded database carries the cache's plugin from openDatabase; here it is added on both databases.
    cache = new SessionCache();
    db = handle.db.withPlugin(cache.plugin);
    const { countyA } = await smallHierarchy(db);
    const bureau = await bureauAccount(db, countyA.id, `cache-admin-${kind}`);
    admin = actorOfUser((await signIn(bureau.username, PASSWORD)).user);
    schoolId = (await school(db, countyA.id)).id;
  });
  afterAll(() => handle.close());

  it('answers a known session without a query, and is the same user the database gives', async () => {
    const { session, id } = await principal();
    const counted = counting();
    const watched = db.withPlugin(counted.plugin);
    const first = await cache.userFor(watched, session.token);
    expect(first).toMatchObject({ id, role: 'principal', scope: { kind: 'school', schoolId } });
    expect(counted.count()).toBe(1);
    expect(await cache.userFor(watched, session.token)).toEqual(first);
    expect(counted.count()).toBe(1);
    expect(handle.sessions === null || handle.sessions instanceof SessionCache).toBe(true);
  });

  it('forgets a session on sign-out, a password reset, deactivation and any change of the account', async () => {
    const a = await principal();
    expect(await cache.userFor(db, a.session.token)).not.toBeNull();
    await logout(db, a.session.token);
    expect(await cache.userFor(db, a.session.token)).toBeNull();

    const b = await principal();
    expect(await cache.userFor(db, b.session.token)).not.toBeNull();
    await resetPassword(db, admin, { userId: b.id });
    expect(await cache.userFor(db, b.session.token)).toBeNull();

    const c = await principal();
    expect(await cache.userFor(db, c.session.token)).not.toBeNull();
    await setUserActive(db, admin, { userId: c.id, active: false });
    expect(await cache.userFor(db, c.session.token)).toBeNull();

    const d = await principal();
    expect((await cache.userFor(db, d.session.token))?.displayName).toBe('周校长');
    await db.updateTable('users').set({ displayName: '吴校长' }).where('id', '=', d.id).execute();
    expect((await cache.userFor(db, d.session.token))?.displayName).toBe('吴校长');
  });

  it('never answers a session past its expiry', async () => {
    const { session } = await principal();
    expect(await cache.userFor(db, session.token)).not.toBeNull();
    expect(await cache.userFor(db, session.token, new Date(session.expiresAt.getTime() + 1000))).toBeNull();
  });

  it('does not keep a read that raced a write of the account', async () => {
    const { session, id } = await principal();
    // The read and the deactivation are under way at once: whichever runs first, the next request sees the account disabled.
    const read = cache.userFor(db, session.token);
    const write = db.updateTable('users').set({ active: false }).where('id', '=', id).execute();
    await Promise.all([read, write]);
    expect(await cache.userFor(db, session.token)).toBeNull();
  });
});

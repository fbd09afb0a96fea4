import { AppError } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_AUTH_POLICY, login, type DatabaseHandle } from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, smallHierarchy } from './fixtures.js';

/** How a sign-in attempt ended: signed in, a wrong password, or refused by the limits before any password was checked. */
async function attempt(promise: Promise<unknown>): Promise<'signed-in' | 'wrong' | 'limited'> {
  try {
    await promise;
    return 'signed-in';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'UNAUTHORIZED') return 'wrong';
    if (error.code === 'TOO_MANY_REQUESTS') {
      expect(error.message).toMatch(/^登录尝试过于频繁，请在\d+分钟后再试。$/);
      return 'limited';
    }
    throw error;
  }
}

const { perAccountAndAddress, perAccount, perAddress, windowMinutes } = DEFAULT_AUTH_POLICY.signIn;

await describeEachDatabase('sign-in limits', (kind) => {
  let handle: DatabaseHandle;
  let countyId: number;
  let n = 0;
  const account = async () => (await bureauAccount(handle.db, countyId, `signin-${kind}-${++n}`)).username;
  const tryAs = (username: string, password: string, address: string, now?: Date) =>
    attempt(login(handle.db, { username, password, address, ...(now ? { now } : {}) }));

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    countyId = (await smallHierarchy(handle.db)).countyA.id;
  });
  afterAll(() => handle.close());

  it('holds one address to its attempts on an account, the right password included, until the window passes', async () => {
    const username = await account();
    for (let i = 0; i < perAccountAndAddress; i++) expect(await tryAs(username, 'wrong1234', '10.9.0.1')).toBe('wrong');
    expect(await tryAs(username, PASSWORD, '10.9.0.1')).toBe('limited');
    // Another address still may try (the account's shared limit is larger) …
    expect(await tryAs(username, PASSWORD, '10.9.0.2')).toBe('signed-in');
    // … and once the window has passed, so may the first.
    expect(await tryAs(username, PASSWORD, '10.9.0.1', new Date(Date.now() + (windowMinutes + 1) * 60_000))).toBe('signed-in');
  });

  it('reserves every attempt before its password is checked, however many arrive at once', async () => {
    // A burst of guesses. (The right password among them would, when checked, start the account's counters again:
    // how many got through would then depend on the order they were served. The first test shows that the right
    // password arriving past the limit is refused like any other.)
    const username = await account();
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => tryAs(username, 'wrong1234', '10.9.1.1')));
    // Only as many attempts as the limit allows reach a password check; the rest are refused unchecked.
    expect(outcomes.filter((o) => o !== 'limited')).toHaveLength(perAccountAndAddress);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(12 - perAccountAndAddress);
    // Every one was counted.
    const counted = await handle.db.selectFrom('attemptCounters').select('attempts').where('key', '=', `pair:${username}|10.9.1.1`).executeTakeFirstOrThrow();
    expect(counted.attempts).toBe(12);
  });

  it('lets a stranger flooding an account from many addresses slow only unknown addresses, never where its owner signs in', async () => {
    const username = await account();
    expect(await tryAs(username, PASSWORD, '10.9.2.1')).toBe('signed-in');
    for (let i = 0; i < perAccount; i++) expect(await tryAs(username, 'wrong1234', `10.66.${i >> 8}.${i & 255}`)).toBe('wrong');
    // The account's shared limit is spent: a new address waits …
    expect(await tryAs(username, PASSWORD, '10.9.2.2')).toBe('limited');
    // … but the owner's known address signs in as usual.
    expect(await tryAs(username, PASSWORD, '10.9.2.1')).toBe('signed-in');
  });

  it('holds one address to its attempts over many accounts (one password sprayed over usernames)', async () => {
    const address = '10.9.3.1';
    for (let i = 0; i < perAddress; i++) expect(await tryAs(`nobody-${kind}-${i}`, 'wrong1234', address)).toBe('wrong');
    expect(await tryAs(await account(), PASSWORD, address)).toBe('limited');
  });
});

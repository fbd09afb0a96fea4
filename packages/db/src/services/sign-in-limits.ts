import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { clearAttempts, countAttempt, type AttemptKey } from './attempt-counters.js';

/**
 * How often anyone may try to sign in. Every attempt is reserved in the database, atomically, before its password
 * is checked, so the limits hold however many requests arrive at once and across server processes:
 * - one address on one account: `perAccountAndAddress` attempts a window (guessing from one place is slow);
 * - one account from addresses it has not signed in from before: `perAccount` a window, shared (guessing from many
 *   places is slow too) — an address the account signed in from within `knownAddressDays` is exempt, so a stranger
 *   flooding a principal's account does not lock the principal out at the school;
 * - one address on any accounts: `perAddress` a window (spraying one password over many accounts is slow).
 * A key past its limit waits for its window to end; nothing is locked beyond that. A successful sign-in clears the
 * account's own counters.
 */
export interface SignInLimits {
  perAccountAndAddress: number;
  perAccount: number;
  perAddress: number;
  windowMinutes: number;
  knownAddressDays: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccountAndAddress: 5, perAccount: 30, perAddress: 50, windowMinutes: 15, knownAddressDays: 90 };

const accountKey = (username: string) => `user:${username.toLowerCase()}`;
const pairKey = (username: string, address: string) => `pair:${username.toLowerCase()}|${address}`;

/** Whether the account has signed in from this address within the days that keep an address known. */
async function knownAddress(db: Kysely<Database>, username: string, address: string, since: Date): Promise<boolean> {
  const row = await db
    .selectFrom('signInAddresses')
    .innerJoin('users', 'users.id', 'signInAddresses.userId')
    .select('signInAddresses.userId')
    .where(sql`lower(users.username)`, '=', username.toLowerCase())
    .where('signInAddresses.address', '=', address)
    .where('signInAddresses.lastSignedInAt', '>', since)
    .executeTakeFirst();
  return row !== undefined;
}

/** Counts this sign-in attempt against its keys and refuses it past any limit, before any password is checked. */
export async function reserveSignInAttempt(
  db: Kysely<Database>,
  attempt: { username: string; address: string; now: Date },
  limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
): Promise<void> {
  const { username, address, now } = attempt;
  const known = await knownAddress(db, username, address, new Date(now.getTime() - limits.knownAddressDays * 86_400_000));
  const keys: AttemptKey[] = [
    { key: pairKey(username, address), limit: limits.perAccountAndAddress },
    { key: `addr:${address}`, limit: limits.perAddress },
    ...(known ? [] : [{ key: accountKey(username), limit: limits.perAccount }]),
  ];
  await countAttempt(db, keys, { now, windowMinutes: limits.windowMinutes, message: (minutes) => `登录尝试过于频繁，请在${minutes}分钟后再试。` });
}

/** After a successful sign-in: the account's counters start again, and the address becomes known to the account. */
export async function recordSignIn(trx: Kysely<Database>, user: { id: number; username: string }, address: string, now: Date): Promise<void> {
  await clearAttempts(trx, [accountKey(user.username), pairKey(user.username, address)]);
  await trx
    .insertInto('signInAddresses')
    .values({ userId: user.id, address, lastSignedInAt: now })
    .onConflict((oc) => oc.columns(['userId', 'address']).doUpdateSet({ lastSignedInAt: now }))
    .execute();
}

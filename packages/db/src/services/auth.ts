import { createHash, randomBytes } from 'node:crypto';
import { AppError, type Role, type Scope } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { countyIdsUnder, getOrgUnit } from '../queries/org.js';
import { findUserByUsername } from '../queries/users.js';
import type { Database, OrgUnit, User } from '../schema.js';
import { hashForUnknownUser, verifyPassword } from './passwords.js';
import { DEFAULT_SIGN_IN_LIMITS, recordSignIn, reserveSignInAttempt, type SignInLimits } from './sign-in-limits.js';
import { transact } from './transaction.js';

export interface SignedInUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  countyId: number | null;
  cityId: number | null;
  schoolId: number | null;
  scope: Scope;
  /** Someone else chose the password: until the owner changes it, nothing else may be done (`decideAccess`). */
  mustChangePassword: boolean;
}

export interface AuthPolicy {
  sessionHours: number;
  signIn: SignInLimits;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { sessionHours: 12, signIn: DEFAULT_SIGN_IN_LIMITS };

/** The session's key in the database: the token's hash, so a leaked table holds no usable token. */
export const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

const INVALID_CREDENTIALS = '用户名或密码错误。';

/** Checks the password within the sign-in limits (the attempt is reserved first) and opens a new session. */
export async function login(
  db: Kysely<Database>,
  input: { username: string; password: string; address: string; now?: Date; previousToken?: string | undefined },
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Promise<{ token: string; expiresAt: Date; user: SignedInUser }> {
  const now = input.now ?? new Date();
  await reserveSignInAttempt(db, { username: input.username, address: input.address, now }, policy.signIn);

  const user = await findUserByUsername(db, input.username);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await hashForUnknownUser()));
  if (!user?.active || !passwordOk) throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS);

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.sessionHours * 3600_000);
  await transact(db, async (trx) => {
    await recordSignIn(trx, user, input.address, now);
    // Sign-in rotates the session: whatever token the browser held before is dropped.
    if (input.previousToken) await trx.deleteFrom('sessions').where('id', '=', sessionId(input.previousToken)).execute();
    await trx.deleteFrom('sessions').where('userId', '=', user.id).where('expiresAt', '<=', now).execute();
    await trx
      .insertInto('sessions')
      .values({ id: sessionId(token), userId: user.id, createdAt: now, expiresAt })
      .execute();
  });
  return { token, expiresAt, user: await describeUser(db, user) };
}

export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId(token)).execute();
}

/** The user behind a session cookie, or null when the session is unknown, expired or the account is disabled. */
export async function userForSession(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
  cache?: { userFor(db: Kysely<Database>, token: string, now?: Date): Promise<SignedInUser | null> } | null,
): Promise<SignedInUser | null> {
  if (cache) return cache.userFor(db, token, now);
  return (await sessionUser(db, token, now))?.user ?? null;
}

/** The session's user and when the session expires (see `userForSession`). */
export async function sessionUser(db: Kysely<Database>, token: string, now = new Date()): Promise<{ user: SignedInUser; expiresAt: Date } | null> {
  // One round trip for what every request needs: the account and the unit it sits in (a principal's county).
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .leftJoin('orgUnits as unit', (join) => join.on((eb) => eb('unit.id', '=', eb.fn.coalesce('users.orgUnitId', 'users.countyId'))))
    .selectAll('users')
    .select(['unit.level as unitLevel', 'unit.parentId as unitParentId', 'sessions.expiresAt as sessionExpiresAt'])
    .where('sessions.id', '=', sessionId(token))
    .where('sessions.expiresAt', '>', now)
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  const { unitLevel, unitParentId, sessionExpiresAt, ...user } = row;
  return {
    user: await describeUser(db, user, unitLevel === null ? null : { level: unitLevel, parentId: unitParentId }),
    expiresAt: new Date(sessionExpiresAt),
  };
}

type UnitBrief = Pick<OrgUnit, 'level' | 'parentId'>;

/**
 * Resolves where an account sits in the hierarchy and what it may see. `unit` is the account's unit (a principal's
 * county) when the caller has already read it.
 */
export async function describeUser(db: Kysely<Database>, user: User, unit?: UnitBrief | null): Promise<SignedInUser> {
  const base = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    schoolId: user.schoolId,
    mustChangePassword: user.mustChangePassword,
  };
  if (user.role === 'system_admin') return { ...base, countyId: null, cityId: null, scope: { kind: 'all' } };
  if (user.role === 'principal') {
    const county = unit === undefined ? await getOrgUnit(db, user.countyId!) : unit;
    return {
      ...base,
      countyId: user.countyId,
      cityId: county?.parentId ?? null,
      scope: { kind: 'school', schoolId: user.schoolId!, countyId: user.countyId! },
    };
  }
  const own = unit === undefined ? await getOrgUnit(db, user.orgUnitId!) : unit;
  const countyIds = own ? (own.level === 'county' ? [user.orgUnitId!] : await countyIdsUnder(db, user.orgUnitId!)) : [];
  return {
    ...base,
    countyId: own?.level === 'county' ? user.orgUnitId : null,
    cityId: own?.level === 'county' ? own.parentId : own?.level === 'city' ? user.orgUnitId : null,
    scope: { kind: 'counties', countyIds },
  };
}

/** Ends every session of an account (after a password reset or deactivation). */
export async function endAllSessions(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('userId', '=', userId).execute();
}

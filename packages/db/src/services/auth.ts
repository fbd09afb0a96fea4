import { createHash, randomBytes } from 'node:crypto';
import { AppError, type Role, type Scope } from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import { countyIdsUnder, getOrgUnit } from '../queries/org.js';
import { findUserByUsername } from '../queries/users.js';
import type { Database, OrgUnit, User } from '../schema.js';
import { hashForUnknownUser, verifyPassword } from './passwords.js';
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
}

export interface AuthPolicy {
  sessionHours: number;
  /** Failed sign-ins allowed per account (and, multiplied by 4, per address) within the window. */
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { sessionHours: 12, maxFailures: 5, windowMinutes: 15, lockMinutes: 15 };

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

const INVALID_CREDENTIALS = '用户名或密码错误。';

/** Checks the password, throttling repeated failures per account and per address, and opens a new session. */
export async function login(
  db: Kysely<Database>,
  input: { username: string; password: string; address: string; now?: Date; previousToken?: string | undefined },
  policy: AuthPolicy = DEFAULT_AUTH_POLICY,
): Promise<{ token: string; expiresAt: Date; user: SignedInUser }> {
  const now = input.now ?? new Date();
  const keys = [
    { key: `user:${input.username.toLowerCase()}`, limit: policy.maxFailures },
    { key: `addr:${input.address}`, limit: policy.maxFailures * 4 },
  ];
  const locks = await db
    .selectFrom('loginThrottle')
    .select(['lockedUntil'])
    .where('key', 'in', keys.map((k) => k.key))
    .where('lockedUntil', '>', now)
    .execute();
  if (locks.length > 0) {
    const until = Math.max(...locks.map((l) => l.lockedUntil!.getTime()));
    const minutes = Math.max(1, Math.ceil((until - now.getTime()) / 60_000));
    throw new AppError('TOO_MANY_REQUESTS', `登录失败次数过多，请在${minutes}分钟后再试。`);
  }

  const user = await findUserByUsername(db, input.username);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await hashForUnknownUser()));
  if (!user || !user.active || !passwordOk) {
    await recordFailures(db, keys, now, policy);
    throw new AppError('UNAUTHORIZED', INVALID_CREDENTIALS);
  }

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.sessionHours * 3600_000);
  await transact(db, async (trx) => {
    await trx.deleteFrom('loginThrottle').where('key', '=', keys[0]!.key).execute();
    // Sign-in rotates the session: whatever token the browser held before is dropped.
    if (input.previousToken) await trx.deleteFrom('sessions').where('id', '=', sessionId(input.previousToken)).execute();
    await trx.deleteFrom('sessions').where('userId', '=', user.id).where('expiresAt', '<=', now).execute();
    await trx.insertInto('sessions').values({ id: sessionId(token), userId: user.id, createdAt: now, expiresAt }).execute();
  });
  return { token, expiresAt, user: await describeUser(db, user) };
}

async function recordFailures(
  db: Kysely<Database>,
  keys: { key: string; limit: number }[],
  now: Date,
  policy: AuthPolicy,
): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const lockUntil = new Date(now.getTime() + policy.lockMinutes * 60_000);
  for (const { key, limit } of keys) {
    // A failure outside the window starts a new one; reaching the limit locks the key for lockMinutes.
    await sql`
      insert into login_throttle (key, failures, window_started_at, locked_until)
      values (${key}, 1, ${now}, ${limit <= 1 ? lockUntil : null})
      on conflict (key) do update set
        failures = case when login_throttle.window_started_at < ${windowStart} then 1 else login_throttle.failures + 1 end,
        window_started_at = case when login_throttle.window_started_at < ${windowStart}
          then ${now}::timestamptz else login_throttle.window_started_at end,
        locked_until = case
          when (case when login_throttle.window_started_at < ${windowStart} then 1 else login_throttle.failures + 1 end) >= ${limit}
          then ${lockUntil}::timestamptz else null end`.execute(db);
  }
}

export async function logout(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId(token)).execute();
}

/** The user behind a session cookie, or null when the session is unknown, expired or the account is disabled. */
export async function userForSession(db: Kysely<Database>, token: string, now = new Date()): Promise<SignedInUser | null> {
  // One round trip for what every request needs: the account and the unit it sits in (a principal's county).
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .leftJoin('orgUnits as unit', (join) => join.on((eb) => eb('unit.id', '=', eb.fn.coalesce('users.orgUnitId', 'users.countyId'))))
    .selectAll('users')
    .select(['unit.level as unitLevel', 'unit.parentId as unitParentId'])
    .where('sessions.id', '=', sessionId(token))
    .where('sessions.expiresAt', '>', now)
    .where('users.active', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  const { unitLevel, unitParentId, ...user } = row;
  return describeUser(db, user, unitLevel === null ? null : { level: unitLevel, parentId: unitParentId });
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

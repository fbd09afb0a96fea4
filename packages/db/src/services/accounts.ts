import {
  AppError,
  type ChangePasswordInput,
  changePasswordInput,
  badRequest,
  conflict,
  creatableRoles,
  forbidden,
  missing,
  passwordProblem,
  passwordResetInput,
  ROLE_LABELS,
  scopeIncludesCounty,
  userCreateInput,
  type UserCreateInput,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { recordAudit } from '../queries/audit.js';
import { findUserByUsername, getUser, type UserSummary } from '../queries/users.js';
import type { Database } from '../schema.js';
import type { Actor } from './actor.js';
import { countAttempt, clearAttempts } from './attempt-counters.js';
import { endAllSessions, sessionId } from './auth.js';
import { generateInitialPassword, hashPassword, verifyPassword } from './passwords.js';
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './sign-in-limits.js';
import { transact } from './transaction.js';
import { schoolFor, unitInScope } from './scope.js';

const summary = ({ passwordHash: _hidden, createdAt: _c, updatedAt: _u, ...rest }: Awaited<ReturnType<typeof getUser>> & {}) => rest satisfies UserSummary;

/** Where the new account sits: its bureau unit or school, checked against what the actor may create. */
async function binding(db: Kysely<Database>, actor: Actor, input: UserCreateInput) {
  if (!creatableRoles(actor.role).includes(input.role)) {
    throw forbidden(`您的账号不能创建“${ROLE_LABELS[input.role].zh}”账号。`);
  }
  switch (input.role) {
    case 'system_admin':
      return { orgUnitId: null, schoolId: null, countyId: null, schoolCode: null };
    case 'principal': {
      if (input.schoolId === undefined) throw badRequest('schoolId', '学校账号必须指定所属学校。');
      const school = await schoolFor(db, actor.scope, input.schoolId);
      return { orgUnitId: null, schoolId: school.id, countyId: school.countyId, schoolCode: school.code };
    }
    case 'bureau_admin':
    case 'bureau_officer': {
      if (input.orgUnitId === undefined) throw badRequest('orgUnitId', '教育局账号必须指定所属单位（县或市）。');
      // A unit out of the actor's scope answers as a missing one.
      const { unit } = await unitInScope(db, actor.scope, input.orgUnitId);
      if (unit.level === 'township') throw badRequest('orgUnitId', '所属单位必须是省、市或县级单位。');
      if (unit.level !== 'county' && actor.role !== 'system_admin') {
        throw forbidden('只有系统管理员可以创建市级或省级账号。');
      }
      return { orgUnitId: unit.id, schoolId: null, countyId: unit.level === 'county' ? unit.id : null, schoolCode: null };
    }
  }
}

export interface CreateUserOptions {
  /**
   * How the password is hashed; `hashPassword` (a fresh salt per account) unless a batch of accounts sharing one
   * published password (the demo county) hashes it once for the batch with `hashOncePerPassword`.
   */
  hash?: (password: string) => Promise<string>;
  /**
   * Whether the owner must change the password at first sign-in: by default when a person creates the account (its
   * owner did not choose the password), not when the installation does (the first admin, from the installer's own
   * settings). The demo county passes false: its password is published, and the demo stays one click away.
   */
  mustChangePassword?: boolean;
}

/** An account as its creator or resetter sees it once: with the one-time password the server generated, if it did. */
export type AccountWithPassword = UserSummary & { initialPassword?: string };

/** The password to set: the one given (checked against the account's own names), or a generated one-time password. */
function passwordToSet(given: string | undefined, account: { username: string; schoolCode: string | null }): { password: string; generated: boolean } {
  if (given === undefined) return { password: generateInitialPassword(), generated: true };
  const problem = passwordProblem(given, account);
  if (problem) throw badRequest('password', problem);
  return { password: given, generated: false };
}

/** Creates an account (see `CreateUserOptions` for who must change its password). An empty password is generated and answered once. */
export async function createUser(db: Kysely<Database>, actor: Actor, raw: UserCreateInput, options: CreateUserOptions = {}): Promise<AccountWithPassword> {
  const input = userCreateInput.parse(raw);
  const { schoolCode, ...placement } = await binding(db, actor, input);
  const { password, generated } = passwordToSet(input.password, { username: input.username, schoolCode });
  const passwordHash = await (options.hash ?? hashPassword)(password);
  const mustChangePassword = options.mustChangePassword ?? actor.userId !== null;
  return transact(db, async (trx) => {
    if (await findUserByUsername(trx, input.username)) throw conflict(`用户名“${input.username}”已被使用。`, 'username');
    const user = await trx
      .insertInto('users')
      .values({ username: input.username, displayName: input.displayName, role: input.role, passwordHash, mustChangePassword, ...placement })
      .returningAll()
      .executeTakeFirstOrThrow();
    const created = summary(user);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      countyId: user.countyId,
      schoolId: user.schoolId,
      after: created,
    });
    return generated ? { ...created, initialPassword: password } : created;
  });
}

/** A bureau admin may manage accounts of its own counties below its own rank; the system admin, any account. */
async function manageableUser(db: Kysely<Database>, actor: Actor, userId: number) {
  const user = await getUser(db, userId);
  const visible = user && (actor.scope.kind === 'all' || (user.countyId !== null && scopeIncludesCounty(actor.scope, user.countyId)));
  if (!user || !visible) throw missing('account');
  if (!creatableRoles(actor.role).includes(user.role)) throw forbidden(`您的账号不能管理“${ROLE_LABELS[user.role].zh}”账号。`);
  return user;
}

/** The school identifier of a principal's account, which its password must not contain. */
async function schoolCodeOf(db: Kysely<Database>, schoolId: number | null): Promise<string | null> {
  if (schoolId === null) return null;
  const school = await db.selectFrom('schools').select('code').where('id', '=', schoolId).executeTakeFirst();
  return school?.code ?? null;
}

/**
 * Sets a new password chosen by the admin (or generated, answered once) and signs the account out everywhere; its
 * owner must change it at the next sign-in.
 */
export async function resetPassword(db: Kysely<Database>, actor: Actor, raw: z.input<typeof passwordResetInput>): Promise<AccountWithPassword> {
  const input = passwordResetInput.parse(raw);
  const user = await manageableUser(db, actor, input.userId);
  const { password, generated } = passwordToSet(input.password, { username: user.username, schoolCode: await schoolCodeOf(db, user.schoolId) });
  const passwordHash = await hashPassword(password);
  return transact(db, async (trx) => {
    await trx.updateTable('users').set({ passwordHash, mustChangePassword: true, updatedAt: new Date() }).where('id', '=', user.id).execute();
    await endAllSessions(trx, user.id);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'user.reset_password',
      entity: 'user',
      entityId: user.id,
      countyId: user.countyId,
      schoolId: user.schoolId,
    });
    return generated ? { ...summary(user), initialPassword: password } : summary(user);
  });
}

const CURRENT_PASSWORD_WRONG = '当前密码不正确。';

/**
 * A user changes their own password: the current one is checked (counted like sign-ins, so a session left open on a
 * shared computer cannot be used to guess it), the new one meets the rules and is not the account's names. The account
 * no longer needs a change; every other session of it ends, the one making the change stays.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  actor: Actor,
  raw: ChangePasswordInput,
  options: { sessionToken: string | null; now?: Date; limits?: SignInLimits },
): Promise<void> {
  const input = changePasswordInput.parse(raw);
  if (actor.userId === null) throw missing('account');
  const now = options.now ?? new Date();
  const limits = options.limits ?? DEFAULT_SIGN_IN_LIMITS;
  const attemptKey = `change-password:${actor.userId}`;
  await countAttempt(db, [{ key: attemptKey, limit: limits.perAccountAndAddress }], {
    now,
    windowMinutes: limits.windowMinutes,
    message: (minutes) => `修改密码时当前密码输错次数过多，请在${minutes}分钟后再试。`,
  });
  const user = await getUser(db, actor.userId);
  if (!user) throw missing('account');
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw badRequest('currentPassword', CURRENT_PASSWORD_WRONG);
  const problem = passwordProblem(input.newPassword, { username: user.username, schoolCode: await schoolCodeOf(db, user.schoolId) });
  if (problem) throw badRequest('newPassword', problem);
  const passwordHash = await hashPassword(input.newPassword);
  await transact(db, async (trx) => {
    await trx.updateTable('users').set({ passwordHash, mustChangePassword: false, updatedAt: now }).where('id', '=', user.id).execute();
    let others = trx.deleteFrom('sessions').where('userId', '=', user.id);
    if (options.sessionToken) others = others.where('id', '!=', sessionId(options.sessionToken));
    await others.execute();
    await clearAttempts(trx, [attemptKey]);
    await recordAudit(trx, {
      actorId: user.id,
      action: 'user.change_password',
      entity: 'user',
      entityId: user.id,
      countyId: user.countyId,
      schoolId: user.schoolId,
    });
  });
}

export async function setUserActive(db: Kysely<Database>, actor: Actor, input: { userId: number; active: boolean }): Promise<UserSummary> {
  const user = await manageableUser(db, actor, input.userId);
  if (user.id === actor.userId) throw new AppError('BAD_REQUEST', '不能停用自己的账号。', 'userId');
  return transact(db, async (trx) => {
    const after = await trx
      .updateTable('users')
      .set({ active: input.active, updatedAt: new Date() })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!input.active) await endAllSessions(trx, user.id);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: input.active ? 'user.activate' : 'user.deactivate',
      entity: 'user',
      entityId: user.id,
      countyId: user.countyId,
      schoolId: user.schoolId,
    });
    return summary(after);
  });
}

import {
  AppError,
  badRequest,
  conflict,
  creatableRoles,
  forbidden,
  missing,
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
import { endAllSessions } from './auth.js';
import { hashPassword } from './passwords.js';
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
      return { orgUnitId: null, schoolId: null, countyId: null };
    case 'principal': {
      if (input.schoolId === undefined) throw badRequest('schoolId', '学校账号必须指定所属学校。');
      const school = await schoolFor(db, actor.scope, input.schoolId);
      return { orgUnitId: null, schoolId: school.id, countyId: school.countyId };
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
      return { orgUnitId: unit.id, schoolId: null, countyId: unit.level === 'county' ? unit.id : null };
    }
  }
}

export interface CreateUserOptions {
  /**
   * How the password is hashed; `hashPassword` (a fresh salt per account) unless a batch of accounts sharing one
   * published password (the demo county) hashes it once for the batch with `hashOncePerPassword`.
   */
  hash?: (password: string) => Promise<string>;
}

export async function createUser(db: Kysely<Database>, actor: Actor, raw: UserCreateInput, options: CreateUserOptions = {}): Promise<UserSummary> {
  const input = userCreateInput.parse(raw);
  const placement = await binding(db, actor, input);
  const passwordHash = await (options.hash ?? hashPassword)(input.password);
  return transact(db, async (trx) => {
    if (await findUserByUsername(trx, input.username)) throw conflict(`用户名“${input.username}”已被使用。`, 'username');
    const user = await trx
      .insertInto('users')
      .values({ username: input.username, displayName: input.displayName, role: input.role, passwordHash, ...placement })
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
    return created;
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

/** Sets a new password and signs the account out everywhere. */
export async function resetPassword(db: Kysely<Database>, actor: Actor, raw: z.input<typeof passwordResetInput>): Promise<UserSummary> {
  const input = passwordResetInput.parse(raw);
  const user = await manageableUser(db, actor, input.userId);
  const passwordHash = await hashPassword(input.password);
  return transact(db, async (trx) => {
    await trx.updateTable('users').set({ passwordHash, updatedAt: new Date() }).where('id', '=', user.id).execute();
    await endAllSessions(trx, user.id);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'user.reset_password',
      entity: 'user',
      entityId: user.id,
      countyId: user.countyId,
      schoolId: user.schoolId,
    });
    return summary(user);
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

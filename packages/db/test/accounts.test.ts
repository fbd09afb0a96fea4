import { AppError } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  actorOfUser,
  changeOwnPassword,
  createUser,
  login,
  resetPassword,
  SYSTEM_ACTOR,
  userForSession,
  type Actor,
  type DatabaseHandle,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

/** The code and message of a refusal (a service's AppError, or its input schema's first issue), or 'done'. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'done';
  } catch (error) {
    if (error instanceof ZodError) return `BAD_REQUEST: ${error.issues[0]?.message}`;
    if (!(error instanceof AppError)) throw error;
    return `${error.code}: ${error.message}`;
  }
}

await describeEachDatabase('accounts their owners control', (kind) => {
  let handle: DatabaseHandle;
  let admin: Actor;
  let schoolId: number;
  let schoolCode: string;
  let n = 0;
  const signIn = (username: string, password: string) => login(handle.db, { username, password, address: `10.0.0.${++n}` });
  const flagOf = async (id: number) =>
    (await handle.db.selectFrom('users').select('mustChangePassword').where('id', '=', id).executeTakeFirstOrThrow()).mustChangePassword;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const { countyA } = await smallHierarchy(handle.db);
    const bureau = await bureauAccount(handle.db, countyA.id, `admin-${kind}`);
    admin = actorOfUser((await signIn(bureau.username, PASSWORD)).user);
    const s = await school(handle.db, countyA.id);
    schoolId = s.id;
    schoolCode = s.code;
  });
  afterAll(() => handle.close());

  it('an account an admin creates without a password gets a one-time password, answered once, to be changed at first sign-in', async () => {
    const created = await createUser(handle.db, admin, { role: 'principal', username: `p-${kind}-1`, displayName: '王校长', schoolId });
    expect(created.initialPassword).toMatch(/^[A-Za-z2-9]{10}$/);
    expect(created.initialPassword).toMatch(/\d/);
    const stored = await handle.db.selectFrom('users').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.passwordHash).not.toContain(created.initialPassword);
    expect(JSON.stringify(await handle.db.selectFrom('auditLog').selectAll().where('entityId', '=', String(created.id)).execute())).not.toContain(
      created.initialPassword,
    );

    const session = await signIn(created.username, created.initialPassword!);
    expect(session.user.mustChangePassword).toBe(true);
    expect((await userForSession(handle.db, session.token))?.mustChangePassword).toBe(true);
  });

  it('a password the admin chose must be changed too; the installation’s own accounts need not', async () => {
    const chosen = await createUser(handle.db, admin, {
      role: 'principal',
      username: `p-${kind}-2`,
      displayName: '李校长',
      password: 'Chosen-by-admin-7',
      schoolId,
    });
    expect(chosen.initialPassword).toBeUndefined();
    expect(await flagOf(chosen.id)).toBe(true);
    const installed = await createUser(handle.db, SYSTEM_ACTOR, { role: 'system_admin', username: `root-${kind}`, displayName: '管理员', password: PASSWORD });
    expect(await flagOf(installed.id)).toBe(false);
  });

  it('a principal’s password may not hold the school identifier', async () => {
    const refused = createUser(handle.db, admin, { role: 'principal', username: `p-${kind}-3`, displayName: '赵校长', password: `x${schoolCode}`, schoolId });
    expect(await outcome(refused)).toBe('BAD_REQUEST: 密码不能包含学校标识码。');
    expect(await handle.db.selectFrom('users').select('id').where('username', '=', `p-${kind}-3`).executeTakeFirst()).toBeUndefined();
  });

  it('changing one’s own password checks the current one and the rules, clears the flag and ends the other sessions', async () => {
    const { username, initialPassword, id } = await createUser(handle.db, admin, {
      role: 'principal',
      username: `p-${kind}-4`,
      displayName: '钱校长',
      schoolId,
    });
    const first = await signIn(username, initialPassword!);
    const second = await signIn(username, initialPassword!);
    const actor = actorOfUser(first.user);
    const change = (currentPassword: string, newPassword: string) =>
      changeOwnPassword(handle.db, actor, { currentPassword, newPassword }, { sessionToken: first.token });

    expect(await outcome(change('wrong-password-1', 'Village-school-42'))).toBe('BAD_REQUEST: 当前密码不正确。');
    expect(await outcome(change(initialPassword!, initialPassword!))).toBe('BAD_REQUEST: 新密码不能与当前密码相同。');
    expect(await outcome(change(initialPassword!, `${username}-new1`))).toBe('BAD_REQUEST: 密码不能包含用户名（学校账号的用户名就是学校标识码）。');
    expect(await outcome(change(initialPassword!, `k${schoolCode}`))).toBe('BAD_REQUEST: 密码不能包含学校标识码。');
    expect(await outcome(change(initialPassword!, 'password123'))).toBe('BAD_REQUEST: 这个密码太常见，很容易被猜到，请换一个。');
    expect(await outcome(change(initialPassword!, 'short1'))).toBe('BAD_REQUEST: 密码至少8位。');
    expect(await flagOf(id)).toBe(true);

    expect(await outcome(change(initialPassword!, 'Village-school-42'))).toBe('done');
    expect(await flagOf(id)).toBe(false);
    expect((await userForSession(handle.db, first.token))?.mustChangePassword).toBe(false);
    expect(await userForSession(handle.db, second.token)).toBeNull();
    expect(await outcome(signIn(username, initialPassword!))).toBe('UNAUTHORIZED: 用户名或密码错误。');
    expect((await signIn(username, 'Village-school-42')).user.mustChangePassword).toBe(false);
    const audit = await handle.db
      .selectFrom('auditLog')
      .select('action')
      .where('entityId', '=', String(id))
      .where('action', '=', 'user.change_password')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('guessing the current password is limited like signing in', async () => {
    const { username, initialPassword } = await createUser(handle.db, admin, { role: 'principal', username: `p-${kind}-5`, displayName: '孙校长', schoolId });
    const session = await signIn(username, initialPassword!);
    const guess = (currentPassword: string) =>
      outcome(changeOwnPassword(handle.db, actorOfUser(session.user), { currentPassword, newPassword: 'Village-school-43' }, { sessionToken: session.token }));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await guess(`guess-number-${i}`));
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('BAD_REQUEST: 当前密码不正确。'));
    expect(answers[5]).toMatch(/^TOO_MANY_REQUESTS: 修改密码时当前密码输错次数过多，请在\d+分钟后再试。$/);
    // Even the right one waits for the window: the limit is counted before the password is checked.
    expect(await guess(initialPassword!)).toMatch(/^TOO_MANY_REQUESTS/);
  });

  it('a reset without a password generates one, answered once; the owner must change it and is signed out everywhere', async () => {
    const { username, initialPassword, id } = await createUser(handle.db, admin, {
      role: 'principal',
      username: `p-${kind}-6`,
      displayName: '周校长',
      schoolId,
    });
    const session = await signIn(username, initialPassword!);
    await changeOwnPassword(
      handle.db,
      actorOfUser(session.user),
      { currentPassword: initialPassword!, newPassword: 'Village-school-44' },
      { sessionToken: session.token },
    );
    expect(await flagOf(id)).toBe(false);

    const reset = await resetPassword(handle.db, admin, { userId: id });
    expect(reset.initialPassword).toMatch(/^[A-Za-z2-9]{10}$/);
    expect(await flagOf(id)).toBe(true);
    expect(await userForSession(handle.db, session.token)).toBeNull();
    expect((await signIn(username, reset.initialPassword!)).user.mustChangePassword).toBe(true);

    expect(await outcome(resetPassword(handle.db, admin, { userId: id, password: `Pass${schoolCode}` }))).toBe('BAD_REQUEST: 密码不能包含学校标识码。');
    expect((await signIn(username, reset.initialPassword!)).user.mustChangePassword).toBe(true);
  });
});

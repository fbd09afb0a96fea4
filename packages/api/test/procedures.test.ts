import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { DatabaseHandle } from '@oversight/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerFor, failure, PASSWORD, schoolInput, signedInAs, world, type CallerLog } from './support.js';

await describeEachDatabase('procedures', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
  }, 60_000);
  afterAll(() => handle.close());

  const as = async (who: keyof typeof w.users) => callerFor(handle.db, await signedInAs(handle.db, w.users[who].id));

  it('signs in, sets the session cookie and tells who is signed in', async () => {
    const log: CallerLog = { cookie: null };
    const user = await callerFor(handle.db, null, log).auth.login({ username: w.users.officer.username, password: PASSWORD });
    expect(user).toMatchObject({ role: 'bureau_officer', countyId: w.countyA.id, cityId: w.cityA.id, schoolId: null });
    expect(user).not.toHaveProperty('scope');
    expect(log.cookie).toMatch(/^[\w-]{40,}$/);
    expect(await callerFor(handle.db, null).auth.me()).toBeNull();
  });

  it('answers a bad sign-in with one clear Chinese message', async () => {
    const error = await failure(callerFor(handle.db, null).auth.login({ username: w.users.officer.username, password: 'wrong-pass1' }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('用户名或密码错误。');
    const empty = await failure(callerFor(handle.db, null).auth.login({ username: '', password: '' }));
    expect(empty.code).toBe('BAD_REQUEST');
    expect(empty.message).toContain('请输入用户名');
  });

  it('lets a bureau admin register a school and see it listed; the officer may only read', async () => {
    const admin = await as('bureauAdmin');
    const created = await admin.schools.create({ ...schoolInput(w.countyA.id), name: '青石县新建小学' });
    expect((await (await as('officer')).schools.list({ search: '新建' })).map((s) => s.id)).toEqual([created.id]);
    const refused = await failure((await as('officer')).schools.create(schoolInput(w.countyA.id)));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toBe('您的账号无权执行此操作。');
  });

  it('refuses bad school input naming the field, and stores nothing', async () => {
    const admin = await as('bureauAdmin');
    const before = await admin.schools.list({ includeInactive: true });
    const negative = await failure(admin.schools.create({ ...schoolInput(w.countyA.id), buildingAreaM2: -1 }));
    expect(negative.code).toBe('BAD_REQUEST');
    expect(negative.message).toContain('校舍建筑面积必须大于0');
    const wrongCode = await failure(admin.schools.create({ ...schoolInput(w.countyA.id), code: '3151009999' }));
    expect(wrongCode.message).toContain('前两位应为办学类型代码21');
    expect(await admin.schools.list({ includeInactive: true })).toEqual(before);
  });

  it('deactivates a school: gone from the default list, kept with includeInactive', async () => {
    const admin = await as('bureauAdmin');
    const school = await admin.schools.create(schoolInput(w.countyA.id));
    await admin.schools.update({ schoolId: school.id, active: false });
    expect((await admin.schools.list()).map((s) => s.id)).not.toContain(school.id);
    expect((await admin.schools.list({ includeInactive: true })).map((s) => s.id)).toContain(school.id);
  });

  it('creates a principal who then sees only their own school, and a reset password signs them out', async () => {
    const admin = await as('bureauAdmin');
    const principal = await admin.users.createPrincipal({
      schoolId: w.schools.a2.id,
      username: w.schools.a2.code,
      displayName: '李校长',
      password: PASSWORD,
    });
    const log: CallerLog = { cookie: null };
    const me = await callerFor(handle.db, null, log).auth.login({ username: principal.username, password: PASSWORD });
    expect(me.schoolId).toBe(w.schools.a2.id);
    const duplicate = await failure(
      admin.users.createPrincipal({ schoolId: w.schools.a2.id, username: w.schools.a2.code, displayName: '重名', password: PASSWORD }),
    );
    expect(duplicate.code).toBe('CONFLICT');
    await admin.users.resetPassword({ userId: principal.id, password: 'brandnew123' });
    const old = await failure(callerFor(handle.db, null).auth.login({ username: principal.username, password: PASSWORD }));
    expect(old.code).toBe('UNAUTHORIZED');
  });

  it('refuses a weak password with the rule spelled out', async () => {
    const admin = await as('bureauAdmin');
    const weak = await failure(admin.users.createPrincipal({ schoolId: w.schools.a1.id, username: 'weakling', displayName: '王', password: 'abcdefgh' }));
    expect(weak.code).toBe('BAD_REQUEST');
    expect(weak.message).toContain('密码必须同时包含字母和数字');
  });

  it('lets only the system admin extend the hierarchy, with GB/T 2260 checks', async () => {
    const sys = await as('systemAdmin');
    const county = await sys.org.createUnit({ parentId: w.cityB.id, level: 'county', code: '511722', name: '丁县' });
    expect(county.level).toBe('county');
    const bad = await failure(sys.org.createUnit({ parentId: w.cityB.id, level: 'county', code: '511622', name: '错县' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('前四位');
  });
});

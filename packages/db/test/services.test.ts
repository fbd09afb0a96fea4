import { AppError } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createOrgUnit,
  createSchool,
  createUser,
  describeUser,
  getUser,
  listSchools,
  login,
  migrateToLatest,
  resetPassword,
  SYSTEM_ACTOR,
  updateSchool,
  userForSession,
  type DatabaseHandle,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase, schoolInput } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

await describeEachDatabase('data layer', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await smallHierarchy(handle.db);
  });
  afterAll(() => handle.close());

  it('migrates once; a second run has nothing to do', async () => {
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('refuses a county code outside its city and leaves the hierarchy unchanged', async () => {
    const before = await handle.db.selectFrom('orgUnits').select('id').execute();
    const error = await rejection(createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: places.cityA.id, level: 'county', code: '511781', name: '错县' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.field).toBe('code');
    expect(error.message).toContain('前四位');
    expect(await handle.db.selectFrom('orgUnits').select('id').execute()).toEqual(before);
  });

  it('refuses a school identifier that does not fit the type, and a duplicate one', async () => {
    const first = await school(handle.db, places.countyA.id);
    const wrongType = await rejection(school(handle.db, places.countyA.id, { type: 'junior' }));
    expect(wrongType.field).toBe('code');
    expect(wrongType.message).toContain('31');
    const duplicate = await rejection(school(handle.db, places.countyA.id, { code: first.code, name: '另一所小学' }));
    expect(duplicate.code).toBe('CONFLICT');
    expect(duplicate.message).toBe(`学校标识码${first.code}已被其他学校使用，请核对。`);
  });

  it('records a school update in the audit log with before and after', async () => {
    const s = await school(handle.db, places.countyA.id);
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: s.id, name: '改名后的小学', boarding: true });
    const entry = await handle.db
      .selectFrom('auditLog')
      .selectAll()
      .where('entity', '=', 'school')
      .where('entityId', '=', String(s.id))
      .where('action', '=', 'school.update')
      .executeTakeFirstOrThrow();
    expect(entry.countyId).toBe(places.countyA.id);
    expect((entry.before as { name: string }).name).toBe(s.name);
    expect((entry.after as { name: string; boarding: boolean }).boarding).toBe(true);
  });

  it("filters schools by the caller's scope: county, city, one school", async () => {
    const a = await school(handle.db, places.countyA.id);
    const a2 = await school(handle.db, places.countyA2.id);
    const b = await school(handle.db, places.countyB.id);
    const cityOfficer = await bureauAccount(handle.db, places.cityA.id, `city-${kind}`, 'bureau_officer');
    const cityScope = (await describeUser(handle.db, (await getUser(handle.db, cityOfficer.id))!)).scope;
    const seen = (await listSchools(handle.db, cityScope)).map((s) => s.id);
    expect(seen).toEqual(expect.arrayContaining([a.id, a2.id]));
    expect(seen).not.toContain(b.id);
    const countyOnly = (await listSchools(handle.db, { kind: 'counties', countyIds: [places.countyB.id] })).map((s) => s.id);
    expect(countyOnly).toEqual([b.id]);
    expect((await listSchools(handle.db, { kind: 'school', schoolId: a.id, countyId: places.countyA.id })).map((s) => s.id)).toEqual([a.id]);
  });

  it('signs in with the right password, the same refusal for a wrong password and an unknown user', async () => {
    await bureauAccount(handle.db, places.countyA.id, `login-${kind}`);
    const ok = await login(handle.db, { username: `LOGIN-${kind}`, password: PASSWORD, address: '10.0.0.1' });
    expect(ok.user.role).toBe('bureau_admin');
    expect(ok.user.countyId).toBe(places.countyA.id);
    expect(ok.user.cityId).toBe(places.cityA.id);
    expect((await userForSession(handle.db, ok.token))?.id).toBe(ok.user.id);
    const wrong = await rejection(login(handle.db, { username: `login-${kind}`, password: 'nope12345', address: '10.0.0.2' }));
    const unknown = await rejection(login(handle.db, { username: `ghost-${kind}`, password: 'nope12345', address: '10.0.0.2' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(unknown.message).toBe(wrong.message);
  });

  it('expires sessions, rotates them on sign-in and ends them all on a password reset', async () => {
    const account = await bureauAccount(handle.db, places.countyA.id, `sess-${kind}`, 'bureau_officer');
    const first = await login(handle.db, { username: account.username, password: PASSWORD, address: '10.2.0.1' });
    const second = await login(handle.db, {
      username: account.username,
      password: PASSWORD,
      address: '10.2.0.1',
      previousToken: first.token,
    });
    expect(await userForSession(handle.db, first.token)).toBeNull();
    expect(await userForSession(handle.db, second.token, new Date(Date.now() + 13 * 3600_000))).toBeNull();
    expect(await userForSession(handle.db, second.token)).not.toBeNull();
    await resetPassword(handle.db, SYSTEM_ACTOR, { userId: account.id, password: 'newpass123' });
    expect(await userForSession(handle.db, second.token)).toBeNull();
  });

  it('lets a bureau admin create principals only for schools in its county', async () => {
    const admin = await bureauAccount(handle.db, places.countyA.id, `adm-${kind}`);
    const actor = { userId: admin.id, role: 'bureau_admin' as const, scope: { kind: 'counties' as const, countyIds: [places.countyA.id] } };
    const own = await school(handle.db, places.countyA.id);
    const foreign = await school(handle.db, places.countyB.id);
    const principal = await createUser(handle.db, actor, {
      role: 'principal',
      username: own.code,
      displayName: '王校长',
      password: PASSWORD,
      schoolId: own.id,
    });
    expect(principal.countyId).toBe(places.countyA.id);
    const refused = await rejection(
      createUser(handle.db, actor, { role: 'principal', username: foreign.code, displayName: '李校长', password: PASSWORD, schoolId: foreign.id }),
    );
    expect(refused.code).toBe('NOT_FOUND');
    const notAllowed = await rejection(
      createUser(handle.db, actor, { role: 'bureau_admin', username: `x-${kind}`, displayName: 'x', password: PASSWORD, orgUnitId: places.countyA.id }),
    );
    expect(notAllowed.code).toBe('FORBIDDEN');
  });

  it('answers a bureau admin out of its county exactly as for what does not exist, and names no other school', async () => {
    const admin = await bureauAccount(handle.db, places.countyA.id, `scope-${kind}`);
    const actor = { userId: admin.id, role: 'bureau_admin' as const, scope: { kind: 'counties' as const, countyIds: [places.countyA.id] } };
    const own = await school(handle.db, places.countyA.id);
    const foreign = await school(handle.db, places.countyB.id);
    const answer = async (call: Promise<unknown>) => {
      const error = await rejection(call);
      return { code: error.code, message: error.message };
    };
    // An identifier held in another county clashes like one held in the county: the holder is not named.
    for (const held of [own, foreign]) {
      expect(await answer(createSchool(handle.db, actor, schoolInput(places.countyA.id, { code: held.code, name: `新学校${held.id}` })))).toEqual({
        code: 'CONFLICT',
        message: `学校标识码${held.code}已被其他学校使用，请核对。`,
      });
    }
    for (const countyId of [places.countyB.id, 999_999]) {
      expect(await answer(createSchool(handle.db, actor, schoolInput(countyId)))).toEqual({ code: 'NOT_FOUND', message: '县（市、区）不存在。' });
    }
    for (const schoolId of [foreign.id, 999_999]) {
      expect(await answer(updateSchool(handle.db, actor, { schoolId, name: '改名的学校' }))).toEqual({ code: 'NOT_FOUND', message: '学校不存在。' });
    }
  });
});

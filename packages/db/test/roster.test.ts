import { AppError, parseRoster, ROSTER_COLUMNS, rosterHeader, type CellLike, type RosterRow } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorOfUser,
  changeOwnPassword,
  createOrgUnit,
  createUser,
  importSchoolRoster,
  login,
  SYSTEM_ACTOR,
  verifyPassword,
  type Actor,
  type DatabaseHandle,
  type School,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

type Cells = Partial<Record<(typeof ROSTER_COLUMNS)[number]['key'], CellLike>>;

/** Rows as a bureau fills them in, read by the domain's parser (as the upload route does). */
function roster(rows: Cells[]): RosterRow[] {
  const cells: CellLike[][] = [['学校名单'], ROSTER_COLUMNS.map(rosterHeader), ...rows.map((r) => ROSTER_COLUMNS.map((c) => r[c.key] ?? null))];
  const parsed = parseRoster([
    { name: '学校名单', rowCount: cells.length, columnCount: ROSTER_COLUMNS.length, cell: (row, column) => cells[row - 1]?.[column - 1] ?? null },
  ]);
  expect(parsed.errors).toEqual([]);
  return parsed.rows;
}

const row = (code: string, name: string, extra: Cells = {}): Cells => ({
  code,
  name,
  type: '小学',
  ownership: '公办',
  location: '乡村',
  boarding: '否',
  buildingAreaM2: 2400,
  siteAreaM2: 6000,
  hasCanteen: '是',
  township: '青石镇',
  contactName: `${name.slice(0, 2)}校长`,
  contactPhone: '13812345678',
  ...extra,
});

const FILE = { fileName: '学校名单.xlsx', fileHash: 'a'.repeat(64) };

await describeEachDatabase('school roster import', (kind) => {
  let handle: DatabaseHandle;
  let admin: Actor;
  let otherAdmin: Actor;
  let officer: Actor;
  let countyId: number;
  let withAccount: School;
  let withoutAccount: School;
  let untouched: School;
  let n = 0;
  const signIn = (username: string, password: string) => login(handle.db, { username, password, address: `10.1.0.${++n}` });
  const counts = async () => ({
    schools: Number(
      (
        await handle.db
          .selectFrom('schools')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    users: Number(
      (
        await handle.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    audit: Number(
      (
        await handle.db
          .selectFrom('auditLog')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });
  const schoolByCode = (code: string) => handle.db.selectFrom('schools').selectAll().where('code', '=', code).executeTakeFirst();

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const { countyA, countyB } = await smallHierarchy(handle.db);
    countyId = countyA.id;
    await createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: countyA.id, level: 'township', code: '511681101', name: '青石镇' });
    await createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: countyA.id, level: 'township', code: '511681201', name: '白云乡' });
    await createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: countyB.id, level: 'township', code: '511781101', name: '乙镇' });
    const bureau = await bureauAccount(handle.db, countyA.id, `roster-admin-${kind}`);
    admin = actorOfUser((await signIn(bureau.username, PASSWORD)).user);
    const bureauB = await bureauAccount(handle.db, countyB.id, `roster-admin-b-${kind}`);
    otherAdmin = actorOfUser((await signIn(bureauB.username, PASSWORD)).user);
    const officerUser = await bureauAccount(handle.db, countyA.id, `roster-officer-${kind}`, 'bureau_officer');
    officer = actorOfUser((await signIn(officerUser.username, PASSWORD)).user);
    withAccount = await school(handle.db, countyA.id, { code: '2151009001', name: '甲县实验小学' });
    await createUser(handle.db, SYSTEM_ACTOR, {
      role: 'principal',
      username: `p-${kind}`,
      displayName: '李校长',
      password: PASSWORD,
      schoolId: withAccount.id,
    });
    withoutAccount = await school(handle.db, countyA.id, { code: '2151009002', name: '甲县第二小学' });
    untouched = await school(handle.db, countyA.id, { code: '2151009003', name: '甲县第三小学' });
    await school(handle.db, countyB.id, { code: '2151009999', name: '乙县小学' });
  });
  afterAll(() => handle.close());

  const first = () =>
    roster([
      row('2151009101', '青石镇中心小学'),
      row('1151009102', '白云乡幼儿园', { type: '幼儿园', township: '白云乡', hasCanteen: '否', contactPhone: null, contactName: null }),
      row(withAccount.code, withAccount.name, { buildingAreaM2: 5100 }),
      row(withoutAccount.code, withoutAccount.name, { buildingAreaM2: withoutAccount.buildingAreaM2, siteAreaM2: withoutAccount.siteAreaM2, township: null }),
    ]);

  describe('a clean roster', () => {
    let before: Awaited<ReturnType<typeof counts>>;
    let result: Awaited<ReturnType<typeof importSchoolRoster>>;
    beforeAll(async () => {
      before = await counts();
      result = await importSchoolRoster(handle.db, admin, countyId, first(), FILE);
    });

    it('creates new schools, updates known ones, and opens an account for every school without one', async () => {
      expect(result).toMatchObject({ ok: true, created: 2, updated: 2, unchanged: 0, errors: [], warnings: [] });
      expect(result.accounts.map((a) => [a.schoolCode, a.schoolName, a.username])).toEqual([
        ['2151009101', '青石镇中心小学', '2151009101'],
        ['1151009102', '白云乡幼儿园', '1151009102'],
        [withoutAccount.code, withoutAccount.name, withoutAccount.code],
      ]);
      const created = (await schoolByCode('2151009101'))!;
      expect(created).toMatchObject({ countyId, name: '青石镇中心小学', type: 'primary', contactName: '青石校长', contactPhone: '13812345678', active: true });
      const township = await handle.db.selectFrom('orgUnits').select('name').where('id', '=', created.townshipId!).executeTakeFirstOrThrow();
      expect(township.name).toBe('青石镇');
      expect(await schoolByCode('1151009102')).toMatchObject({ type: 'kindergarten', hasCanteen: false, contactName: null, contactPhone: null });
      expect(Number((await schoolByCode(withAccount.code))!.buildingAreaM2)).toBe(5100);
      // Only the changed contact and township: the rest was as stored.
      expect(await schoolByCode(withoutAccount.code)).toMatchObject({ contactName: '甲县校长', contactPhone: '13812345678', townshipId: null });
      const after = await counts();
      expect(after.schools - before.schools).toBe(2);
      expect(after.users - before.users).toBe(3);
    });

    it('leaves a school missing from the file as it is', async () => {
      expect(await schoolByCode(untouched.code)).toEqual(untouched);
    });

    it('gives accounts one-time passwords, stored only hashed, that must be changed at first sign-in', async () => {
      for (const account of result.accounts) {
        expect(account.initialPassword).toMatch(/^[A-Za-z2-9]{10}$/);
        const user = await handle.db.selectFrom('users').selectAll().where('username', '=', account.username).executeTakeFirstOrThrow();
        expect(user).toMatchObject({ role: 'principal', mustChangePassword: true, schoolId: (await schoolByCode(account.schoolCode))!.id, countyId });
        expect(user.passwordHash).not.toContain(account.initialPassword);
        expect(await verifyPassword(account.initialPassword, user.passwordHash)).toBe(true);
      }
      const account = result.accounts[0]!;
      const session = await signIn(account.username, account.initialPassword);
      expect(session.user.mustChangePassword).toBe(true);
      await changeOwnPassword(
        handle.db,
        actorOfUser(session.user),
        { currentPassword: account.initialPassword, newPassword: 'Qingshi2026x' },
        { sessionToken: session.token },
      );
      expect((await signIn(account.username, 'Qingshi2026x')).user.mustChangePassword).toBe(false);
    });

    it('audits every change, and the file once, without any password in clear', async () => {
      const entries = await handle.db.selectFrom('auditLog').selectAll().where('actorId', '=', admin.userId).orderBy('id').execute();
      const actions = entries.map((e) => e.action);
      expect(actions.filter((a) => a === 'school.create')).toHaveLength(2);
      expect(actions.filter((a) => a === 'school.update')).toHaveLength(2);
      expect(actions.filter((a) => a === 'user.create')).toHaveLength(3);
      const file = entries.find((e) => e.action === 'import.schools')!;
      expect(file).toMatchObject({ countyId, entity: 'import' });
      expect(file.after).toMatchObject({ file: '学校名单.xlsx', created: ['2151009101', '1151009102'], unchanged: 0 });
      const text = JSON.stringify(entries);
      for (const account of result.accounts) expect(text).not.toContain(account.initialPassword);
    });

    it('importing the same rows again changes nothing and opens no account', async () => {
      const again = await counts();
      const second = await importSchoolRoster(handle.db, admin, countyId, first(), FILE);
      expect(second).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 4, accounts: [], errors: [] });
      expect(await counts()).toEqual(again);
    });
  });

  it('lists every finding with its cell, and stores nothing', async () => {
    await createUser(handle.db, SYSTEM_ACTOR, { role: 'bureau_officer', username: '2151009108', displayName: '占用', password: PASSWORD, orgUnitId: countyId });
    const before = await counts();
    const stored = await schoolByCode(withAccount.code);
    const rows = roster([
      row(withAccount.code, withAccount.name, { buildingAreaM2: 9999 }), // fine alone: must not be stored
      row('2151009103', '新学校甲', { township: '乙镇' }), // a township of another county
      row('2151009999', '新学校乙'), // identifier of another county's school
      row('3151009105', '新学校丙'), // category digits: 31 is a junior school's
      row('2161009106', '新学校丁'), // province digits
      row('2151009101', '新学校戊'), // the same identifier twice in the file (row 3 of this file is its first)
      row('2151009101', '新学校己'),
      row('2151009107', untouched.name), // a name of a school of the county
      row('2151009108', '新学校庚'), // the account name is taken
    ]);
    const result = await importSchoolRoster(handle.db, admin, countyId, rows, FILE);
    expect(result.ok).toBe(false);
    expect(result.created + result.updated).toBe(0);
    expect(result.accounts).toEqual([]);
    expect(result.errors.map((e) => `${e.sheet}!${e.column}${e.row} ${e.code} ${e.rule}`)).toEqual([
      '学校名单!J4 township unknown_township',
      '学校名单!A5 code other_county',
      '学校名单!A6 code code_rule',
      '学校名单!A7 code code_rule',
      '学校名单!A9 code duplicate',
      '学校名单!B10 name name_taken',
      '学校名单!A11 code username_taken',
    ]);
    const messages = result.errors.map((e) => e.message);
    expect(messages[0]).toBe(
      '第4行所属乡镇（J4）：本县没有名为“乙镇”的乡镇（本县的乡镇：青石镇、白云乡）。乡镇不会由导入新建，请核对名称或先由系统管理员添加。',
    );
    expect(messages[1]).toBe('第5行学校标识码（A5）：学校标识码2151009999已被其他县（市、区）的学校使用，请核对。');
    expect(messages[2]).toBe('第6行学校标识码（A6）：学校标识码前两位应为办学类型代码21（小学）。');
    expect(messages[3]).toBe('第7行学校标识码（A7）：学校标识码第3–4位应为所在省份代码51。');
    expect(messages[4]).toContain('另见第8行');
    expect(messages[5]).toContain(`本县已有名为“${untouched.name}”的学校（学校标识码${untouched.code}）`);
    expect(await counts()).toEqual(before);
    expect(await schoolByCode(withAccount.code)).toEqual(stored);
    expect(await handle.db.selectFrom('orgUnits').select('id').where('name', '=', '乙镇').execute()).toHaveLength(1);
  });

  it('checks again inside the write: an account name taken after the check is a finding, nothing stored', async () => {
    const before = await counts();
    const rows = roster([row('2151009110', '新学校辛'), row('2151009111', '新学校壬')]);
    let latecomer: Promise<unknown> | undefined;
    const result = await importSchoolRoster(handle.db, admin, countyId, rows, {
      ...FILE,
      // Runs between the check and the write (while one-time passwords are hashed).
      hash: async (password) => {
        latecomer ??= createUser(handle.db, SYSTEM_ACTOR, {
          role: 'bureau_officer',
          username: '2151009111',
          displayName: '后来者',
          password: PASSWORD,
          orgUnitId: countyId,
        });
        await latecomer;
        return `hash-of-${password.length}`;
      },
    });
    expect(result.ok).toBe(false);
    expect(result.errors).toMatchObject([{ row: 4, column: 'A', rule: 'username_taken' }]);
    const after = await counts();
    expect(after.schools).toBe(before.schools);
    expect(after.users).toBe(before.users + 1);
  });

  it('runs two imports of one county one after the other: each school and account once', async () => {
    const rows = () => roster([row('2151009120', '并发小学一'), row('2151009121', '并发小学二')]);
    const cheap = { ...FILE, hash: async (p: string) => `test$${p.length}` };
    const [a, b] = await Promise.all([
      importSchoolRoster(handle.db, admin, countyId, rows(), cheap),
      importSchoolRoster(handle.db, admin, countyId, rows(), cheap),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.created + b.created).toBe(2);
    expect(a.accounts.length + b.accounts.length).toBe(2);
    expect(a.unchanged + b.unchanged).toBe(2);
    const users = await handle.db.selectFrom('users').select('username').where('username', 'in', ['2151009120', '2151009121']).execute();
    expect(users).toHaveLength(2);
  });

  it('is for the bureau admin of the county (or the system admin) only', async () => {
    const refusal = async (actor: Actor) => {
      try {
        await importSchoolRoster(handle.db, actor, countyId, roster([row('2151009130', '越权小学')]), FILE);
        return 'done';
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return `${error.code}: ${error.message}`;
      }
    };
    expect(await refusal(officer)).toBe('FORBIDDEN: 只有教育局管理员可以导入学校名单。');
    expect(await refusal(otherAdmin)).toBe('NOT_FOUND: 县（市、区）不存在。');
    expect(await schoolByCode('2151009130')).toBeUndefined();
    const bySystem = await importSchoolRoster(handle.db, SYSTEM_ACTOR, countyId, roster([row('2151009130', '系统导入小学')]), {
      ...FILE,
      hash: async () => 'x',
    });
    expect(bySystem).toMatchObject({ ok: true, created: 1 });
  });
});

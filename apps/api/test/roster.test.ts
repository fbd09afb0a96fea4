import { createOrgUnit, createUser, login, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { ROSTER_COLUMNS, rosterHeader, type RosterKey, type RosterResponse } from '@oversight/domain';
import type ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fc, hostileNumber, hostileText } from '../../../packages/api/test/hostile.js';
import { bytes, county, download, HOST, upload, workbookOf } from './files-support.js';
import { server } from './files-support.js';

/**
 * The school roster over HTTP: the template a bureau admin downloads (the county's schools filled in, drop-downs),
 * filled in and uploaded as multipart; the answer's shape (created / updated / unchanged, the accounts opened with
 * their one-time passwords, findings naming their cells); all or nothing; hostile cells and broken files refused
 * with reasons and nothing stored.
 */
const SHEET = '学校名单';
const CHINESE = /[\u4e00-\u9fff]/;
const COLUMN = Object.fromEntries(ROSTER_COLUMNS.map((c, i) => [c.key, i + 1])) as Record<RosterKey, number>;

await describeEachDatabase('school roster over HTTP', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;
  let admin: string;

  const state = async () =>
    JSON.stringify({
      schools: await handle.db.selectFrom('schools').selectAll().orderBy('id').execute(),
      users: await handle.db.selectFrom('users').select(['id', 'username', 'passwordHash']).orderBy('id').execute(),
      audit: await handle.db.selectFrom('auditLog').selectAll().orderBy('id').execute(),
    });
  const template = async () => {
    const response = await download(app, `/api/templates/school-roster.xlsx?countyId=${setup.countyA.id}`, admin);
    expect(response.statusCode, response.body).toBe(200);
    return workbookOf(response.rawPayload);
  };
  const send = (file: Buffer, token = admin) =>
    upload(app, token, file, { url: `/api/import/schools?countyId=${setup.countyA.id}`, fileName: '学校名单.xlsx' });
  /** The first empty row under the schools. */
  const nextRow = (sheet: ExcelJS.Worksheet) => {
    let row = 4;
    while (sheet.getCell(row, 1).value !== null) row += 1;
    return row;
  };
  const fill = (sheet: ExcelJS.Worksheet, row: number, values: Partial<Record<RosterKey, ExcelJS.CellValue>>) => {
    for (const [key, value] of Object.entries(values)) sheet.getCell(row, COLUMN[key as RosterKey]).value = value;
  };
  const NEW_SCHOOL = {
    code: '2151007001',
    name: '甲镇新建小学',
    type: '小学',
    ownership: '公办',
    location: '镇区',
    boarding: '是',
    buildingAreaM2: 4200.5,
    siteAreaM2: 12000,
    hasCanteen: '是',
    township: '甲镇',
    contactName: '赵敏',
    contactPhone: '13912345678',
  };

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setup = await county(handle);
    app = await server(handle);
    await createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: setup.countyA.id, level: 'township', code: '511681101', name: '甲镇' });
    await createUser(handle.db, SYSTEM_ACTOR, {
      role: 'bureau_admin',
      username: `roster-http-${kind}`,
      displayName: '管理员',
      password: 'secret123',
      orgUnitId: setup.countyA.id,
    });
    admin = (await login(handle.db, { username: `roster-http-${kind}`, password: 'secret123', address: '127.0.0.1' })).token;
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it('downloads the roster with the county’s schools, text identifiers, drop-downs and prompts', async () => {
    const workbook = await template();
    const sheet = workbook.getWorksheet(SHEET)!;
    expect(ROSTER_COLUMNS.map((_, i) => sheet.getCell(3, i + 1).value)).toEqual(ROSTER_COLUMNS.map(rosterHeader));
    const codes = [4, 5, 6].map((r) => sheet.getCell(r, 1).value);
    expect(codes.sort()).toEqual([setup.primary.code, setup.noCanteen.code, setup.vocational.code].sort());
    expect(sheet.getCell(7, 1).value).toBeNull();
    // A name a spreadsheet would run as a formula is written neutralised.
    expect(sheet.getColumn(2).values).toContain("'=实验小学");
    expect(sheet.getCell(4, 1).numFmt).toBe('@');
    const type = sheet.getCell(50, COLUMN.type).dataValidation;
    expect(type).toMatchObject({ type: 'list', formulae: ["'选项'!$A$2:$A$10"] });
    expect(sheet.getCell(4, COLUMN.township).dataValidation).toMatchObject({ type: 'list' });
    expect(sheet.getCell(4, COLUMN.contactPhone).dataValidation).toMatchObject({ prompt: expect.stringContaining('11位手机号码') });
    const options = workbook.getWorksheet('选项')!;
    expect(options.state).toBe('hidden');
    expect(options.getColumn(1).values.slice(2)).toContain('九年一贯制学校');
    const townships = [1, 2, 3, 4, 5, 6, 7].map((c) => options.getColumn(c).values.slice(1)).find((v) => v[0] === '所属乡镇');
    expect(townships).toEqual(['所属乡镇', '甲镇']);
  });

  it('imports the template as downloaded without changing anything but opening missing accounts, then a new school', async () => {
    // The template as downloaded: every school unchanged; the vocational school has no principal yet and gets one.
    const first = await send(await bytes(await template()));
    expect(first.statusCode, first.body).toBe(200);
    const body = first.json() as RosterResponse;
    expect(body).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 3, errors: [], warnings: [] });
    expect(body.accounts).toEqual([
      {
        schoolCode: setup.vocational.code,
        schoolName: setup.vocational.name,
        username: setup.vocational.code,
        initialPassword: expect.stringMatching(/^[A-Za-z2-9]{10}$/),
      },
    ]);
    // The name stored as “=实验小学” read back as itself, not renamed.
    expect((await handle.db.selectFrom('schools').select('name').where('id', '=', setup.primary.id).executeTakeFirstOrThrow()).name).toBe('=实验小学');

    const workbook = await template();
    const sheet = workbook.getWorksheet(SHEET)!;
    fill(sheet, nextRow(sheet), NEW_SCHOOL);
    const file = await bytes(workbook);
    const second = await send(file);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({
      ok: true,
      created: 1,
      updated: 0,
      unchanged: 3,
      accounts: [{ schoolCode: '2151007001', schoolName: '甲镇新建小学', username: '2151007001' }],
    });
    const created = await handle.db.selectFrom('schools').selectAll().where('code', '=', '2151007001').executeTakeFirstOrThrow();
    expect(created).toMatchObject({ countyId: setup.countyA.id, boarding: true, location: 'town', contactName: '赵敏', contactPhone: '13912345678' });
    expect(Number(created.buildingAreaM2)).toBe(4200.5);

    // The same file again: nothing changes, no account.
    const before = await state();
    const third = await send(file);
    expect(third.json()).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 4, accounts: [] });
    expect(await state()).toBe(before);
  });

  it('answers 422 with every finding naming its cell (a row with a bad cell is still checked against the county), and stores nothing', async () => {
    const workbook = await template();
    const sheet = workbook.getWorksheet(SHEET)!;
    const last = nextRow(sheet);
    fill(sheet, 4, { buildingAreaM2: 9876 }); // a change that alone would be stored
    fill(sheet, last, { ...NEW_SCHOOL, code: '2151007002', name: '乙校', township: '不存在镇', contactPhone: '1391234567' });
    fill(sheet, last + 1, { ...NEW_SCHOOL, code: '2151007003', name: '丙校', type: '大学' });
    const before = await state();
    const response = await send(await bytes(workbook));
    expect(response.statusCode).toBe(422);
    const body = response.json() as RosterResponse;
    expect(body).toMatchObject({ ok: false, created: 0, updated: 0, accounts: [] });
    expect(body.error!.message).toBe('文件中有3处错误，未保存任何数据。请按提示修改后重新上传。');
    expect(body.errors.map((e) => `${e.sheet}!${e.column}${e.row} ${e.code}`)).toEqual([
      `${SHEET}!J${last} township`,
      `${SHEET}!L${last} contactPhone`,
      `${SHEET}!C${last + 1} type`,
    ]);
    for (const e of body.errors) expect(e.message).toMatch(new RegExp(`^第${e.row}行.+（${e.column}${e.row}）：`));
    expect(await state()).toBe(before);
  });

  it('refuses a report template, another county’s target, and an upload from another site', async () => {
    const report = await download(app, `/api/templates/county-reports.xlsx?countyId=${setup.countyA.id}&period=2026Q1`, admin);
    const wrong = await send(report.rawPayload);
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ ok: false, error: { rule: 'wrong_template' }, errors: [{ code: 'file', rule: 'wrong_template' }] });
    const file = await bytes(await template());
    const foreign = await upload(app, admin, file, { url: `/api/import/schools?countyId=${setup.countyB.id}` });
    expect(foreign.statusCode).toBe(404);
    const crossSite = await upload(app, admin, file, {
      url: `/api/import/schools?countyId=${setup.countyA.id}`,
      headers: { origin: 'http://evil.test', host: HOST },
    });
    expect(crossSite.statusCode).toBe(403);
  });

  it('stores hostile cells only within the school form’s rules, or refuses them cell by cell, changing nothing', async () => {
    const keys = ROSTER_COLUMNS.map((c) => c.key);
    const cell: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
      hostileNumber,
      hostileText(30),
      fc.boolean(),
      fc.constantFrom<ExcelJS.CellValue>(
        { formula: 'HYPERLINK("http://x","y")', result: 'y' },
        { formula: '1/0', result: { error: '#DIV/0!' } },
        { formula: 'SUM(A1:A3)' } as ExcelJS.CellFormulaValue,
        { error: '#N/A' },
        { richText: [{ text: '１３９' }, { text: '12345678' }] },
        null,
        '民办',
        '是',
        '13700001111',
      ),
    );
    const cases = fc.uniqueArray(
      fc.constantFrom(...keys).chain((key) => cell.map((value) => ({ key, value }))),
      { minLength: 1, maxLength: 4, selector: (c) => c.key },
    );
    let accepted = 0;
    let refused = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (written) => {
        const workbook = await template();
        const sheet = workbook.getWorksheet(SHEET)!;
        const row = nextRow(sheet);
        n += 1;
        fill(sheet, row, { ...NEW_SCHOOL, code: `215100${String(8000 + n)}`, name: `属性小学${n}` });
        fill(sheet, row, Object.fromEntries(written.map((w) => [w.key, w.value])));
        const before = await state();
        const response = await send(await bytes(workbook));
        const body = response.json() as RosterResponse;
        expect([200, 422], JSON.stringify(body).slice(0, 400)).toContain(response.statusCode);
        if (response.statusCode === 422) {
          refused += 1;
          expect(body.errors.length).toBeGreaterThan(0);
          for (const e of body.errors) {
            expect(e, JSON.stringify(e)).toMatchObject({ sheet: SHEET, row, column: expect.stringMatching(/^[A-L]$/) });
            expect(e.message).toMatch(CHINESE);
          }
          expect(await state()).toBe(before);
          return;
        }
        accepted += 1;
        const stored = await handle.db.selectFrom('schools').selectAll().where('countyId', '=', setup.countyA.id).execute();
        for (const s of stored) {
          expect(s.code).toMatch(/^\d{10}$/);
          expect(Number(s.buildingAreaM2)).toBeGreaterThan(0);
          expect(Number.isFinite(Number(s.siteAreaM2))).toBe(true);
          if (s.contactPhone !== null) expect(s.contactPhone).toMatch(/^1[3-9]\d{9}$/);
        }
      }),
      { numRuns: 25, seed: 20261204 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);

  it('refuses random bytes and a truncated workbook with a reason, storing nothing', async () => {
    const file = await bytes(await template());
    const before = await state();
    for (const broken of [Buffer.from('not a workbook at all'), file.subarray(0, Math.floor(file.length / 2))]) {
      const response = await send(broken);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json()).toMatchObject({ ok: false, accounts: [] });
      expect(response.json().error.message).toMatch(CHINESE);
    }
    expect(await state()).toBe(before);
  });
});

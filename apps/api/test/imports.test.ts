import {
  createOrgUnit,
  createSchool,
  importReports,
  saveReport,
  submitReport,
  SYSTEM_ACTOR,
  updateSchool,
  type DatabaseHandle,
  type School,
} from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { periodLabel, type ImportRecord, type Period, type ReportValues } from '@oversight/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  auditCount,
  bytes,
  county,
  countyColumn,
  countyRow,
  download,
  QUARTER,
  reportOf,
  schoolInput,
  schoolValueCell,
  server,
  upload,
  workbookOf,
} from './files-support.js';

/** The import service on its own (records as the parser hands them over): the rules that need a populated county. */
function record(school: School, period: Period, values: ReportValues, row = 5): ImportRecord {
  const codes = Object.keys(values);
  return {
    template: 'county',
    schoolCode: school.code,
    schoolAt: { sheet: '全县汇总', row, column: 'A' },
    period,
    periodAt: { sheet: '全县汇总', row, column: 'C' },
    cells: codes.map((code, i) => ({
      code,
      raw: values[code] as string | number | boolean | null,
      at: { sheet: '全县汇总', row, column: String.fromCharCode(68 + i) },
    })),
  };
}

const options = { fileName: 'test.xlsx', fileHash: 'f'.repeat(64) };

await describeEachDatabase('import service', (kind) => {
  let handle: DatabaseHandle;
  let schools: School[];

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', code: '510000', name: '四川省' });
    const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
    const county = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511681', name: '甲县' });
    schools = [];
    for (let i = 0; i < 5; i++) schools.push(await createSchool(db, SYSTEM_ACTOR, schoolInput(county.id)));
  });
  afterAll(() => handle.close());

  it('warns, naming the cell, about outliers among same-type peers and jumps on the same quarter last year', async () => {
    const [a, b, c, d] = schools as [School, School, School, School];
    const peers = await importReports(
      handle.db,
      SYSTEM_ACTOR,
      [a, b, c].map((s, i) => record(s, '2026Q1', QUARTER, 5 + i)),
      { ...options, mode: 'approved' },
    );
    expect(peers).toMatchObject({ ok: true, stored: 3 });
    const lastYear = await importReports(handle.db, SYSTEM_ACTOR, [record(d, '2025Q1', { ...QUARTER, food_safety_grade_date: '2025-02-10' })], {
      ...options,
      mode: 'approved',
    });
    expect(lastYear).toMatchObject({ ok: true, stored: 1 });

    const result = await importReports(handle.db, SYSTEM_ACTOR, [record(d, '2026Q1', { ...QUARTER, electricity_kwh: 200_000, students_enrolled: 2000 })], {
      ...options,
      mode: 'draft',
    });
    expect(result.ok).toBe(true);
    const rules = result.warnings.map((w) => `${w.code}:${w.rule}`);
    expect(rules).toContain('electricity_kwh:peer_outlier');
    expect(rules).toContain('students_enrolled:jump');
    const jump = result.warnings.find((w) => w.rule === 'jump')!;
    expect(jump).toMatchObject({ sheet: '全县汇总', row: 5, column: 'D' });
    expect(jump.message).toContain('较上年同期增加66.7%');
  });

  it('flags errors in figures stored earlier, blocks only on the cells the file brings, and refuses locked reports', async () => {
    const e = schools[4]!;
    // A draft saved through the form may hold a range error; importing other cells flags it without blocking.
    await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: e.id, period: '2026Q2', version: 0, values: { meal_days: 120 } });
    const other = await importReports(handle.db, SYSTEM_ACTOR, [record(e, '2026Q2', { electricity_kwh: 10 })], { ...options, mode: 'draft' });
    expect(other).toMatchObject({ ok: true, stored: 1 });
    expect(other.warnings).toContainEqual(expect.objectContaining({ code: 'meal_days', rule: 'range', row: 5, column: 'A' }));
    expect(other.warnings.find((w) => w.code === 'meal_days')!.message).toMatch(/^已保存的数据有误：/);
    const same = await importReports(handle.db, SYSTEM_ACTOR, [record(e, '2026Q2', { meal_days: 121 })], { ...options, mode: 'draft' });
    expect(same.errors).toEqual([expect.objectContaining({ code: 'meal_days', rule: 'range', column: 'D' })]);

    // An approved report is locked against every import that would change it.
    const [a] = schools as [School];
    const locked = await importReports(handle.db, SYSTEM_ACTOR, [record(a, '2026Q1', { ...QUARTER, water_m3: 1 })], { ...options, mode: 'draft' });
    expect(locked.errors).toEqual([expect.objectContaining({ code: 'school_code', rule: 'locked' })]);
    expect(locked.errors[0]!.message).toContain('已审核通过并锁定');
    const relock = await importReports(handle.db, SYSTEM_ACTOR, [record(a, '2026Q1', { ...QUARTER, water_m3: 1 })], { ...options, mode: 'approved' });
    expect(relock.errors[0]!.rule).toBe('locked');
  });

  it('lets the bureau correct a submitted report, a principal not; approving it bumps the version once', async () => {
    const e = schools[4]!;
    await importReports(handle.db, SYSTEM_ACTOR, [record(e, '2026Q3', QUARTER)], { ...options, mode: 'draft' });
    const draft = (await reportOf(handle, e.id, '2026Q3'))!;
    await submitReport(handle.db, SYSTEM_ACTOR, { schoolId: e.id, period: '2026Q3', version: draft.version });
    const principal = { userId: null, role: 'principal' as const, scope: { kind: 'school' as const, schoolId: e.id, countyId: e.countyId } };
    const refused = await importReports(handle.db, principal, [record(e, '2026Q3', { ...QUARTER, water_m3: 5 })], { ...options, mode: 'draft' });
    expect(refused.errors[0]).toMatchObject({ rule: 'locked' });
    expect(refused.errors[0]!.message).toContain('等待教育局审核');
    await expect(importReports(handle.db, principal, [record(e, '2026Q3', QUARTER)], { ...options, mode: 'approved' })).rejects.toThrow('只有教育局账号');

    const before = (await reportOf(handle, e.id, '2026Q3'))!;
    const approved = await importReports(handle.db, SYSTEM_ACTOR, [record(e, '2026Q3', { ...QUARTER, water_m3: 5 })], { ...options, mode: 'approved' });
    expect(approved).toMatchObject({ ok: true, stored: 1, updated: 1 });
    const after = (await reportOf(handle, e.id, '2026Q3'))!;
    expect(after).toMatchObject({ status: 'approved', version: before.version + 1, submittedAt: before.submittedAt });
    expect(after.values.water_m3).toBe(5);
    const audit = await handle.db
      .selectFrom('auditLog')
      .selectAll()
      .where('entity', '=', 'report')
      .where('entityId', '=', String(after.id))
      .orderBy('id')
      .execute();
    expect(audit.at(-1)).toMatchObject({
      action: 'report.import_approved',
      before: { status: 'submitted', values: { water_m3: QUARTER.water_m3 } },
      after: { status: 'approved', values: { water_m3: 5 } },
    });
  });

  it('refuses unknown, closed and repeated schools in a file, and a check run stores nothing', async () => {
    const [a, b] = schools as [School, School];
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: b.id, active: false });
    const ghost = { ...a, code: '2151999999' };
    const result = await importReports(
      handle.db,
      SYSTEM_ACTOR,
      [
        record(a, '2027Q1', { electricity_kwh: 1 }, 5),
        record(a, '2027Q1', { electricity_kwh: 2 }, 6),
        record(b, '2027Q1', { electricity_kwh: 3 }, 7),
        record(ghost, '2027Q1', { electricity_kwh: 4 }, 8),
      ],
      { ...options, mode: 'draft' },
    );
    expect(result.errors.map((e) => `${e.row}:${e.rule}`)).toEqual(['6:duplicate', '7:inactive', '8:unknown']);
    expect(result.errors[0]!.message).toContain('另见全县汇总!A5');
    expect(await reportOf(handle, a.id, '2027Q1')).toBeUndefined();

    const dry = await importReports(handle.db, SYSTEM_ACTOR, [record(a, '2027Q1', { electricity_kwh: 1 })], { ...options, mode: 'draft', dryRun: true });
    expect(dry).toMatchObject({ ok: true, stored: 0 });
    expect(await reportOf(handle, a.id, '2027Q1')).toBeUndefined();
  });
});

/**
 * Versions over HTTP: the templates as downloaded carry each report's version (版本), and an upload made stale by a
 * save after the download is refused with 422, naming the school, the row and both versions, storing nothing.
 */
await describeEachDatabase('templates carry report versions', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setup = await county(handle);
    app = await server(handle);
  });
  afterAll(async () => {
    await app.close();
    await handle.close();
  });

  const stale = (who: string, file: number, current: number) =>
    `${who}的报表在您下载模板后已被修改（模板版本${file}，当前版本${current}），为避免覆盖他人的修改，本次导入未保存任何数据。请重新下载模板后再填写。`;

  async function countySheet(period: Period) {
    const response = await download(app, `/api/templates/county-reports.xlsx?countyId=${setup.countyA.id}&period=${period}`, setup.sessions.officerA);
    expect(response.statusCode).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    return { workbook, sheet: workbook.getWorksheet('全县汇总')! };
  }

  it('refuses a county sheet made stale by a principal’s save with 422, storing nothing, marks its version cell, and takes it again downloaded', async () => {
    const period: Period = '2026Q1';
    const first = await saveReport(handle.db, SYSTEM_ACTOR, {
      schoolId: setup.primary.id,
      period,
      version: 0,
      values: { students_enrolled: 1200, electricity_kwh: 100 },
    });
    const { workbook, sheet } = await countySheet(period);
    const version = countyColumn(sheet, 'version');
    expect(sheet.getCell(3, version).value).toBe('版本');
    expect(String(sheet.getCell('A2').value)).toContain('“版本”列是下载时各校报表的版本，请勿修改');
    const row = countyRow(sheet, setup.primary);
    expect(sheet.getCell(row, version).value).toBe(first.version);
    expect(sheet.getCell(countyRow(sheet, setup.noCanteen), version).value).toBe(0);
    sheet.getCell(row, countyColumn(sheet, 'electricity_kwh')).value = 5000;
    sheet.getCell(countyRow(sheet, setup.vocational), countyColumn(sheet, 'electricity_kwh')).value = 800;
    const file = await bytes(workbook);

    // The principal saves after the bureau downloaded the sheet.
    const saved = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: setup.primary.id, period, version: first.version, values: { electricity_kwh: 150 } });
    const audits = await auditCount(handle);
    const refused = await upload(app, setup.sessions.officerA, file);
    expect(refused.statusCode).toBe(422);
    const letter = sheet.getColumn(version).letter;
    const message = stale(`第${row}行 ${setup.primary.name} `, first.version, saved.version);
    expect(refused.json()).toMatchObject({
      ok: false,
      stored: 0,
      errors: [{ sheet: '全县汇总', row, column: letter, code: 'version', rule: 'conflict', message }],
    });
    expect(refused.json().error).toEqual({
      rule: 'conflict',
      message: '文件中有1份报表在您下载模板后已被他人修改，为避免覆盖他人的修改，未保存任何数据。请重新下载模板后再填写（共1处问题，见明细）。',
    });
    expect(await reportOf(handle, setup.primary.id, period)).toMatchObject({
      version: saved.version,
      values: { students_enrolled: 1200, electricity_kwh: 150 },
    });
    expect(await reportOf(handle, setup.vocational.id, period)).toBeUndefined();
    expect(await auditCount(handle)).toBe(audits);

    const annotated = await upload(app, setup.sessions.officerA, file, { query: 'annotate=1' });
    expect(annotated.statusCode).toBe(200);
    expect(annotated.headers['x-import-errors']).toBe('1');
    const marked = (await workbookOf(annotated.rawPayload)).getWorksheet('全县汇总')!.getCell(row, version);
    expect(marked.fill).toMatchObject({ pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } });
    expect(JSON.stringify(marked.note)).toContain(`模板版本${first.version}，当前版本${saved.version}`);
    expect(await reportOf(handle, setup.vocational.id, period)).toBeUndefined();

    // Downloaded again, the sheet shows the principal's save and imports on top of it.
    const again = await countySheet(period);
    expect(again.sheet.getCell(row, version).value).toBe(saved.version);
    expect(again.sheet.getCell(row, countyColumn(again.sheet, 'electricity_kwh')).value).toBe(150);
    again.sheet.getCell(row, countyColumn(again.sheet, 'electricity_kwh')).value = 5000;
    const stored = await upload(app, setup.sessions.officerA, await bytes(again.workbook));
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ ok: true, stored: 1, updated: 1, errors: [] });
    expect(await reportOf(handle, setup.primary.id, period)).toMatchObject({
      version: saved.version + 1,
      values: { students_enrolled: 1200, electricity_kwh: 5000 },
    });
  });

  it('refuses a school template made stale by an officer’s save; with its version cleared it is applied on top, with a warning', async () => {
    const period: Period = '2026Q2';
    const url = `/api/templates/school-report.xlsx?schoolId=${setup.primary.id}&period=${period}`;
    const template = async () => {
      const workbook = await workbookOf((await download(app, url, setup.sessions.principal)).rawPayload);
      return { workbook, sheet: workbook.getWorksheet('季度报表')! };
    };
    const blank = await template();
    expect([blank.sheet.getCell('C3').value, blank.sheet.getCell('D3').value]).toEqual(['版本', 0]);
    expect(String(blank.sheet.getCell('E3').value)).toContain('“版本”供系统识别，请勿修改');
    schoolValueCell(blank.sheet, 'students_enrolled').value = 900;
    expect((await upload(app, setup.sessions.principal, await bytes(blank.workbook))).json()).toMatchObject({ ok: true, created: 1 });

    const { workbook, sheet } = await template();
    expect(sheet.getCell('D3').value).toBe(1);
    schoolValueCell(sheet, 'students_enrolled').value = 950;
    const officer = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: setup.primary.id, period, version: 1, values: { staff_count: 50 } });
    const refused = await upload(app, setup.sessions.principal, await bytes(workbook));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      {
        sheet: '季度报表',
        row: 3,
        column: 'D',
        code: 'version',
        rule: 'conflict',
        message: stale(`${setup.primary.name}${periodLabel(period)}`, 1, officer.version),
      },
    ]);
    expect(await reportOf(handle, setup.primary.id, period)).toMatchObject({ version: officer.version, values: { students_enrolled: 900, staff_count: 50 } });

    // Typed over by hand (version blank): stored on top of the officer's save, the file being the whole report.
    sheet.getCell('D3').value = null;
    const forced = await upload(app, setup.sessions.principal, await bytes(workbook));
    expect(forced.statusCode).toBe(200);
    expect(forced.json()).toMatchObject({ ok: true, stored: 1, updated: 1 });
    expect(forced.json().warnings).toContainEqual(expect.objectContaining({ sheet: '季度报表', row: 3, column: 'D', code: 'version', rule: 'no_version' }));
    expect(forced.json().warnings.find((w: { rule: string }) => w.rule === 'no_version').message).toContain(`当前版本${officer.version}`);
    expect(await reportOf(handle, setup.primary.id, period)).toMatchObject({ version: officer.version + 1, values: { students_enrolled: 950 } });

    // A version that is no number is refused, naming the cell.
    sheet.getCell('D3').value = '最新';
    const bad = await upload(app, setup.sessions.principal, await bytes(workbook));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ row: 3, column: 'D', code: 'version', rule: 'format' })]);
    expect(bad.json().errors[0].message).toContain('版本（D3单元格）应为不小于0的整数，文件中为“最新”');
  });
});

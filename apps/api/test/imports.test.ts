import { createOrgUnit, createSchool, importReports, saveReport, submitReport, SYSTEM_ACTOR, updateSchool, type DatabaseHandle, type School } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { ImportRecord, Period, ReportValues } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUARTER, reportOf, schoolInput } from './files-support.js';

/** The import service on its own (records as the parser hands them over): the rules that need a populated county. */
function record(school: School, period: Period, values: ReportValues, row = 5): ImportRecord {
  const codes = Object.keys(values);
  return {
    template: 'county',
    schoolCode: school.code,
    schoolAt: { sheet: '全县汇总', row, column: 'A' },
    period,
    periodAt: { sheet: '全县汇总', row, column: 'C' },
    cells: codes.map((code, i) => ({ code, raw: values[code] as string | number | boolean | null, at: { sheet: '全县汇总', row, column: String.fromCharCode(68 + i) } })),
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
    const peers = await importReports(handle.db, SYSTEM_ACTOR, [a, b, c].map((s, i) => record(s, '2026Q1', QUARTER, 5 + i)), { ...options, mode: 'approved' });
    expect(peers).toMatchObject({ ok: true, stored: 3 });
    const lastYear = await importReports(handle.db, SYSTEM_ACTOR, [record(d, '2025Q1', { ...QUARTER, food_safety_grade_date: '2025-02-10' })], { ...options, mode: 'approved' });
    expect(lastYear).toMatchObject({ ok: true, stored: 1 });

    const result = await importReports(handle.db, SYSTEM_ACTOR, [record(d, '2026Q1', { ...QUARTER, electricity_kwh: 200_000, students_enrolled: 2000 })], { ...options, mode: 'draft' });
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
    const audit = await handle.db.selectFrom('auditLog').selectAll().where('entity', '=', 'report').where('entityId', '=', String(after.id)).orderBy('id').execute();
    expect(audit.at(-1)).toMatchObject({ action: 'report.import_approved', before: { status: 'submitted', values: { water_m3: QUARTER.water_m3 } }, after: { status: 'approved', values: { water_m3: 5 } } });
  });

  it('refuses unknown, closed and repeated schools in a file, and a check run stores nothing', async () => {
    const [a, b] = schools as [School, School];
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: b.id, active: false });
    const ghost = { ...a, code: '2151999999' };
    const result = await importReports(
      handle.db,
      SYSTEM_ACTOR,
      [record(a, '2027Q1', { electricity_kwh: 1 }, 5), record(a, '2027Q1', { electricity_kwh: 2 }, 6), record(b, '2027Q1', { electricity_kwh: 3 }, 7), record(ghost, '2027Q1', { electricity_kwh: 4 }, 8)],
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

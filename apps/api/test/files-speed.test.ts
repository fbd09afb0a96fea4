import { createOrgUnit, createSchool, createUser, login, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { applies, templateIndicators, type Indicator } from '@oversight/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bytes, countyColumn, download, schoolInput, server, upload, workbookOf } from './files-support.js';

/**
 * A county sheet of 500 schools, every applicable cell filled, imports in seconds: the whole request (upload,
 * zip check, parsing, every catalogue rule, one transaction) is timed and reported in values per second.
 */
const SCHOOLS = 500;

/** A plausible, valid value for school number `i`, as a person would type it. */
function typed(ind: Indicator, i: number): string | number {
  const enrolled = 400 + i;
  const byCode: Record<string, string | number> = {
    students_enrolled: enrolled,
    staff_count: 40 + (i % 30),
    liability_insured: enrolled,
    accident_insured: enrolled - (i % 20),
    medical_insured: enrolled - (i % 50),
    interns: 50,
    internship_insured: 45,
    injury_claims_settled: 0,
    canteen_staff: 12,
    canteen_staff_certified: 12,
    meal_days: 60,
    accompany_meal_days: 55,
    issues_found: 3,
    issues_rectified: 2,
    green_school_level: '市级',
    food_safety_grade_date: '2025-10-15',
    green_area_total_m2: '2,500',
    green_area_added_m2: 40,
  };
  if (ind.code in byCode) return byCode[ind.code]!;
  if (ind.valueType === 'boolean') return ind.expected === false ? '否' : '是';
  if (ind.valueType === 'enum') return ind.options!.at(-1)!.value === 'none' ? ind.options![1]!.label.zh : ind.options![0]!.label.zh;
  if (ind.valueType === 'integer') return (i % 7) + 1;
  return Math.round((1000 + i * 13.7) * 100) / 100;
}

await describeEachDatabase('importing a 500-school county sheet', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let token: string;
  let countyId: number;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', code: '510000', name: '四川省' });
    const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
    countyId = (await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511681', name: '甲县' })).id;
    for (let i = 0; i < SCHOOLS; i++) {
      // Every tenth school has no canteen; a few are vocational.
      const vocational = i % 50 === 7;
      await createSchool(
        db,
        SYSTEM_ACTOR,
        schoolInput(countyId, {
          code: `${vocational ? '36' : '21'}51${String(100000 + i)}`,
          name: `第${i + 1}学校`,
          type: vocational ? 'vocational' : 'primary',
          hasCanteen: i % 10 !== 3,
          siteAreaM2: 20000,
        }),
      );
    }
    await createUser(db, SYSTEM_ACTOR, {
      role: 'bureau_officer',
      username: 'speed-officer',
      displayName: '业务员',
      password: 'secret123',
      orgUnitId: countyId,
    });
    token = (await login(db, { username: 'speed-officer', password: 'secret123', address: '127.0.0.1' })).token;
    app = await server(handle);
  });
  afterAll(async () => {
    await app.close();
    await handle.close();
  });

  it('imports every value of 500 schools in seconds, and the same file again changes nothing', async () => {
    const started = performance.now();
    const template = await download(app, `/api/templates/county-reports.xlsx?countyId=${countyId}&period=2026Q1`, token);
    const templateMs = performance.now() - started;
    expect(template.statusCode).toBe(200);
    const workbook = await workbookOf(template.rawPayload);
    const sheet = workbook.getWorksheet('全县汇总')!;
    const schools = await handle.db.selectFrom('schools').selectAll().where('countyId', '=', countyId).orderBy('code').execute();
    const columns = templateIndicators().map((ind) => ({ ind, column: countyColumn(sheet, ind.code) }));
    let filled = 0;
    schools.forEach((school, index) => {
      const row = sheet.getRow(5 + index);
      expect(row.getCell(1).value).toBe(school.code);
      for (const { ind, column } of columns) {
        if (!applies(ind, school)) continue;
        row.getCell(column).value = typed(ind, index);
        filled += 1;
      }
    });
    const file = await bytes(workbook);
    // The same sheet for the quarter before: the first import a freshly started server sees.
    for (let index = 0; index < schools.length; index++) sheet.getCell(5 + index, countyColumn(sheet, 'period')).value = '2025Q4';
    const earlier = await bytes(workbook);

    /** One timed import: wall time, and CPU time of this process (with PGlite: all of the work, whatever else the machine is doing). */
    async function timed(label: string, body: Buffer) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const response = await upload(app, token, body);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const result = response.json();
      expect(result.errors).toEqual([]);
      console.log(
        `[${kind}] ${label}: ${SCHOOLS} schools, ${filled} values, ${(body.length / 1024).toFixed(0)}KB: ${(seconds * 1000).toFixed(0)}ms = ` +
          `${Math.round(filled / seconds)} values/s (CPU in this process ${(cpuSeconds * 1000).toFixed(0)}ms = ${Math.round(filled / cpuSeconds)} values per CPU-second)`,
      );
      expect(seconds).toBeLessThan(10);
      return result;
    }

    console.log(`[${kind}] county template for ${SCHOOLS} schools: ${templateMs.toFixed(0)}ms`);
    expect(await timed('first import after start', earlier)).toMatchObject({ ok: true, stored: SCHOOLS, values: filled });
    expect(await timed('import', file)).toMatchObject({ ok: true, stored: SCHOOLS, created: SCHOOLS, values: filled });

    const stored = await handle.db.selectFrom('reports').select(['schoolId', 'values']).where('period', '=', '2026Q1').execute();
    expect(stored).toHaveLength(SCHOOLS);
    expect(stored.reduce((n, r) => n + Object.keys(r.values).length, 0)).toBe(filled);

    const t1 = performance.now();
    const again = await upload(app, token, file);
    const secondSeconds = (performance.now() - t1) / 1000;
    expect(again.json()).toMatchObject({ ok: true, stored: 0, unchanged: SCHOOLS });
    console.log(`[${kind}] same file again: ${(secondSeconds * 1000).toFixed(0)}ms, nothing changed`);
  });
});

import { AppError, type Period, type Scope } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  comparisonModel,
  countyDegreeDays,
  myStanding,
  overview,
  ranking,
  schoolExpectations,
  setDegreeDays,
  setTarget,
  targetAttainment,
  updateSchool,
  SYSTEM_ACTOR,
  type Actor,
  type DatabaseHandle,
  type School,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { fileReport } from './figures.js';
import { school, smallHierarchy } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A deterministic spread around 0 (about ±0.05 on the log scale), so the synthetic schools are the same each run. */
const wobble = (i: number) => 0.05 * Math.sin(i * 12.9898) * Math.cos(i * 4.1414);

interface Spec {
  students: number;
  staff: number;
  area: number;
  boarding: boolean;
  canteen: boolean;
  mealDays: number;
  rural: boolean;
}

/** The known effects: electricity ∝ students^0.6 · staff^0.2 · area^0.3 · 1.35 if boarding · 1.1 with a canteen · 0.85 rural. */
const electricity = (s: Spec, noise = 0) =>
  Math.round(
    Math.exp(
      1.2 + 0.6 * Math.log(s.students) + 0.2 * Math.log(s.staff) + 0.3 * Math.log(s.area) + (s.boarding ? Math.log(1.35) : 0) + (s.canteen ? Math.log(1.1) : 0),
    ) *
      (s.rural ? 0.85 : 1) *
      Math.exp(noise),
  );

await describeEachDatabase('fair comparison', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let scopeA: Scope;
  let officerA: Actor;
  const schoolsA: School[] = [];
  let day: School;
  let boarding: School;
  let wrong: School;

  const file = async (s: School, spec: Spec, period: Period, kwh: number) =>
    fileReport(handle.db, s, period, {
      students_enrolled: spec.students,
      staff_count: spec.staff,
      ...(spec.canteen ? { meal_days: spec.mealDays } : {}),
      electricity_kwh: kwh,
      water_m3: Math.round(kwh / 8),
    });

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await smallHierarchy(handle.db);
    const a = places.countyA.id;
    scopeA = { kind: 'counties', countyIds: [a] };
    officerA = { userId: null, role: 'bureau_officer', scope: scopeA };
    // 40 schools in county A and 8 in county B (another city of the same province): the model rests on all 48.
    for (let i = 0; i < 48; i++) {
      const students = 150 + ((i * 397) % 1800);
      const spec: Spec = {
        students,
        staff: Math.max(8, Math.round((students / 12) * (1 + ((i * 7) % 9) / 20))),
        area: Math.round(students * 6 * (0.8 + ((i * 13) % 10) / 20)),
        boarding: i % 4 === 0,
        canteen: i % 3 !== 2,
        mealDays: 58 + (i % 5),
        rural: i % 2 === 1,
      };
      const s = await school(handle.db, i < 40 ? a : places.countyB.id, {
        boarding: spec.boarding,
        hasCanteen: spec.canteen,
        buildingAreaM2: spec.area,
        location: spec.rural ? 'rural' : 'urban',
      });
      if (i < 40) schoolsA.push(s);
      await file(s, spec, '2026Q1', electricity(spec, wobble(i)));
    }
    // Two schools alike in everything but boarding: the boarding one uses 30% more, where boarding is expected to add 35%.
    const same: Spec = { students: 800, staff: 70, area: 4800, boarding: false, canteen: true, mealDays: 60, rural: false };
    day = await school(handle.db, a, { name: '走读小学', boarding: false, hasCanteen: true, buildingAreaM2: 4800, location: 'urban' });
    boarding = await school(handle.db, a, { name: '寄宿小学', boarding: true, hasCanteen: true, buildingAreaM2: 4800, location: 'urban' });
    await file(day, same, '2026Q1', electricity(same));
    await file(boarding, { ...same, boarding: true }, '2026Q1', Math.round(electricity(same) * 1.3));
    // A figure ten times what a school like it uses: a possible data error.
    wrong = await school(handle.db, a, { name: '数据异常小学', boarding: false, hasCanteen: true, buildingAreaM2: 3000, location: 'urban' });
    await file(wrong, { ...same, students: 500, staff: 45, area: 3000 }, '2026Q1', electricity({ ...same, students: 500, staff: 45, area: 3000 }) * 10);
    // 2025: only 20 schools reported, too few for a score.
    for (const s of schoolsA.slice(0, 20)) await file(s, { ...same, canteen: s.hasCanteen, students: 400, staff: 35, area: 2400 }, '2025Q1', 20000);
  }, 600_000);
  afterAll(() => handle.close());

  it('scores the county’s schools against the province’s model in the league table, sorted by score with blanks last', async () => {
    const table = await ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh', adjusted: true, sortBy: 'score' });
    expect(table.adjustment).toMatchObject({ window: ['2026Q1'], province: '四川省', considered: 51, reason: null });
    expect(table.adjustment!.n).toBe(50);
    expect(table.adjustment!.r2!).toBeGreaterThan(0.8);
    const scores = table.rows.map((r) => r.score);
    expect(scores.every((x) => x !== null)).toBe(true);
    expect([...scores].sort((x, y) => y! - x!)).toEqual(scores);
    const row = table.rows.find((r) => r.schoolId === day.id)!;
    expect(row.expected!).toBeGreaterThan(0);
    expect(row.actualToExpected!).toBeCloseTo((row.value as number) / row.expected!, 4);

    const d = table.rows.find((r) => r.schoolId === day.id)!;
    const b = table.rows.find((r) => r.schoolId === boarding.id)!;
    expect(b.value as number).toBeGreaterThan(d.value as number);
    expect(b.actualToExpected!).toBeLessThan(d.actualToExpected!);
    expect(b.score!).toBeGreaterThan(d.score!);
    // Without adjustment the boarding school ranks behind the day school.
    const plain = await ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' });
    expect(plain.rows.find((r) => r.schoolId === boarding.id)!.rank!).toBeGreaterThan(plain.rows.find((r) => r.schoolId === day.id)!.rank!);
    expect(plain.rows[0]!.score).toBeUndefined();
    expect(plain.adjustment).toBeNull();

    const wrongRow = table.rows.find((r) => r.schoolId === wrong.id)!;
    expect(wrongRow).toMatchObject({ outlier: true, score: 1, scoreReason: null });
  });

  it('refuses an adjusted table for other indicators or a single quarter, naming the field', async () => {
    const other = await rejection(ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'gas_m3', adjusted: true }));
    expect(other.field).toBe('indicator');
    expect(other.message).toBe('按特征调整的比较只适用于用电量、用水量、综合能耗。');
    const quarter = await rejection(ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, quarter: 1, indicator: 'water_m3', adjusted: true }));
    expect(quarter.field).toBe('quarter');
    expect((await rejection(ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'water_m3', sortBy: 'score' }))).field).toBe(
      'sortBy',
    );
  });

  it('shows the bureau how the expectation is made: effects in words, R², the schools it rests on, the outliers of its own counties only', async () => {
    const m = await comparisonModel(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' });
    expect(m.n).toBe(50);
    expect(m.province).toEqual({ id: places.province.id, name: '四川省', counties: 3 });
    const boardingEffect = m.effects.find((e) => e.key === 'boarding')!;
    expect(boardingEffect.text.zh).toMatch(/^寄宿制学校预期用电量高约\d+%$/);
    expect(boardingEffect.percent).toBeGreaterThan(20);
    expect(boardingEffect.percent).toBeLessThan(50);
    expect(m.effects.find((e) => e.key === 'location:rural')!.text.zh).toMatch(/^乡村学校预期用电量比城区学校低约\d+%$/);
    expect(m.points).toHaveLength(43);
    expect(m.points.every((p) => p.countyId === places.countyA.id)).toBe(true);
    expect(m.outliers.map((p) => p.name)).toEqual(['数据异常小学']);
    // A city's officer sees the same fit; a county's officer cannot ask for another city.
    const cityScope: Scope = { kind: 'counties', countyIds: [places.countyB.id] };
    const forCityB = await comparisonModel(handle.db, cityScope, { cityId: places.cityB.id, year: 2026, indicator: 'electricity_kwh' });
    expect(forCityB.n).toBe(50);
    expect(forCityB.points).toHaveLength(8);
    expect(forCityB.outliers).toEqual([]);
    expect((await rejection(comparisonModel(handle.db, scopeA, { cityId: places.cityB.id, year: 2026, indicator: 'electricity_kwh' }))).code).toBe('NOT_FOUND');
    expect((await rejection(comparisonModel(handle.db, scopeA, { countyId: places.countyB.id, year: 2026, indicator: 'electricity_kwh' }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('says so, and shows no score, when too few comparable schools reported', async () => {
    const table = await ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2025, indicator: 'electricity_kwh', adjusted: true });
    expect(table.adjustment!.reason).toBe('全省本年度数据完整的可比学校仅20所，少于30所，不计算预期与得分');
    expect(table.rows.every((r) => r.score === null)).toBe(true);
    const reasons = new Set(table.rows.map((r) => (r.value === null ? `none:${r.scoreReason}` : r.scoreReason)));
    expect(reasons).toEqual(new Set([table.adjustment!.reason, 'none:本年度没有已审核的报表']));
  });

  it('answers for a year without any approved report: nothing to fit, and why', async () => {
    const model = await comparisonModel(handle.db, scopeA, { countyId: places.countyA.id, year: 2019, indicator: 'electricity_kwh' });
    expect(model.window).toEqual([]);
    expect(model.n).toBe(0);
    expect(model.reason).toBe('全省本年度数据完整的可比学校仅0所，少于30所，不计算预期与得分');
  });

  it('keeps the fit while its inputs stand, and refits when a school or the degree days change', async () => {
    const computedAt = async () =>
      (
        await handle.db
          .selectFrom('countyFigures')
          .select('computedAt')
          .where('countyId', '=', places.province.id)
          .where('key', 'like', 'comparison|%|electricity_kwh|%|2026')
          .executeTakeFirstOrThrow()
      ).computedAt.getTime();
    const first = await computedAt();
    await comparisonModel(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' });
    expect(await computedAt()).toBe(first);

    // The day school turns out to board: its expectation rises at once.
    const before = (await ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh', adjusted: true })).rows.find(
      (r) => r.schoolId === day.id,
    )!;
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: day.id, boarding: true });
    const after = (await ranking(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh', adjusted: true })).rows.find(
      (r) => r.schoolId === day.id,
    )!;
    expect(after.expected!).toBeGreaterThan(before.expected! * 1.2);
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: day.id, boarding: false });

    // Degree days for one county only leave the climate out; for every county they enter the model.
    await setDegreeDays(handle.db, officerA, { countyId: places.countyA.id, year: 2026, hdd: 1500, cdd: 200 });
    expect((await comparisonModel(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' })).climate).toEqual({
      hdd: false,
      cdd: false,
    });
    await setDegreeDays(handle.db, SYSTEM_ACTOR, { countyId: places.countyA2.id, year: 2026, hdd: 1700, cdd: 150 });
    await setDegreeDays(handle.db, SYSTEM_ACTOR, { countyId: places.countyB.id, year: 2026, hdd: 2100, cdd: 120 });
    const withClimate = await comparisonModel(handle.db, scopeA, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' });
    expect(withClimate.climate).toEqual({ hdd: true, cdd: true });
    expect(withClimate.effects.some((e) => e.key === 'hdd' && e.text.zh.startsWith('采暖度日数每多500，预期用电量'))).toBe(true);
    expect(await computedAt()).toBeGreaterThan(first);
  });

  it('takes degree days from the bureau of the county only, validated, and stores nothing refused', async () => {
    const negative = await rejection(setDegreeDays(handle.db, officerA, { countyId: places.countyA.id, year: 2027, hdd: -5, cdd: 100 }));
    expect(negative).toMatchObject({ code: 'BAD_REQUEST', field: 'hdd', message: '采暖度日数不能为负数。' });
    const tooHot = await rejection(setDegreeDays(handle.db, officerA, { countyId: places.countyA.id, year: 2027, hdd: 100, cdd: 6000 }));
    expect(tooHot.field).toBe('cdd');
    expect((await rejection(setDegreeDays(handle.db, officerA, { countyId: places.countyB.id, year: 2027, hdd: 1, cdd: 1 }))).code).toBe('NOT_FOUND');
    const rows = await countyDegreeDays(handle.db, officerA, places.countyA.id);
    expect(rows.map((r) => [r.year, r.hdd, r.cdd])).toEqual([[2026, 1500, 200]]);
    const audit = await handle.db.selectFrom('auditLog').select(['action', 'after']).where('action', '=', 'settings.degree_days').execute();
    expect(audit).toHaveLength(3);
  });

  it('measures score targets like other targets, and never leaves them pending when no school can be scored', async () => {
    await setTarget(handle.db, officerA, {
      countyId: places.countyA.id,
      year: 2026,
      indicator: 'electricity_kwh',
      kind: 'each_school',
      measure: 'score',
      comparator: 'gte',
      value: 50,
    });
    await setTarget(handle.db, officerA, {
      countyId: places.countyA.id,
      year: 2025,
      indicator: 'electricity_kwh',
      kind: 'each_school',
      measure: 'score',
      comparator: 'gte',
      value: 50,
    });
    const report = await targetAttainment(handle.db, scopeA, { countyId: places.countyA.id, year: 2026 });
    const item = report.items.find((i) => i.target.measure === 'score')!;
    expect(item.target.label).toBe('每所学校用电量能效得分不低于50');
    expect(item.yearToDate.met).toBe(false);
    expect(item.yearToDate.schools).toBe(43);
    expect(item.yearToDate.checks![0]!.name).toBe('数据异常小学');
    expect(item.yearToDate.checks!.filter((c) => c.met === true).length).toBeGreaterThan(10);

    const view = await overview(handle.db, scopeA, { countyId: places.countyA.id, year: 2026 });
    expect(view.targets).toMatchObject({ total: 1, notMet: 1, pending: 0, unmeasured: 0 });
    const old = await overview(handle.db, scopeA, { countyId: places.countyA.id, year: 2025 });
    expect(old.targets).toMatchObject({ total: 1, pending: 0, unmeasured: 1 });
    const check = old.domains.flatMap((d) => d.figures).find((f) => f.indicator === 'electricity_kwh')!.targets[0]!;
    expect(check.unmeasured).toBe('全省本年度数据完整的可比学校仅20所，少于30所，不计算预期与得分');
  });

  it('gives the principal the school’s score and its expectation over the years, and nothing of another school', async () => {
    const principal: Scope = { kind: 'school', schoolId: boarding.id, countyId: places.countyA.id };
    const standing = await myStanding(handle.db, principal, { schoolId: boarding.id, year: 2026 });
    const fair = standing.fair.find((f) => f.indicator === 'electricity_kwh')!;
    expect(fair.score).toBeGreaterThan(0);
    expect(fair.n).toBeGreaterThanOrEqual(30);
    expect(standing.fair.map((f) => f.indicator)).toEqual(['electricity_kwh', 'water_m3', 'energy_kgce']);
    const years = await schoolExpectations(handle.db, principal, { schoolId: boarding.id, indicator: 'electricity_kwh', toYear: 2026 });
    expect(years.map((y) => [y.year, y.score === null])).toEqual([
      [2025, true],
      [2026, false],
    ]);
    expect(years[0]!.reason).toBe('本年度没有已审核的报表');
    expect((await rejection(schoolExpectations(handle.db, principal, { schoolId: day.id, toYear: 2026 }))).code).toBe('NOT_FOUND');
    expect((await rejection(comparisonModel(handle.db, principal, { countyId: places.countyA.id, year: 2026, indicator: 'electricity_kwh' }))).code).toBe(
      'FORBIDDEN',
    );
  });
});

import { AppError, figureValue, type Scope } from '@oversight/domain';
import { SelectQueryNode, type KyselyPlugin, type OperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareCounties,
  copyTargetsFromPreviousYear,
  listTargets,
  myStanding,
  overview,
  ranking,
  removeTarget,
  schoolProfile,
  setTarget,
  SYSTEM_ACTOR,
  targetAttainment,
  trend,
  updateSchool,
  type Actor,
  type DatabaseHandle,
  type School,
  type TargetView,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { fileHandComputedCounty, fileReport, type CountySchools } from './figures.js';
import { school, smallHierarchy } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const KGCE = 0.1229;

/**
 * Records each read of schools' rows (the schools analytics shows) and of reports' values (what figures are computed
 * from), as 'schools' and 'reports'. Counts, grouped reads and fingerprints are not recorded.
 */
function countyReads(reads: string[]): KyselyPlugin {
  const names = (node: OperationNode) => [...JSON.stringify(node).matchAll(/"name":"(\w+)"/g)].map((m) => m[1]!.replace(/_/g, '').toLowerCase());
  return {
    transformQuery: ({ node }) => {
      if (SelectQueryNode.is(node) && node.from?.froms.length === 1) {
        const [table] = names(node.from.froms[0]!);
        const selected = (node.selections ?? []).flatMap(names);
        if (table === 'schools' && selected.includes('hascanteen')) reads.push('schools');
        if (table === 'reports' && selected.includes('values')) reads.push('reports');
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

await describeEachDatabase('targets and analytics', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let s: CountySchools;
  let other: School;
  let county: Scope;
  let city: Scope;
  let officer: Actor;
  const T: Record<string, TargetView> = {};

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await smallHierarchy(handle.db);
    const a = places.countyA.id;
    s = {
      p1: await school(handle.db, a, { location: 'rural' }),
      p2: await school(handle.db, a, { location: 'urban' }),
      j3: await school(handle.db, a, { type: 'junior', code: '3151009001', name: '测试初级中学', location: 'town', hasCanteen: false }),
      v4: await school(handle.db, a, { type: 'vocational', code: '3651009001', name: '测试职业学校', location: 'urban' }),
    };
    other = await school(handle.db, places.countyA2.id, { name: '丙县小学' });
    await fileHandComputedCounty(handle.db, s);
    await fileReport(handle.db, other, '2026Q1', { students_enrolled: 100, staff_count: 10, liability_insured: 50, accident_insured: 50 });
    county = { kind: 'counties', countyIds: [a] };
    city = { kind: 'counties', countyIds: [a, places.countyA2.id] };
    officer = { userId: null, role: 'bureau_officer', scope: county };
    const set = (input: Omit<Parameters<typeof setTarget>[2], 'countyId' | 'year'>) => setTarget(handle.db, officer, { countyId: a, year: 2026, ...input });
    T.liability = await set({ indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 100 });
    T.liabilityP2 = await set({ indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 95, schoolId: s.p2.id });
    T.accident = await set({ indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 95 });
    T.energy = await set({ indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15 });
    T.certified = await set({
      indicator: 'green_school_status',
      kind: 'county_total',
      measure: 'status_count',
      statusValue: 'certified',
      comparator: 'gte',
      value: 2,
    });
    T.gradeA = await set({ indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', comparator: 'gte', value: 80 });
    T.incidents = await set({ indicator: 'food_incidents', kind: 'each_school', comparator: 'eq', value: 0 });
  }, 600_000);
  afterAll(() => handle.close());

  describe('targets', () => {
    it('lists the county’s targets in words', async () => {
      const list = await listTargets(handle.db, county, { countyId: places.countyA.id, year: 2026 });
      expect(list.map((t) => t.label).sort()).toEqual(
        [
          '每所学校校方责任险参保率达到100%',
          `${s.p2.name}校方责任险参保率达到95%以上`,
          '全县学平险参保率达到95%以上',
          '全县人均综合能耗较上年降低15%以上',
          '全县绿色学校创建状态为“已认定”的学校不少于2所',
          '全县食品安全量化等级为“A级（优秀）”的学校占比达到80%以上',
          '每所学校食品安全事故起数为零',
        ].sort(),
      );
      expect(list.find((t) => t.id === T.liabilityP2!.id)!.schoolName).toBe(s.p2.name);
      expect(await listTargets(handle.db, county, { countyId: places.countyA.id, year: 2025 })).toEqual([]);
    });

    it('refuses a target the catalogue does not allow, naming the field, and stores nothing', async () => {
      const before = await listTargets(handle.db, county, { countyId: places.countyA.id, year: 2026 });
      const percent = await rejection(
        setTarget(handle.db, officer, {
          countyId: places.countyA.id,
          year: 2026,
          indicator: 'accident_rate',
          kind: 'county_total',
          comparator: 'gte',
          value: 120,
        }),
      );
      expect(percent).toMatchObject({ code: 'BAD_REQUEST', field: 'value', message: '学平险参保率以百分比表示，目标值应在0至100之间（如95表示95%）。' });
      const elsewhere = await rejection(
        setTarget(handle.db, officer, {
          countyId: places.countyA.id,
          year: 2026,
          indicator: 'liability_rate',
          kind: 'each_school',
          comparator: 'gte',
          value: 90,
          schoolId: other.id,
        }),
      );
      expect(elsewhere).toMatchObject({ code: 'BAD_REQUEST', field: 'schoolId', message: '只能为本县的学校单独设定目标。' });
      const noCanteen = await rejection(
        setTarget(handle.db, officer, {
          countyId: places.countyA.id,
          year: 2026,
          indicator: 'health_cert_rate',
          kind: 'each_school',
          comparator: 'gte',
          value: 100,
          schoolId: s.j3.id,
        }),
      );
      expect(noCanteen).toMatchObject({ field: 'schoolId', message: '测试初级中学不适用从业人员健康证持证率（仅适用于有食堂的学校）。' });
      const outOfScope = await rejection(
        setTarget(handle.db, officer, {
          countyId: places.countyA2.id,
          year: 2026,
          indicator: 'accident_rate',
          kind: 'county_total',
          comparator: 'gte',
          value: 90,
        }),
      );
      expect(outOfScope).toMatchObject({ code: 'NOT_FOUND', message: '县（市、区）不存在。' });
      expect(await listTargets(handle.db, county, { countyId: places.countyA.id, year: 2026 })).toEqual(before);
    });

    it('replaces the target with the same key, edits by id, and audits both with before and after', async () => {
      const input = { countyId: places.countyA.id, year: 2027, indicator: 'medical_rate', kind: 'county_total' as const, comparator: 'gte' as const };
      const first = await setTarget(handle.db, officer, { ...input, value: 80 });
      const again = await setTarget(handle.db, officer, { ...input, value: 85 });
      expect(again.id).toBe(first.id);
      expect(again.value).toBe(85);
      const edited = await setTarget(handle.db, officer, { ...input, id: first.id, kind: 'each_school', value: 70 });
      expect(edited).toMatchObject({ id: first.id, kind: 'each_school', value: 70, label: '每所学校城乡居民医保参保率达到70%以上' });
      const audit = await handle.db
        .selectFrom('auditLog')
        .select(['action', 'before', 'after', 'countyId'])
        .where('entity', '=', 'target')
        .where('entityId', '=', String(first.id))
        .orderBy('id')
        .execute();
      expect(audit.map((e) => e.action)).toEqual(['target.set', 'target.set', 'target.set']);
      expect(audit[0]!.before).toBeNull();
      expect(audit[1]).toMatchObject({ before: { value: 80 }, after: { value: 85 }, countyId: places.countyA.id });
      expect(audit[2]).toMatchObject({ before: { kind: 'county_total' }, after: { kind: 'each_school', value: 70 } });
    });

    it('refuses school-type narrowings that overlap', async () => {
      const input = {
        countyId: places.countyA.id,
        year: 2027,
        indicator: 'accident_rate',
        kind: 'each_school' as const,
        comparator: 'gte' as const,
        value: 90,
      };
      await setTarget(handle.db, officer, { ...input, schoolTypes: ['primary', 'junior'] });
      const clash = await rejection(setTarget(handle.db, officer, { ...input, schoolTypes: ['junior', 'senior'] }));
      expect(clash).toMatchObject({
        code: 'CONFLICT',
        field: 'schoolTypes',
        message: '与已有目标“每所小学、初级中学学平险参保率达到90%以上”的办学类型重叠（初级中学），同一类学校只能有一个目标。',
      });
    });

    it('copies last year’s targets, keeping what is already set and leaving overrides of closed schools behind', async () => {
      const closing = await school(handle.db, places.countyA.id, { name: '即将撤并小学' });
      await setTarget(handle.db, SYSTEM_ACTOR, {
        countyId: places.countyA.id,
        year: 2028,
        indicator: 'accident_rate',
        kind: 'county_total',
        comparator: 'gte',
        value: 96,
      });
      await setTarget(handle.db, SYSTEM_ACTOR, {
        countyId: places.countyA.id,
        year: 2028,
        indicator: 'liability_rate',
        kind: 'each_school',
        comparator: 'gte',
        value: 90,
        schoolId: closing.id,
      });
      await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: closing.id, active: false });
      await setTarget(handle.db, officer, {
        countyId: places.countyA.id,
        year: 2029,
        indicator: 'accident_rate',
        kind: 'county_total',
        comparator: 'gte',
        value: 97,
      });
      const result = await copyTargetsFromPreviousYear(handle.db, officer, { countyId: places.countyA.id, year: 2029 });
      expect(result).toMatchObject({ copied: 0, kept: 1, dropped: 1 });
      expect(result.targets.map((t) => t.label)).toEqual(['全县学平险参保率达到97%以上']);
      const into2027 = await copyTargetsFromPreviousYear(handle.db, officer, { countyId: places.countyA.id, year: 2027 });
      // 2027 so far holds other targets only (an each-school medical rate, a narrowed accident rate): all seven of 2026 are copied.
      expect(into2027.copied).toBe(7);
      const audit = await handle.db.selectFrom('auditLog').select('after').where('action', '=', 'target.copy').orderBy('id').execute();
      expect(audit.at(-1)!.after).toEqual({ fromYear: 2026, toYear: 2027, copied: 7, kept: 0, dropped: 0 });
    });

    it('removes a target (audited); another county’s officer may not, and is answered as for a missing target', async () => {
      const t = await setTarget(handle.db, officer, {
        countyId: places.countyA.id,
        year: 2030,
        indicator: 'medical_rate',
        kind: 'county_total',
        comparator: 'gte',
        value: 80,
      });
      const stranger: Actor = { userId: null, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyB.id] } };
      for (const id of [t.id, 999_999])
        expect(await rejection(removeTarget(handle.db, stranger, id))).toMatchObject({ code: 'NOT_FOUND', message: '目标不存在。' });
      await removeTarget(handle.db, officer, t.id);
      expect(await listTargets(handle.db, county, { countyId: places.countyA.id, year: 2030 })).toEqual([]);
      const audit = await handle.db
        .selectFrom('auditLog')
        .select(['action', 'before'])
        .where('entity', '=', 'target')
        .where('entityId', '=', String(t.id))
        .orderBy('id')
        .execute();
      expect(audit.map((e) => e.action)).toEqual(['target.set', 'target.remove']);
      expect((await rejection(removeTarget(handle.db, officer, t.id))).code).toBe('NOT_FOUND');
    });
  });

  describe('attainment (hand-computed)', () => {
    const byTarget = async (options: { includeSubmitted?: boolean; upToQuarter?: 1 | 2 | 3 | 4 } = {}) => {
      const report = await targetAttainment(handle.db, county, { countyId: places.countyA.id, year: 2026, ...options });
      return { report, of: (t: TargetView) => report.items.find((i) => i.target.id === t.id)! };
    };

    it('measures the year so far on approved reports: Q1–Q2', async () => {
      const { report, of } = await byTarget();
      expect(report).toMatchObject({ upToQuarter: 2, window: ['2026Q1', '2026Q2'], includeSubmitted: false });
      expect(of(T.liability!).yearToDate).toMatchObject({ met: true, schools: 3, reported: 3 });
      expect(of(T.liabilityP2!).yearToDate.checks).toEqual([
        { schoolId: s.p2.id, code: s.p2.code, name: s.p2.name, value: (290 / 300) * 100, met: true, shortfall: 0 },
      ]);
      // Σ accident-insured ÷ Σ enrolled = (190 + 290 + 380 + 90) ÷ 1000.
      expect(of(T.accident!).yearToDate.actual).toBeCloseTo(95, 10);
      expect(of(T.accident!).yearToDate.met).toBe(true);
      // Like for like: v4 has only Q1 approved, so 2000 + 3000 + 4400 + 500 = 9900 kWh against 2400 + 4000 + 4800 + 600 = 11800.
      expect(of(T.energy!).yearToDate.actual).toBeCloseTo(((9900 - 11_800) / 11_800) * 100, 8);
      expect(of(T.energy!).yearToDate.met).toBe(true);
      expect(of(T.certified!).yearToDate).toMatchObject({ actual: 2, met: true });
      expect(of(T.gradeA!).yearToDate.actual).toBeCloseTo(200 / 3, 10);
      expect(of(T.gradeA!).yearToDate.met).toBe(false);
      const incidents = of(T.incidents!).yearToDate;
      expect(incidents.met).toBe(false);
      expect(incidents.checks![0]).toMatchObject({ schoolId: s.p2.id, name: s.p2.name, value: 1, met: false, shortfall: 1 });
    });

    it('projects the full year by last year’s seasons and says so', async () => {
      const { report, of } = await byTarget();
      expect(report.fullYear).toEqual({
        basis: 'projection',
        seasonalSchools: 4,
        linearSchools: 0,
        label: '全年预测（依据第一至第二季度数据；4所学校按上年各季度分布推算），非实际数',
      });
      // 3 × 2000 + 3 × 3000 + 3 × 4400 + 500 × 3600 ÷ 600 = 31200 kWh against 6 × (1200 + 2000 + 2400 + 600) = 37200.
      expect(of(T.energy!).fullYear.actual).toBeCloseTo(((31_200 - 37_200) / 37_200) * 100, 8);
      expect(of(T.energy!).fullYear.basis).toBe('projection');
    });

    it('counts submitted reports when asked: v4’s Q2 joins (10400 vs 12400 kWh)', async () => {
      const { of } = await byTarget({ includeSubmitted: true });
      expect(of(T.energy!).yearToDate.actual).toBeCloseTo(((10_400 - 12_400) / 12_400) * 100, 8);
    });

    it('cuts the year at a chosen quarter', async () => {
      const { report, of } = await byTarget({ upToQuarter: 1 });
      expect(report.window).toEqual(['2026Q1']);
      // Q1: 1000 + 1500 + 2200 + 500 = 5200 against 1200 + 2000 + 2400 + 600 = 6200.
      expect(of(T.energy!).yearToDate.actual).toBeCloseTo(((5200 - 6200) / 6200) * 100, 8);
    });

    it('a complete past year is actual', async () => {
      const report = await targetAttainment(handle.db, county, { countyId: places.countyA.id, year: 2025 });
      expect(report.fullYear).toMatchObject({ basis: 'actual', label: '全年实际数' });
    });
  });

  describe('overview', () => {
    it('shows every domain’s figures for the year so far, with change, targets, trend and completeness', async () => {
      const o = await overview(handle.db, county, { countyId: places.countyA.id, year: 2026 });
      expect(o).toMatchObject({ countyIds: [places.countyA.id], window: ['2026Q1', '2026Q2'], upToQuarter: 2, schools: 4 });
      const figure = (code: string) => o.domains.flatMap((d) => d.figures).find((f) => f.indicator === code)!;
      expect(o.domains.map((d) => d.domain)).toEqual(['basics', 'insurance', 'energy', 'green', 'canteen']);
      // County A2's school is not in county A's figures.
      expect(figure('students_enrolled').figure).toEqual({ type: 'number', value: 1000, schools: 4 });
      expect(figure('liability_rate').figure).toEqual({ type: 'number', value: 99, schools: 4 });
      expect(figure('electricity_kwh').figure).toEqual({ type: 'number', value: 9900, schools: 4 });
      expect(figure('electricity_kwh').change!.percent).toBeCloseTo(((9900 - 11_800) / 11_800) * 100, 8);
      expect(figureValue(figure('energy_kgce').figure)).toBeCloseTo(9900 * KGCE, 8);
      expect(figure('green_school_status').figure).toEqual({ type: 'counts', counts: { certified: 2, in_progress: 1, none: 1 }, schools: 4 });
      expect(figure('food_safety_grade').figure).toEqual({ type: 'counts', counts: { A: 2, B: 1 }, schools: 3 });
      expect(figure('food_safety_grade_date')).toBeUndefined();
      expect(figure('accident_rate').targets).toEqual([expect.objectContaining({ id: T.accident!.id, label: '全县学平险参保率达到95%以上', met: true })]);
      expect(figure('food_incidents').targets[0]).toMatchObject({ met: false, schoolsNotMet: 1, schools: 3 });
      expect(o.targets).toEqual({ total: 7, met: 5, notMet: 2, pending: 0, unmeasured: 0 });
      expect(o.completeness).toEqual([
        { period: '2026Q1', schools: 4, approved: 4, submitted: 0, inProgress: 0, missing: 0 },
        { period: '2026Q2', schools: 4, approved: 3, submitted: 1, inProgress: 0, missing: 0 },
      ]);
      const trendOf = figure('electricity_kwh').trend;
      expect(trendOf.map((p) => p.period)).toEqual([
        '2023Q3',
        '2023Q4',
        '2024Q1',
        '2024Q2',
        '2024Q3',
        '2024Q4',
        '2025Q1',
        '2025Q2',
        '2025Q3',
        '2025Q4',
        '2026Q1',
        '2026Q2',
      ]);
      // A trend point carries what the chart draws: a number figure's value, a status figure's counts.
      expect(trendOf.find((p) => p.period === '2025Q3')).toEqual({ period: '2025Q3', value: 12_400 });
      expect(trendOf.find((p) => p.period === '2026Q2')).toEqual({ period: '2026Q2', value: 4700 });
      expect(trendOf[0]).toEqual({ period: '2023Q3', value: null });
      expect(figure('green_school_status').trend.at(-1)).toEqual({ period: '2026Q2', counts: expect.any(Object) });
    });

    it('shows one quarter when asked, with its completeness', async () => {
      const o = await overview(handle.db, county, { countyId: places.countyA.id, year: 2026, quarter: 2, includeSubmitted: true });
      const electricity = o.domains.flatMap((d) => d.figures).find((f) => f.indicator === 'electricity_kwh')!;
      expect(o.window).toEqual(['2026Q2']);
      expect(electricity.figure).toEqual({ type: 'number', value: 5200, schools: 4 });
      expect(o.completeness).toEqual([{ period: '2026Q2', schools: 4, approved: 3, submitted: 1, inProgress: 0, missing: 0 }]);
    });

    it('reads a county’s schools and reports once for its figures and its targets, whether its kept parts are recomputed or used', async () => {
      const a = places.countyA.id;
      const reads: string[] = [];
      const counted = handle.db.withPlugin(countyReads(reads));
      // Without kept parts the figures are computed from the county's data; the targets are measured on the same read.
      await handle.db.deleteFrom('countyFigures').where('countyId', '=', a).execute();
      const recomputed = await overview(counted, county, { countyId: a, year: 2026 });
      expect(reads.sort()).toEqual(['reports', 'schools']);
      expect(recomputed.targets).toEqual({ total: 7, met: 5, notMet: 2, pending: 0, unmeasured: 0 });
      // With kept parts, the targets are kept with them (measured on the same data): nothing of the county is read.
      reads.length = 0;
      expect(await overview(counted, county, { countyId: a, year: 2026 })).toEqual(recomputed);
      expect(reads).toEqual([]);
      // A changed target is measured again (its hash names the kept row), on one read of the county.
      await handle.db
        .updateTable('targets')
        .set({ value: JSON.stringify(100) })
        .where('id', '=', T.accident!.id)
        .execute();
      const changed = await overview(counted, county, { countyId: a, year: 2026 });
      expect(reads.sort()).toEqual(['reports', 'schools']);
      expect(changed.targets).toEqual({ total: 7, met: 4, notMet: 3, pending: 0, unmeasured: 0 });
      await handle.db
        .updateTable('targets')
        .set({ value: JSON.stringify(95) })
        .where('id', '=', T.accident!.id)
        .execute();
      expect(await overview(counted, county, { countyId: a, year: 2026 })).toEqual(recomputed);
    });

    it('refuses a school account and a county outside the scope', async () => {
      const principal: Scope = { kind: 'school', schoolId: s.p1.id, countyId: places.countyA.id };
      expect((await rejection(overview(handle.db, principal, { countyId: places.countyA.id, year: 2026 }))).code).toBe('FORBIDDEN');
      expect(await rejection(overview(handle.db, county, { countyId: places.countyB.id, year: 2026 }))).toMatchObject({
        code: 'NOT_FOUND',
        message: '县（市、区）不存在。',
      });
    });
  });

  describe('league table', () => {
    it('ranks energy per person (lower is better) with ties, quartile bands, changes and the distribution', async () => {
      const r = await ranking(handle.db, county, { countyId: places.countyA.id, indicator: 'energy_kgce_per_person', year: 2026 });
      const per = { p1: (2000 * KGCE) / 220, p2: (3000 * KGCE) / 330, j3: (4400 * KGCE) / 440, v4: (500 * KGCE) / 120 };
      expect(r.better).toBe('lower');
      expect(r.rows.map((row) => [row.schoolId, row.rank, row.band])).toEqual([
        [s.v4.id, 1, 1],
        [s.p1.id, 2, 2],
        [s.p2.id, 2, 2],
        [s.j3.id, 4, 4],
      ]);
      expect(r.rows[1]!.value).toBeCloseTo(per.p1, 10);
      // p1: 2000 kWh against 2400 for the same 220 persons.
      expect(r.rows[1]!.change!.percent).toBeCloseTo(((2000 - 2400) / 2400) * 100, 8);
      expect(r.distribution!.median).toBeCloseTo(per.p1, 10);
      expect(r.distribution!.q1).toBeCloseTo(per.v4 + 0.75 * (per.p1 - per.v4), 10);
      expect(r.distribution!.q3).toBeCloseTo(per.p1 + 0.25 * (per.j3 - per.p1), 10);
      // The group's figure is the ratio of sums: 9900 kWh × 0.1229 ÷ 1110 persons.
      expect(figureValue(r.figure)).toBeCloseTo((9900 * KGCE) / 1110, 10);
      expect(r).toMatchObject({ schools: 4, reported: 4, targetLine: null });
    });

    it('ranks within a peer group and shows each school’s own target', async () => {
      const r = await ranking(handle.db, county, { countyId: places.countyA.id, indicator: 'liability_rate', year: 2026, peerGroup: { type: 'primary' } });
      expect(r.rows.map((row) => row.schoolId)).toEqual([s.p1.id, s.p2.id]);
      expect(r.rows[0]).toMatchObject({ rank: 1, value: 100, met: true, target: { id: T.liability!.id } });
      expect(r.rows[1]).toMatchObject({
        rank: 2,
        met: true,
        shortfall: 0,
        target: { id: T.liabilityP2!.id, label: `${s.p2.name}校方责任险参保率达到95%以上` },
      });
      expect(r.targetLine).toBe(100);
      const rural = await ranking(handle.db, county, {
        countyId: places.countyA.id,
        indicator: 'liability_rate',
        year: 2026,
        peerGroup: { location: 'rural' },
      });
      expect(rural.rows.map((row) => row.schoolId)).toEqual([s.p1.id]);
    });

    it('lists statuses without ranking them, and only applicable schools', async () => {
      const r = await ranking(handle.db, county, { countyId: places.countyA.id, indicator: 'food_safety_grade', year: 2026 });
      expect(r.rows.map((row) => [row.schoolId, row.value, row.rank])).toEqual([
        [s.p1.id, 'A', null],
        [s.p2.id, 'A', null],
        [s.v4.id, 'B', null],
      ]);
    });

    it('refuses an unknown indicator naming it', async () => {
      const e = await rejection(ranking(handle.db, county, { countyId: places.countyA.id, indicator: 'happiness', year: 2026 }));
      expect(e).toMatchObject({ code: 'BAD_REQUEST', field: 'indicator', message: '未知指标：happiness。请从指标目录中选择。' });
    });
  });

  describe('trend', () => {
    it('gives the county’s figure and its schools’ median quarter by quarter', async () => {
      const t = await trend(handle.db, county, { countyId: places.countyA.id, indicator: 'liability_rate', from: '2025Q4', to: '2026Q2' });
      expect(t.points.map((p) => p.period)).toEqual(['2025Q4', '2026Q1', '2026Q2']);
      expect(t.points[0]).toMatchObject({ value: 99, schools: 4, countyMedian: 100 });
      // Q2 without v4 (only submitted): 890 ÷ 900.
      expect(t.points[2]!.value).toBeCloseTo((890 / 900) * 100, 10);
    });

    it('gives one school’s values, for its principal too', async () => {
      const principal: Scope = { kind: 'school', schoolId: s.p1.id, countyId: places.countyA.id };
      const t = await trend(handle.db, principal, { schoolId: s.p1.id, indicator: 'electricity_kwh', from: '2025Q3', to: '2026Q3' });
      expect(t.points.map((p) => p.value)).toEqual([2400, 2400, 1000, 1000, null]);
      expect(await rejection(trend(handle.db, principal, { schoolId: s.p2.id, indicator: 'electricity_kwh', from: '2025Q3', to: '2026Q2' }))).toMatchObject({
        code: 'NOT_FOUND',
        message: '学校不存在。',
      });
      expect(
        (await rejection(trend(handle.db, principal, { countyId: places.countyA.id, indicator: 'electricity_kwh', from: '2025Q3', to: '2026Q2' }))).code,
      ).toBe('FORBIDDEN');
      expect(
        await rejection(trend(handle.db, county, { countyId: places.countyB.id, indicator: 'electricity_kwh', from: '2025Q3', to: '2026Q2' })),
      ).toMatchObject({ code: 'NOT_FOUND', message: '县（市、区）不存在。' });
      const tooLong = await rejection(trend(handle.db, county, { countyId: places.countyA.id, indicator: 'electricity_kwh', from: '2010Q1', to: '2026Q2' }));
      expect(tooLong).toMatchObject({ field: 'from', message: '一次最多查看40个季度。' });
    });
  });

  describe('a school against its peers', () => {
    const principal = (): Scope => ({ kind: 'school', schoolId: s.p1.id, countyId: places.countyA.id });

    it('gives a principal their rank among same-type schools and the medians, naming no other school', async () => {
      const m = await myStanding(handle.db, principal(), { schoolId: s.p1.id, year: 2026 });
      expect(m.peerGroup).toEqual({ basis: 'type', label: '同类型学校', schools: 2 });
      const energy = m.indicators.find((i) => i.indicator === 'energy_kgce_per_person')!;
      expect(energy).toMatchObject({ rank: 1, of: 2, peerMedian: null });
      expect(energy.countyMedian).toBeCloseTo((2000 * KGCE) / 220, 10);
      expect(m.indicators.find((i) => i.indicator === 'liability_rate')).toMatchObject({
        value: 100,
        met: true,
        countyMedian: 100,
        target: { label: '每所学校校方责任险参保率达到100%' },
      });
      expect(m.indicators.every((i) => i.indicator !== 'green_school_status')).toBe(true);
      const text = JSON.stringify(m);
      for (const o of [s.p2, s.j3, s.v4, other]) {
        expect(text).not.toContain(o.name);
        expect(text).not.toContain(o.code);
      }
      expect(await rejection(myStanding(handle.db, principal(), { schoolId: s.p2.id, year: 2026 }))).toMatchObject({
        code: 'NOT_FOUND',
        message: '学校不存在。',
      });
    });

    it('profiles a school: every applicable indicator, its target, medians and 12 quarters', async () => {
      const p = await schoolProfile(handle.db, principal(), { schoolId: s.p1.id, year: 2026 });
      expect(p.school.name).toBe(s.p1.name);
      const of = (code: string) => p.indicators.find((i) => i.indicator === code);
      expect(
        of('electricity_kwh')!
          .series.slice(-6)
          .map((x) => x.value),
      ).toEqual([1200, 1200, 2400, 2400, 1000, 1000]);
      expect(of('electricity_kwh')!.value).toBe(2000);
      expect(of('green_school_status')).toMatchObject({ value: 'certified', countyCounts: { certified: 2, in_progress: 1, none: 1 }, rank: null });
      expect(of('internship_rate')).toBeUndefined();
      expect(of('food_incidents')).toMatchObject({ value: 0, met: true });
      const text = JSON.stringify(p);
      for (const o of [s.p2, s.j3, s.v4]) expect(text).not.toContain(o.name);
    });
  });

  describe('schools closed since', () => {
    it('still count for the quarters they reported, and drop out afterwards', async () => {
      const b: Scope = { kind: 'counties', countyIds: [places.countyB.id] };
      const open = await school(handle.db, places.countyB.id, { name: '乙县中心小学' });
      const closed = await school(handle.db, places.countyB.id, { name: '乙县撤并小学' });
      for (const [reporting, insured] of [
        [open, 100],
        [closed, 50],
      ] as const) {
        await fileReport(handle.db, reporting, '2025Q1', { students_enrolled: 100, staff_count: 10, liability_insured: insured, accident_insured: insured });
      }
      await fileReport(handle.db, open, '2026Q1', { students_enrolled: 100, staff_count: 10, liability_insured: 100, accident_insured: 100 });
      await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: closed.id, active: false });
      const o = await overview(handle.db, b, { countyId: places.countyB.id, year: 2025 });
      // (100 + 50) ÷ (100 + 100): the closed school's 2025 report still counts; only one school is active.
      expect(o.domains.flatMap((d) => d.figures).find((f) => f.indicator === 'liability_rate')!.figure).toEqual({ type: 'number', value: 75, schools: 2 });
      expect(o.schools).toBe(1);
      expect((await ranking(handle.db, b, { countyId: places.countyB.id, indicator: 'liability_rate', year: 2025 })).rows.map((r) => r.name)).toEqual([
        '乙县中心小学',
        '乙县撤并小学',
      ]);
      expect((await ranking(handle.db, b, { countyId: places.countyB.id, indicator: 'liability_rate', year: 2026 })).rows.map((r) => r.name)).toEqual([
        '乙县中心小学',
      ]);
      const bureauB: Actor = { userId: null, role: 'bureau_admin', scope: b };
      for (const year of [2025, 2026]) {
        await setTarget(handle.db, bureauB, {
          countyId: places.countyB.id,
          year,
          indicator: 'liability_rate',
          kind: 'each_school',
          comparator: 'gte',
          value: 100,
        });
      }
      const y2025 = await targetAttainment(handle.db, b, { countyId: places.countyB.id, year: 2025 });
      expect(y2025.items[0]!.yearToDate).toMatchObject({ met: false, schools: 2 });
      const y2026 = await targetAttainment(handle.db, b, { countyId: places.countyB.id, year: 2026 });
      expect(y2026.items[0]!.yearToDate).toMatchObject({ met: true, schools: 1 });
    });
  });

  describe('county against county', () => {
    it('ranks a city’s counties on one indicator, each against its own targets', async () => {
      const c = await compareCounties(handle.db, city, { unitId: places.cityA.id, indicator: 'liability_rate', year: 2026 });
      expect(c.window).toEqual(['2026Q1', '2026Q2']);
      expect(c.counties.map((x) => [x.name, x.rank, x.figure])).toEqual([
        ['甲县', 1, { type: 'number', value: 99, schools: 4 }],
        ['丙县', 2, { type: 'number', value: 50, schools: 1 }],
      ]);
      expect(c.counties[0]!.completeness).toEqual({ schools: 4, reported: 7, expected: 8 });
      expect(c.counties[1]!.completeness).toEqual({ schools: 1, reported: 1, expected: 2 });
      const accident = await compareCounties(handle.db, city, { unitId: places.cityA.id, indicator: 'accident_rate', year: 2026 });
      expect(accident.counties[0]!.targets).toEqual([expect.objectContaining({ id: T.accident!.id, met: true })]);
      // A county officer asking for the city sees only their own county.
      const own = await compareCounties(handle.db, county, { unitId: places.cityA.id, indicator: 'liability_rate', year: 2026 });
      expect(own.counties.map((x) => x.name)).toEqual(['甲县']);
      expect(await rejection(compareCounties(handle.db, county, { unitId: places.cityB.id, indicator: 'liability_rate', year: 2026 }))).toMatchObject({
        code: 'NOT_FOUND',
        message: '单位不存在。',
      });
    });
  });
  describe('a city’s overview from its counties', () => {
    const figure = (o: Awaited<ReturnType<typeof overview>>, code: string) => o.domains.flatMap((d) => d.figures).find((f) => f.indicator === code)!;
    // The kept parts of the city's two counties for the year so far (approved reports only).
    const kept = async () =>
      new Map(
        (
          await handle.db
            .selectFrom('countyFigures')
            .select(['countyId', 'computedAt', 'fingerprint'])
            .where('countyId', 'in', [places.countyA.id, places.countyA2.id])
            .where('key', 'like', 'overview|%|approved|2026Q1,2026Q2|%')
            .execute()
        ).map((r) => [r.countyId, r]),
      );

    it('adds up its counties, keeps each county’s parts and league entries while its data is unchanged, and recomputes one in the read after it changes', async () => {
      const [a, a2] = [places.countyA.id, places.countyA2.id];
      const o = await overview(handle.db, city, { year: 2026 });
      expect([...o.countyIds].sort()).toEqual([a, a2].sort());
      expect(o.window).toEqual(['2026Q1', '2026Q2']);
      expect(o.schools).toBe(5);
      // County A: 1,000 students, 990 insured (99%); county A2: 100 students, 50 insured.
      expect(figure(o, 'students_enrolled').figure).toEqual({ type: 'number', value: 1100, schools: 5 });
      expect(figureValue(figure(o, 'liability_rate').figure)).toBeCloseTo(((990 + 50) / 1100) * 100, 9);
      expect(figure(o, 'liability_rate').figure.schools).toBe(5);
      expect(figure(o, 'liability_rate').targets).toEqual([]);
      // County A's four schools (certified 2, in progress 1, none 1) and county A2's one, with its own status.
      const green = figure(o, 'green_school_status').figure;
      expect(green.schools).toBe(5);
      expect(green.type === 'counts' && Object.values(green.counts).reduce((t, n) => t + n, 0)).toBe(5);
      expect(green.type === 'counts' && green.counts.certified).toBeGreaterThanOrEqual(2);
      const single = await overview(handle.db, county, { countyId: a, year: 2026 });
      expect(figure(o, 'electricity_kwh').trend.find((p) => p.period === '2025Q3')).toEqual(
        figure(single, 'electricity_kwh').trend.find((p) => p.period === '2025Q3'),
      );

      const first = await kept();
      expect([...first.keys()].sort()).toEqual([a, a2].sort());
      expect(await overview(handle.db, city, { year: 2026 })).toEqual(o);
      const second = await kept();
      for (const id of [a, a2]) expect(second.get(id)!.computedAt).toEqual(first.get(id)!.computedAt);

      // The league table keeps its entries the same way.
      const leagueBefore = await ranking(handle.db, city, { year: 2026, indicator: 'liability_rate' });
      expect(leagueBefore.rows.find((r) => r.schoolId === other.id)).toMatchObject({ value: 50, rank: 5 });
      expect(await ranking(handle.db, city, { year: 2026, indicator: 'liability_rate' })).toEqual(leagueBefore);

      // A report approved in county A2 shows in the next read; county A's kept parts are used as they are.
      await fileReport(handle.db, other, '2026Q2', { students_enrolled: 200, staff_count: 10, liability_insured: 200, accident_insured: 200 });
      const leagueAfter = await ranking(handle.db, city, { year: 2026, indicator: 'liability_rate' });
      expect(leagueAfter.rows.find((r) => r.schoolId === other.id)).toMatchObject({ value: 100, rank: 1 });
      expect(figureValue(leagueAfter.figure)).toBeCloseTo(((990 + 200) / 1200) * 100, 9);
      const after = await overview(handle.db, city, { year: 2026 });
      expect(figure(after, 'students_enrolled').figure).toEqual({ type: 'number', value: 1200, schools: 5 });
      expect(figureValue(figure(after, 'liability_rate').figure)).toBeCloseTo(((990 + 200) / 1200) * 100, 9);
      const third = await kept();
      expect(third.get(a)!.computedAt).toEqual(first.get(a)!.computedAt);
      expect(third.get(a2)!.fingerprint).not.toBe(first.get(a2)!.fingerprint);

      // A school's areas feed the per-m² rates: editing them recomputes its county too.
      await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: other.id, buildingAreaM2: 9999 });
      await overview(handle.db, city, { year: 2026 });
      expect((await kept()).get(a2)!.fingerprint).not.toBe(third.get(a2)!.fingerprint);
    });
  });
});

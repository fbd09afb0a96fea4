import type { Period, ReportValues } from '@oversight/domain';
import { completeValues, createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { DatabaseHandle, School } from '@oversight/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerFor, failure, signedInAs, world } from './support.js';

/**
 * Targets and analytics through the procedures, on data filed through the procedures: a principal saves and
 * submits, the bureau approves. Hand-computed, county A of the test world:
 * - a1 (primary): 300 students + 30 staff, 300 liability-insured, 270 accident-insured; 3000 kWh in 2025Q1, 2400 in 2026Q1;
 * - a2 (primary): 100 + 10, 90 and 100; 1000 kWh in both quarters.
 * County A2's school c: 200 students, 100 liability-insured in 2026Q1.
 */
await describeEachDatabase('targets and analytics procedures', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  const as = async (who: keyof typeof w.users) => callerFor(handle.db, await signedInAs(handle.db, w.users[who].id));

  async function file(who: keyof typeof w.users, school: School, period: Period, figures: ReportValues, approve = true) {
    const caller = await as(who);
    const saved = await caller.reports.save({ schoolId: school.id, period, version: 0, values: completeValues(school, period, figures) });
    const warnings = saved.issues.filter((i) => i.severity === 'warning');
    const explained = warnings.length
      ? await caller.reports.save({
          schoolId: school.id,
          period,
          version: saved.version,
          values: {},
          explanations: Object.fromEntries(warnings.map((i) => [i.code, '已核实。'])),
        })
      : saved;
    const submitted = await caller.reports.submit({ schoolId: school.id, period, version: explained.version });
    // A principal's report is approved by the county's officer; a bureau files and approves its own.
    if (approve) await (who === 'principal' ? await as('officer') : caller).reports.approve({ schoolId: school.id, period, version: submitted.version });
  }

  const a1 = { students_enrolled: 300, staff_count: 30, liability_insured: 300, accident_insured: 270 };
  const a2 = { students_enrolled: 100, staff_count: 10, liability_insured: 90, accident_insured: 100 };

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
    await file('principal', w.schools.a1, '2025Q1', { ...a1, electricity_kwh: 3000 });
    await file('officer', w.schools.a2, '2025Q1', { ...a2, electricity_kwh: 1000 });
    await file('principal', w.schools.a1, '2026Q1', { ...a1, electricity_kwh: 2400 });
    await file('officer', w.schools.a2, '2026Q1', { ...a2, electricity_kwh: 1000 }, false);
    await file('systemAdmin', w.schools.c, '2026Q1', { students_enrolled: 200, staff_count: 20, liability_insured: 100, accident_insured: 100 });
  }, 300_000);
  afterAll(() => handle.close());

  const figureOf = (o: { domains: { figures: { indicator: string; figure: unknown }[] }[] }, code: string) =>
    o.domains.flatMap((d) => d.figures).find((f) => f.indicator === code)!.figure;

  it('counts approved reports only, unless submitted ones are asked for', async () => {
    const officer = await as('officer');
    const approved = await officer.analytics.overview({ countyId: w.countyA.id, year: 2026 });
    expect(figureOf(approved, 'liability_rate')).toEqual({ type: 'number', value: 100, schools: 1 });
    const withSubmitted = await officer.analytics.overview({ countyId: w.countyA.id, year: 2026, includeSubmitted: true });
    // (300 + 90) ÷ (300 + 100).
    expect(figureOf(withSubmitted, 'liability_rate')).toEqual({ type: 'number', value: 97.5, schools: 2 });
    expect(withSubmitted.completeness).toEqual([{ period: '2026Q1', schools: 2, approved: 1, submitted: 1, inProgress: 0, missing: 0 }]);
    const version = (await officer.reports.get({ schoolId: w.schools.a2.id, period: '2026Q1' })).version;
    await officer.reports.approve({ schoolId: w.schools.a2.id, period: '2026Q1', version });
    expect(figureOf(await officer.analytics.overview({ countyId: w.countyA.id, year: 2026 }), 'liability_rate')).toEqual({
      type: 'number',
      value: 97.5,
      schools: 2,
    });
  });

  it('sets targets, refuses bad ones in Chinese naming the field, and measures attainment', async () => {
    const officer = await as('officer');
    const base = { countyId: w.countyA.id, year: 2026 };
    await officer.targets.set({ ...base, indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 100 });
    await officer.targets.set({ ...base, indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 90 });
    await officer.targets.set({ ...base, indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15 });
    const tooHigh = await failure(officer.targets.set({ ...base, indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 120 }));
    expect(tooHigh.code).toBe('BAD_REQUEST');
    expect(tooHigh.message).toBe('学平险参保率以百分比表示，目标值应在0至100之间（如95表示95%）。');
    const badComparator = await failure(
      officer.targets.set({ ...base, indicator: 'accident_rate', kind: 'county_total', comparator: '>' as never, value: 90 }),
    );
    expect(badComparator.message).toBe('比较方式只能是“≥”“≤”或“=”。（字段：comparator）');
    expect((await officer.targets.list(base)).map((t) => t.label)).toEqual([
      '全县学平险参保率达到90%以上',
      '全县人均综合能耗较上年降低15%以上',
      '每所学校校方责任险参保率达到100%',
    ]);

    const result = await officer.targets.attainment(base);
    const of = (indicator: string) => result.items.find((i) => i.target.indicator === indicator)!;
    expect(result).toMatchObject({ upToQuarter: 1, window: ['2026Q1'] });
    // a2: 90 ÷ 100 = 90% < 100%.
    expect(of('liability_rate').yearToDate).toMatchObject({ met: false, schools: 2, reported: 2 });
    expect(of('liability_rate').yearToDate.checks![0]).toMatchObject({ name: w.schools.a2.name, value: 90, met: false, shortfall: 10 });
    // (270 + 100) ÷ 400 = 92.5%.
    expect(of('accident_rate').yearToDate).toMatchObject({ actual: 92.5, met: true });
    // (2400 + 1000) vs (3000 + 1000) kWh for the same 440 persons: exactly −15%.
    expect(of('energy_kgce_per_person').yearToDate.actual).toBeCloseTo(-15, 8);
    expect(of('energy_kgce_per_person').yearToDate.met).toBe(true);
    // Neither school reported all of 2025: the full year is extrapolated linearly, and labelled a projection.
    expect(result.fullYear).toMatchObject({ basis: 'projection', linearSchools: 2, seasonalSchools: 0 });
    expect(result.fullYear.label).toContain('非实际数');

    const copied = await officer.targets.copyFromPreviousYear({ countyId: w.countyA.id, year: 2027 });
    expect(copied).toMatchObject({ copied: 3, kept: 0, dropped: 0 });
    const removed = copied.targets.find((t) => t.indicator === 'accident_rate')!;
    await officer.targets.remove({ id: removed.id });
    expect((await officer.targets.list({ countyId: w.countyA.id, year: 2027 })).map((t) => t.indicator).sort()).toEqual([
      'energy_kgce_per_person',
      'liability_rate',
    ]);
  });

  it('ranks schools with names for the bureau, against their targets', async () => {
    const table = await (await as('officer')).analytics.ranking({ countyId: w.countyA.id, indicator: 'liability_rate', year: 2026 });
    expect(table.rows.map((r) => [r.name, r.rank, r.value, r.met])).toEqual([
      [w.schools.a1.name, 1, 100, true],
      [w.schools.a2.name, 2, 90, false],
    ]);
    expect(table.targetLine).toBe(100);
    expect(table.figure).toEqual({ type: 'number', value: 97.5, schools: 2 });
  });

  it('gives a principal their own standing and profile, and nothing that names another school', async () => {
    const principal = await as('principal');
    const standing = await principal.analytics.myStanding({ schoolId: w.schools.a1.id, year: 2026 });
    expect(standing.indicators.find((i) => i.indicator === 'liability_rate')).toMatchObject({ value: 100, rank: 1, of: 2, met: true, peerMedian: null });
    const profile = await principal.analytics.schoolProfile({ schoolId: w.schools.a1.id, year: 2026 });
    expect(
      profile.indicators
        .find((i) => i.indicator === 'electricity_kwh')!
        .series.slice(-5)
        .map((p) => p.value),
    ).toEqual([3000, null, null, null, 2400]);
    const trend = await principal.analytics.trend({ schoolId: w.schools.a1.id, indicator: 'liability_rate', from: '2025Q1', to: '2026Q1' });
    expect(trend.points.map((p) => p.value)).toEqual([100, null, null, null, 100]);
    for (const payload of [standing, profile, trend]) {
      const text = JSON.stringify(payload);
      for (const other of [w.schools.a2, w.schools.c, w.schools.b]) {
        expect(text).not.toContain(other.name);
        expect(text).not.toContain(other.code);
      }
    }
    // County-wide views are refused for the role; another school answers as a missing one.
    for (const refused of [
      () => principal.analytics.ranking({ countyId: w.countyA.id, indicator: 'liability_rate', year: 2026 }),
      () => principal.analytics.overview({ countyId: w.countyA.id, year: 2026 }),
      () => principal.analytics.trend({ countyId: w.countyA.id, indicator: 'liability_rate', from: '2025Q1', to: '2026Q1' }),
      () => principal.targets.attainment({ countyId: w.countyA.id, year: 2026 }),
    ]) {
      expect((await failure(refused())).code).toBe('FORBIDDEN');
    }
    for (const elsewhere of [
      () => principal.analytics.myStanding({ schoolId: w.schools.a2.id, year: 2026 }),
      () => principal.analytics.schoolProfile({ schoolId: w.schools.a2.id, year: 2026 }),
      () => principal.analytics.trend({ schoolId: w.schools.a2.id, indicator: 'liability_rate', from: '2025Q1', to: '2026Q1' }),
    ]) {
      expect(await failure(elsewhere())).toMatchObject({ code: 'NOT_FOUND', message: '学校不存在。' });
    }
  });

  it('lets a city officer compare its counties, and a county officer see only its own', async () => {
    const city = await (await as('cityOfficer')).analytics.compareCounties({ unitId: w.cityA.id, indicator: 'liability_rate', year: 2026 });
    expect(city.counties.map((c) => [c.name, c.rank, c.figure])).toEqual([
      ['甲县', 1, { type: 'number', value: 97.5, schools: 2 }],
      ['丙县', 2, { type: 'number', value: 50, schools: 1 }],
    ]);
    expect(city.counties[0]!.targets).toEqual([]);
    const county = await (await as('officer')).analytics.compareCounties({ indicator: 'liability_rate', year: 2026 });
    expect(county.counties.map((c) => c.name)).toEqual(['甲县']);
    const cityWide = await (await as('cityOfficer')).analytics.ranking({ unitId: w.cityA.id, indicator: 'liability_rate', year: 2026 });
    expect(cityWide.rows.map((r) => r.schoolId)).toEqual([w.schools.a1.id, w.schools.a2.id, w.schools.c.id]);
  });

  it('answers bad analytics input in Chinese, naming the field', async () => {
    const officer = await as('officer');
    const period = await failure(officer.analytics.trend({ countyId: w.countyA.id, indicator: 'liability_rate', from: '2026-01' as never, to: '2026Q1' }));
    expect(period.code).toBe('BAD_REQUEST');
    expect(period.message).toBe('季度格式应为“2026Q1”。（字段：from）');
    const quarter = await failure(officer.analytics.overview({ countyId: w.countyA.id, year: 2026, quarter: 5 as never }));
    expect(quarter.message).toBe('季度只能是1、2、3或4。（字段：quarter）');
    const unknown = await failure(officer.analytics.ranking({ countyId: w.countyA.id, indicator: 'nonsense', year: 2026 }));
    expect(unknown.message).toBe('未知指标：nonsense。请从指标目录中选择。');
  });
});

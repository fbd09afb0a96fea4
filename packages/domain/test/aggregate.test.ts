import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  aggregateSchool,
  countyParts,
  FIGURE_INDICATORS,
  figureIndicator,
  figureOfParts,
  figureStatuses,
  groupByCounty,
  isPeer,
  NUMERIC_FIGURES,
  packCountyParts,
  packLeagueEntries,
  packPart,
  schoolsOfWindow,
  sumCompleteness,
  unpackCountyParts,
  unpackLeagueEntries,
  unpackPart,
  windowFrame,
  type FigurePart,
  aggregateSchools,
  change,
  comparableReports,
  countWith,
  distribution,
  evaluateFormula,
  addParts,
  figurePart,
  formulaParts,
  groupFigure,
  partFigure,
  groupMedian,
  indicator,
  indicatorValue,
  INDICATORS,
  projectSchoolYear,
  quarterRange,
  quartersEndingAt,
  quartileBand,
  rank,
  reportInputs,
  shareWith,
  shiftWindow,
  yearWindow,
  type AnalyticsSchool,
  type Period,
  type QuarterReport,
  type ReportValues,
} from '../src/index.js';

const school = (id: number, extra: Partial<AnalyticsSchool> = {}): AnalyticsSchool => ({
  id,
  type: 'primary',
  location: 'rural',
  hasCanteen: true,
  buildingAreaM2: 2000,
  siteAreaM2: 5000,
  ...extra,
});
const report = (schoolId: number, period: Period, values: ReportValues): QuarterReport => ({ schoolId, period, values });
const value = (code: string, w: ReturnType<typeof aggregateSchool>) => indicatorValue(indicator(code), w!);

describe('windows of quarters', () => {
  it('lists the year so far, the same window last year, and ranges across years', () => {
    expect(yearWindow(2026, 3)).toEqual(['2026Q1', '2026Q2', '2026Q3']);
    expect(shiftWindow(['2026Q1', '2026Q2'], -1)).toEqual(['2025Q1', '2025Q2']);
    expect(quartersEndingAt('2026Q2', 3)).toEqual(['2025Q4', '2026Q1', '2026Q2']);
    expect(quarterRange('2025Q3', '2026Q2')).toEqual(['2025Q3', '2025Q4', '2026Q1', '2026Q2']);
    expect(quarterRange('2026Q2', '2026Q1')).toEqual([]);
  });
});

describe('one school over a window', () => {
  const a = school(1);
  const reports = [
    report(1, '2026Q1', {
      electricity_kwh: 1000,
      students_enrolled: 100,
      staff_count: 10,
      green_school_status: 'planned',
      meal_days: 60,
      accompany_meal_days: 60,
    }),
    report(1, '2026Q2', {
      electricity_kwh: 2000,
      students_enrolled: 110,
      staff_count: 10,
      green_school_status: 'in_progress',
      meal_days: 40,
      accompany_meal_days: 20,
    }),
    // Q3 not reported.
    report(1, '2026Q4', { electricity_kwh: 500, students_enrolled: 120, green_school_status: 'certified' }),
    report(1, '2025Q4', { electricity_kwh: 99_999, students_enrolled: 999 }),
    report(2, '2026Q1', { electricity_kwh: 77_777 }),
  ];

  it('adds flows over the quarters reported: 1000 + 2000 + 500 = 3500 kWh', () => {
    const w = aggregateSchool(a, reports, yearWindow(2026));
    expect(w!.periods).toEqual(['2026Q1', '2026Q2', '2026Q4']);
    expect(w!.values.electricity_kwh).toBe(3500);
  });

  it('takes stocks from the latest quarter that reported them: 120 students for the year, 110 up to Q2', () => {
    expect(aggregateSchool(a, reports, yearWindow(2026))!.values.students_enrolled).toBe(120);
    expect(aggregateSchool(a, reports, yearWindow(2026, 2))!.values.students_enrolled).toBe(110);
    // Q4 did not report staff: the latest quarter that did (Q2) counts.
    expect(aggregateSchool(a, reports, yearWindow(2026))!.values.staff_count).toBe(10);
  });

  it('takes statuses from the latest quarter', () => {
    expect(aggregateSchool(a, reports, yearWindow(2026))!.values.green_school_status).toBe('certified');
    expect(aggregateSchool(a, reports, yearWindow(2026, 2))!.values.green_school_status).toBe('in_progress');
  });

  it('computes a derived rate as the ratio of the window sums: (60 + 20) ÷ (60 + 40) = 80%, not the mean 75%', () => {
    const w = aggregateSchool(a, reports, yearWindow(2026, 2));
    expect(value('accompany_meal_rate', w)).toBeCloseTo(80, 10);
  });

  it('computes energy per person from the year’s coal-equivalent over the latest headcount', () => {
    const year = [
      ...reports.filter((r) => r.period !== '2026Q4'),
      report(1, '2026Q4', { electricity_kwh: 500, gas_m3: 100, students_enrolled: 120, staff_count: 12 }),
    ];
    const w = aggregateSchool(a, year, yearWindow(2026));
    // (3500 kWh × 0.1229 + 100 m³ × 1.2143) ÷ (120 + 12) = (430.15 + 121.43) ÷ 132
    expect(value('energy_kgce_per_person', w)).toBeCloseTo(551.58 / 132, 10);
    expect(value('energy_kgce', w)).toBeCloseTo(551.58, 10);
  });

  it('returns null for a window without reports, and null values for indicators that do not apply', () => {
    expect(aggregateSchool(a, reports, ['2026Q3'])).toBeNull();
    const w = aggregateSchool(a, reports, yearWindow(2026));
    expect(value('internship_rate', w)).toBeNull();
    expect(value('food_safety_grade', w)).toBeNull();
  });
});

describe('a group of schools', () => {
  const schools = [school(1), school(2, { type: 'junior', hasCanteen: false, siteAreaM2: 15_000 }), school(3, { type: 'vocational' })];
  const q = '2026Q1';
  const reports = [
    report(1, q, {
      students_enrolled: 100,
      liability_insured: 100,
      accident_insured: 90,
      green_school_status: 'certified',
      food_safety_grade: 'A',
      electricity_kwh: 1000,
      green_area_total_m2: 2000,
    }),
    report(2, q, {
      students_enrolled: 900,
      liability_insured: 800,
      accident_insured: 855,
      green_school_status: 'certified',
      electricity_kwh: 3000,
      green_area_total_m2: 3000,
    }),
    report(3, q, {
      students_enrolled: 500,
      liability_insured: 500,
      green_school_status: 'in_progress',
      food_safety_grade: 'B',
      electricity_kwh: 2000,
      interns: 200,
      internship_insured: 40,
    }),
  ];
  const windows = aggregateSchools(schools, reports, [q]);

  it('rates are the ratio of sums: Σ insured ÷ Σ enrolled = 1400 ÷ 1500 = 93.33%, not the mean of rates 96.30%', () => {
    const f = groupFigure(indicator('liability_rate'), windows);
    expect(f).toEqual({ type: 'number', value: (1400 / 1500) * 100, schools: 3 });
    const mean = (100 + (800 / 900) * 100 + 100) / 3;
    expect(mean).toBeCloseTo(96.296, 2);
  });

  it('a rate only counts schools that reported both parts: accident rate = (90 + 855) ÷ (100 + 900) = 94.5%', () => {
    expect(groupFigure(indicator('accident_rate'), windows)).toEqual({ type: 'number', value: 94.5, schools: 2 });
  });

  it('rates over school attributes add the attributes of contributing schools only: greening = 5000 ÷ 20000 = 25%', () => {
    // School 3 reported no green area, so its 5,000 m² site does not dilute the rate.
    expect(groupFigure(indicator('greening_rate'), windows)).toEqual({ type: 'number', value: 25, schools: 2 });
  });

  it('adds groups’ parts up to the whole group’s figure, for every indicator (a city from its counties)', () => {
    for (const ind of INDICATORS.filter((i) => i.valueType !== 'date')) {
      const whole = groupFigure(ind, windows);
      const split = addParts([
        figurePart(ind, windows.slice(0, 1)),
        figurePart(ind, windows.slice(1, 2)),
        figurePart(ind, windows.slice(2)),
        figurePart(ind, []),
      ])!;
      const merged = partFigure(ind, split);
      if (whole.type === 'number' && merged.type === 'number' && whole.value !== null && merged.value !== null) {
        expect(merged.value, ind.code).toBeCloseTo(whole.value, 9);
        expect(merged.schools, ind.code).toBe(whole.schools);
      } else {
        expect(merged, ind.code).toEqual(whole);
      }
    }
    expect(
      partFigure(
        indicator('liability_rate'),
        addParts([figurePart(indicator('liability_rate'), windows.slice(0, 1)), figurePart(indicator('liability_rate'), windows.slice(1))])!,
      ),
    ).toEqual({ type: 'number', value: (1400 / 1500) * 100, schools: 3 });
    expect(addParts([])).toBeNull();
  });

  it('flows and stocks add up across schools', () => {
    expect(groupFigure(indicator('electricity_kwh'), windows)).toEqual({ type: 'number', value: 6000, schools: 3 });
    expect(groupFigure(indicator('students_enrolled'), windows)).toEqual({ type: 'number', value: 1500, schools: 3 });
  });

  it('statuses are counted per value, among the schools they apply to', () => {
    const green = groupFigure(indicator('green_school_status'), windows);
    expect(green).toEqual({ type: 'counts', counts: { certified: 2, in_progress: 1 }, schools: 3 });
    expect(countWith(green, 'certified')).toBe(2);
    expect(shareWith(green, 'certified')).toBeCloseTo(200 / 3, 10);
    const grades = groupFigure(indicator('food_safety_grade'), windows);
    expect(grades).toEqual({ type: 'counts', counts: { A: 1, B: 1 }, schools: 2 });
    expect(shareWith(grades, 'A')).toBe(50);
  });

  it('vocational-only rates count vocational schools only: 40 ÷ 200 = 20%', () => {
    expect(groupFigure(indicator('internship_rate'), windows)).toEqual({ type: 'number', value: 20, schools: 1 });
  });

  it('an empty group has no figure', () => {
    expect(groupFigure(indicator('liability_rate'), [])).toEqual({ type: 'number', value: null, schools: 0 });
    expect(groupFigure(indicator('electricity_kwh'), [])).toEqual({ type: 'number', value: null, schools: 0 });
  });

  it('splits every formula into parts that give back evaluateFormula for one school (property)', () => {
    const formulas = INDICATORS.filter((i) => i.formula);
    const amount = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.constantFrom(...formulas),
        fc.dictionary(
          fc.constantFrom(
            ...INDICATORS.filter((i) => i.kind !== 'derived' && i.valueType !== 'enum' && i.valueType !== 'boolean' && i.valueType !== 'date').map(
              (i) => i.code,
            ),
          ),
          amount,
        ),
        (ind, raw) => {
          const values = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) as ReportValues;
          const inputs = reportInputs(values, schools[0]!);
          const direct = evaluateFormula(ind.formula!, inputs, q);
          const parts = formulaParts(ind.formula!, inputs, q);
          if (parts === null) return direct === null;
          const scale = ind.formula!.scale ?? 1;
          const viaParts = parts.denominator === null ? parts.numerator * scale : parts.denominator > 0 ? (parts.numerator / parts.denominator) * scale : null;
          return viaParts === direct || (viaParts !== null && direct !== null && Math.abs(viaParts - direct) < 1e-9);
        },
      ),
    );
  });
});

describe('year-on-year change', () => {
  it('is the percent change and the difference; null without a base', () => {
    expect(change(88, 100)).toEqual({ current: 88, previous: 100, percent: -12, difference: -12 });
    expect(change(5, 0).percent).toBeNull();
    expect(change(null, 3)).toEqual({ current: null, previous: 3, percent: null, difference: null });
  });

  it('compares like for like: only quarters a school reported in both years', () => {
    const current = [
      report(1, '2026Q1', { electricity_kwh: 900 }),
      report(1, '2026Q2', { electricity_kwh: 800 }),
      report(2, '2026Q1', { electricity_kwh: 5000 }),
    ];
    const previous = [
      report(1, '2025Q1', { electricity_kwh: 1000 }),
      report(1, '2025Q2', { electricity_kwh: 1000 }),
      report(3, '2025Q1', { electricity_kwh: 7000 }),
    ];
    const pairs = comparableReports(current, previous);
    // School 2 is new, school 3 closed: neither moves the change.
    expect(pairs.current.map((r) => `${r.schoolId}${r.period}`)).toEqual(['12026Q1', '12026Q2']);
    expect(pairs.previous.map((r) => `${r.schoolId}${r.period}`)).toEqual(['12025Q1', '12025Q2']);
    const schools = [school(1), school(2), school(3)];
    const now = groupFigure(indicator('electricity_kwh'), aggregateSchools(schools, pairs.current, yearWindow(2026, 2)));
    const before = groupFigure(indicator('electricity_kwh'), aggregateSchools(schools, pairs.previous, yearWindow(2025, 2)));
    // (900 + 800) vs (1000 + 1000): −15%.
    expect(change(now.type === 'number' ? now.value : null, before.type === 'number' ? before.value : null).percent).toBeCloseTo(-15, 10);
  });
});

describe('projection of a full year', () => {
  const a = school(1);
  const lastYear = [1000, 2000, 3000, 4000].map((kwh, i) => report(1, `2025Q${i + 1}` as Period, { electricity_kwh: kwh, students_enrolled: 100 }));

  it('follows last year’s seasons when the school reported all four quarters: 2700 × 10000 ÷ 3000 = 9000 kWh', () => {
    const thisYear = [
      report(1, '2026Q1', { electricity_kwh: 900, students_enrolled: 105 }),
      report(1, '2026Q2', { electricity_kwh: 1800, students_enrolled: 106 }),
    ];
    const p = projectSchoolYear(a, thisYear, lastYear, 2026)!;
    expect(p.method).toBe('seasonal');
    expect(p.window.projected).toBe(true);
    expect(p.window.values.electricity_kwh).toBeCloseTo(9000, 10);
    expect(p.window.values.students_enrolled).toBe(106);
    expect(p.window.end).toBe('2026Q4');
  });

  it('extrapolates linearly without a full last year: (500 + 700) × 4 ÷ 2 = 2400 kWh', () => {
    const thisYear = [report(1, '2026Q1', { electricity_kwh: 500 }), report(1, '2026Q2', { electricity_kwh: 700 })];
    const p = projectSchoolYear(a, thisYear, lastYear.slice(0, 3), 2026)!;
    expect(p.method).toBe('linear');
    expect(p.window.values.electricity_kwh).toBe(2400);
  });

  it('keeps a complete year as it is', () => {
    const thisYear = lastYear.map((r) => ({ ...r, period: r.period.replace('2025', '2026') as Period }));
    const p = projectSchoolYear(a, thisYear, lastYear, 2026)!;
    expect(p.method).toBe('actual');
    expect(p.window.projected).toBe(false);
    expect(p.window.values.electricity_kwh).toBe(10_000);
  });
});

describe('distributions and ranks', () => {
  it('computes quartiles by linear interpolation', () => {
    expect(distribution([5, 1, 3, 2, 4])).toEqual({ count: 5, min: 1, q1: 2, median: 3, q3: 4, max: 5 });
    expect(distribution([4, 1, 3, 2])).toEqual({ count: 4, min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4 });
    expect(distribution([])).toBeNull();
  });

  it('shows no median for fewer than three schools', () => {
    expect(groupMedian([10, 20])).toBeNull();
    expect(groupMedian([10, 20, 60])).toBe(20);
  });

  it('bands values by the better direction: 1 is the best quarter', () => {
    const d = distribution([1, 2, 3, 4, 5])!;
    expect([5, 3.5, 2.5, 1].map((v) => quartileBand(v, d, 'higher'))).toEqual([1, 2, 3, 4]);
    expect([1, 2.5, 3.5, 5].map((v) => quartileBand(v, d, 'lower'))).toEqual([1, 2, 3, 4]);
  });

  it('ranks with ties sharing a place; missing values are not ranked', () => {
    const items = [{ v: 10 }, { v: 30 }, { v: 30 }, { v: null }, { v: 5 }];
    const higher = rank(items, (i) => i.v, 'higher');
    expect(items.map((i) => higher.get(i) ?? null)).toEqual([3, 1, 1, null, 4]);
    const lower = rank(items, (i) => i.v, 'lower');
    expect(items.map((i) => lower.get(i) ?? null)).toEqual([2, 3, 3, null, 1]);
  });
});

describe('what a window speaks for', () => {
  it('rests figures on approved reports, and on submitted ones when asked', () => {
    expect(figureStatuses(false)).toEqual(['approved']);
    expect(figureStatuses(undefined)).toEqual(['approved']);
    expect(figureStatuses(true)).toEqual(['approved', 'submitted']);
  });

  it('keeps active schools, and closed ones only when they reported in the window', () => {
    const schools = [
      { id: 1, active: true },
      { id: 2, active: false },
      { id: 3, active: false },
    ];
    const reports = [report(2, '2026Q1', {}), report(3, '2025Q4', {})];
    expect(schoolsOfWindow(schools, reports, ['2026Q1', '2026Q2']).map((s) => s.id)).toEqual([1, 2]);
    expect(schoolsOfWindow(schools, reports, ['2025Q4']).map((s) => s.id)).toEqual([1, 3]);
    expect(schoolsOfWindow(schools, reports, []).map((s) => s.id)).toEqual([1]);
  });

  it('figures every catalogue indicator but dates, and refuses an unknown code or a date by name', () => {
    expect(FIGURE_INDICATORS.some((i) => i.valueType === 'date')).toBe(false);
    expect(NUMERIC_FIGURES.every((i) => FIGURE_INDICATORS.includes(i) && (i.valueType === 'integer' || i.valueType === 'decimal'))).toBe(true);
    expect(figureIndicator('liability_rate')).toBe(indicator('liability_rate'));
    const unknown = (() => {
      try {
        figureIndicator('no_such');
      } catch (e) {
        return e;
      }
    })();
    expect(unknown).toBeInstanceOf(AppError);
    expect(unknown).toMatchObject({ code: 'BAD_REQUEST', field: 'indicator', message: '未知指标：no_such。请从指标目录中选择。' });
    const date = INDICATORS.find((i) => i.valueType === 'date')!;
    expect(() => figureIndicator(date.code)).toThrow(`${date.name.zh}是日期，不能统计或排名。`);
  });
});

describe('peers, counties and completeness', () => {
  const a = { type: 'primary', location: 'rural' } as const;
  it('compares a school with same-type, same-location or both', () => {
    expect(isPeer('type', a, { type: 'primary', location: 'urban' })).toBe(true);
    expect(isPeer('location', a, { type: 'primary', location: 'urban' })).toBe(false);
    expect(isPeer('location', a, { type: 'junior', location: 'rural' })).toBe(true);
    expect(isPeer('type_and_location', a, { type: 'junior', location: 'rural' })).toBe(false);
    expect(isPeer('type_and_location', a, { type: 'primary', location: 'rural' })).toBe(true);
  });

  it('groups rows by county in the order given', () => {
    const rows = [
      { countyId: 2, n: 1 },
      { countyId: 1, n: 2 },
      { countyId: 2, n: 3 },
    ];
    expect([...groupByCounty(rows)]).toEqual([
      [2, [rows[0], rows[2]]],
      [1, [rows[1]]],
    ]);
  });

  it('adds counties’ completeness up per quarter, in the quarters’ order', () => {
    const row = (countyId: number, period: Period, n: number) => ({
      countyId,
      period,
      schools: 10 * n,
      approved: n,
      submitted: 2 * n,
      inProgress: 3 * n,
      missing: 4 * n,
    });
    const rows = [row(1, '2026Q1', 1), row(2, '2026Q1', 2), row(1, '2026Q2', 5)];
    expect(sumCompleteness(rows, ['2026Q2', '2026Q1', '2026Q3'])).toEqual([
      { period: '2026Q2', schools: 50, approved: 5, submitted: 10, inProgress: 15, missing: 20 },
      { period: '2026Q1', schools: 30, approved: 3, submitted: 6, inProgress: 9, missing: 12 },
      { period: '2026Q3', schools: 0, approved: 0, submitted: 0, inProgress: 0, missing: 0 },
    ]);
  });
});

describe('kept figure parts', () => {
  const schools = [school(1), school(2, { type: 'junior', hasCanteen: false }), school(3)];
  const reports = [
    report(1, '2025Q1', { students_enrolled: 100, liability_insured: 90, electricity_kwh: 1200, green_school_status: 'planned' }),
    report(1, '2026Q1', { students_enrolled: 110, liability_insured: 110, electricity_kwh: 1000, green_school_status: 'certified', food_safety_grade: 'A' }),
    report(2, '2026Q1', { students_enrolled: 400, liability_insured: 380, electricity_kwh: 3000, green_school_status: 'certified' }),
    report(2, '2025Q4', { students_enrolled: 390, electricity_kwh: 2500 }),
    report(3, '2025Q1', { students_enrolled: 50, electricity_kwh: 700 }),
  ];
  const trendPeriods: Period[] = ['2025Q4', '2026Q1'];
  const parts = countyParts(schools, reports, windowFrame(schools, reports, ['2026Q1']), trendPeriods);

  it('packs each kind of part positionally and reads it back by the indicator', () => {
    const sum = figurePart(indicator('electricity_kwh'), windowFrame(schools, reports, ['2026Q1']).windows);
    const ratio = parts.window.liability_rate!;
    const counts = parts.window.green_school_status!;
    expect(packPart(sum)).toEqual([2, 4000]);
    expect(packPart(ratio)).toEqual([2, 490, 510]);
    expect(packPart(counts)).toEqual([2, { certified: 2 }]);
    for (const [code, part] of [
      ['electricity_kwh', sum],
      ['liability_rate', ratio],
      ['green_school_status', counts],
    ] as [string, FigurePart][]) {
      expect(unpackPart(indicator(code), JSON.parse(JSON.stringify(packPart(part))))).toEqual(part);
    }
  });

  it('reads a county’s packed parts back equal, giving the same figures', () => {
    const back = unpackCountyParts(packCountyParts(parts, trendPeriods), trendPeriods);
    expect(back).toEqual(parts);
    for (const ind of FIGURE_INDICATORS) expect(figureOfParts(ind, [back.window[ind.code]!])).toEqual(figureOfParts(ind, [parts.window[ind.code]!]));
    // Like for like: only school 1 reported 2026Q1 and 2025Q1.
    expect(figureOfParts(indicator('electricity_kwh'), [back.current.electricity_kwh!])).toEqual({ type: 'number', value: 1000, schools: 1 });
    expect(figureOfParts(indicator('electricity_kwh'), [back.previous.electricity_kwh!])).toEqual({ type: 'number', value: 1200, schools: 1 });
    expect(figureOfParts(indicator('electricity_kwh'), [back.trend['2025Q4']!.electricity_kwh!])).toEqual({ type: 'number', value: 2500, schools: 1 });
  });

  it('fills a quarter the parts lack with the parts of no school', () => {
    const back = unpackCountyParts(packCountyParts(parts, ['2025Q3', ...trendPeriods]), ['2025Q3', ...trendPeriods]);
    expect(back.trend['2025Q3']!.electricity_kwh).toEqual(figurePart(indicator('electricity_kwh'), []));
    expect(back.trend['2026Q1']).toEqual(parts.trend['2026Q1']);
  });

  it('packs league entries and reads them back equal', () => {
    const ind = indicator('liability_rate');
    const entries = [
      { school: { id: 1, name: '一小' }, value: 100, now: 100, before: 90, part: parts.window.liability_rate! },
      { school: { id: 2, name: '二中' }, value: null, now: null, before: null, part: null },
    ];
    expect(unpackLeagueEntries(ind, packLeagueEntries(entries))).toEqual(entries);
  });
});

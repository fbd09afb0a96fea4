import { describe, expect, it } from 'vitest';
import {
  attainment,
  compare,
  describeTarget,
  targetRequirement,
  effectiveTarget,
  evaluateTarget,
  overlappingTarget,
  targetDefinition,
  targetInput,
  targetKey,
  targetProblem,
  yearFrames,
  type AnalyticsSchool,
  type Period,
  type QuarterReport,
  type ReportValues,
  type Target,
  type TargetDefinition,
} from '../src/index.js';

const base: TargetDefinition = {
  indicator: 'liability_rate',
  kind: 'each_school',
  measure: 'value',
  comparator: 'gte',
  value: 100,
  statusValue: null,
  schoolTypes: null,
  schoolId: null,
};
const def = (extra: Partial<TargetDefinition>): TargetDefinition => ({ ...base, ...extra });
let nextId = 1;
const target = (extra: Partial<TargetDefinition>): Target => ({ ...def(extra), id: nextId++, countyId: 7, year: 2026 });

describe('target input and validation against the catalogue', () => {
  it('parses the form, defaulting the measure and ordering school types', () => {
    const parsed = targetInput.parse({
      countyId: 7,
      year: 2026,
      indicator: 'liability_rate',
      kind: 'each_school',
      comparator: 'gte',
      value: 100,
      schoolTypes: ['junior', 'primary'],
    });
    expect(targetDefinition(parsed)).toEqual({ ...base, schoolTypes: ['primary', 'junior'] });
    const wrong = targetInput.safeParse({ countyId: 7, year: 1999, indicator: 'x', kind: 'all', comparator: '>', value: 1 });
    expect(wrong.success).toBe(false);
    const messages = wrong.error!.issues.map((i) => `${i.path.join('.')}:${i.message}`);
    expect(messages).toContain('year:年度不能早于2000年。');
    expect(messages).toContain('kind:目标类型只能是“每所学校”或“全县总体”。');
    expect(messages).toContain('comparator:比较方式只能是“≥”“≤”或“=”。');
  });

  it('accepts the issue’s examples', () => {
    for (const t of [
      def({}),
      def({ indicator: 'food_incidents', comparator: 'eq', value: 0 }),
      def({ indicator: 'health_cert_rate' }),
      def({ indicator: 'accident_rate', kind: 'county_total', value: 95 }),
      def({ indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15 }),
      def({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', value: 11 }),
      def({ indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', value: 80 }),
      def({ indicator: 'food_liability_insured', comparator: 'eq', value: true }),
      def({ indicator: 'internship_rate', schoolTypes: ['vocational'] }),
      def({ schoolId: 12, value: 95 }),
    ]) {
      expect(targetProblem(t), JSON.stringify(t)).toBeNull();
    }
  });

  it.each([
    [def({ indicator: 'nonsense' }), 'indicator', '未知指标：nonsense。请从指标目录中选择。'],
    [def({ indicator: 'food_safety_grade_date', comparator: 'eq', value: '2026-01-01' }), 'indicator', '量化等级评定日期是日期，不能设定目标。'],
    [def({ value: 120 }), 'value', '校方责任险参保率以百分比表示，目标值应在0至100之间（如95表示95%）。'],
    [def({ value: -1 }), 'value', '校方责任险参保率的目标值不能为负数。'],
    [def({ value: 'A' }), 'value', '校方责任险参保率是数值型指标，目标值必须是数字。'],
    [def({ indicator: 'food_incidents', comparator: 'eq', value: 0.5 }), 'value', '食品安全事故起数以起计，目标值必须是整数。'],
    [def({ indicator: 'food_safety_grade', comparator: 'gte', value: 'A' }), 'comparator', '食品安全量化等级是状态类指标，比较方式只能是“=”。'],
    [
      def({ indicator: 'food_safety_grade', comparator: 'eq', value: 'D' }),
      'value',
      '食品安全量化等级的目标值只能是：A级（优秀）、B级（良好）、C级（一般）、未评级。',
    ],
    [def({ indicator: 'open_kitchen', comparator: 'eq', value: 'yes' }), 'value', '是否实现明厨亮灶的目标值只能是“是”或“否”。'],
    [
      def({ indicator: 'food_safety_grade', kind: 'county_total', comparator: 'eq', value: 'A' }),
      'measure',
      '食品安全量化等级是状态类指标，全县总体目标请按“达到该状态的学校数”或“占比”设定。',
    ],
    [def({ indicator: 'green_school_status', measure: 'change_percent', value: 10 }), 'measure', '绿色学校创建状态是状态类指标，不能按较上年变化设定目标。'],
    [
      def({ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -150 }),
      'value',
      '较上年变化的目标值应在-100至1000之间（百分比，如-15表示比上年降低15%）。',
    ],
    [
      def({ measure: 'status_count', kind: 'county_total', statusValue: 'A', value: 3 }),
      'measure',
      '校方责任险参保率是数值型指标，不能按学校数或占比设定目标。',
    ],
    [
      def({ indicator: 'green_school_status', measure: 'status_count', statusValue: 'certified', value: 11 }),
      'kind',
      '按学校数或占比设定的目标只能是“全县总体”目标。',
    ],
    [
      def({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', value: 11 }),
      'statusValue',
      '请选择绿色学校创建状态的状态值（统计达到哪一状态的学校）。',
    ],
    [
      def({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'done', value: 11 }),
      'statusValue',
      '绿色学校创建状态的状态值只能是：未启动、已规划、创建中、已申报、已认定。',
    ],
    [
      def({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', value: 2.5 }),
      'value',
      '学校数目标必须是不小于0的整数。',
    ],
    [
      def({ indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', value: 180 }),
      'value',
      '占比目标应在0至100之间（如80表示80%）。',
    ],
    [def({ statusValue: 'A' }), 'statusValue', '只有按“达到该状态的学校数”或“占比”设定目标时才需要选择状态值。'],
    [def({ kind: 'county_total', schoolId: 3 }), 'schoolId', '只有“每所学校”类目标可以为单所学校单独设定。'],
    [def({ schoolId: 3, schoolTypes: ['primary'] }), 'schoolTypes', '为单所学校单独设定目标时，不能再限定办学类型。'],
    [
      def({ indicator: 'internship_rate', schoolTypes: ['primary', 'vocational'] }),
      'schoolTypes',
      '实习责任险参保率仅适用于中等职业学校，不能对小学设定目标。',
    ],
  ])('refuses %#, naming the field and the rule', (t, field, message) => {
    expect(targetProblem(t)).toEqual({ field, message });
  });

  it('refuses an override for a school the indicator does not apply to', () => {
    expect(targetProblem(def({ indicator: 'health_cert_rate', schoolId: 3 }), { name: '东风小学', type: 'primary', hasCanteen: false })).toEqual({
      field: 'schoolId',
      message: '东风小学不适用从业人员健康证持证率（仅适用于有食堂的学校）。',
    });
  });

  it('keys a target by what it is about, not by its value', () => {
    expect(targetKey(def({ value: 95 }))).toBe(targetKey(def({ value: 100, comparator: 'lte' })));
    expect(targetKey(def({ schoolTypes: ['primary'] }))).not.toBe(targetKey(def({})));
    expect(targetKey(def({ schoolId: 3 }))).not.toBe(targetKey(def({ schoolId: 4 })));
  });

  it('refuses type-narrowed targets that overlap, and finds the one that holds for a school', () => {
    const general = target({});
    const primaryJunior = target({ schoolTypes: ['primary', 'junior'], value: 98 });
    const own = target({ schoolId: 5, value: 90 });
    expect(overlappingTarget(def({ schoolTypes: ['junior', 'senior'] }), [general, primaryJunior, own])).toEqual({ target: primaryJunior, types: ['junior'] });
    expect(overlappingTarget(def({ schoolTypes: ['senior'] }), [general, primaryJunior])).toBeNull();
    expect(overlappingTarget(def({ schoolTypes: ['primary', 'junior'], value: 99 }), [primaryJunior])).toBeNull();
    const all = [general, primaryJunior, own];
    expect(effectiveTarget(all, 'liability_rate', { id: 5, type: 'primary' })).toBe(own);
    expect(effectiveTarget(all, 'liability_rate', { id: 6, type: 'junior' })).toBe(primaryJunior);
    expect(effectiveTarget(all, 'liability_rate', { id: 7, type: 'senior' })).toBe(general);
    expect(effectiveTarget(all, 'accident_rate', { id: 7, type: 'senior' })).toBeNull();
  });

  it('describes targets as a bureau document would: in words, never ≥ ≤ = < >', () => {
    const cases: [Parameters<typeof def>[0], string][] = [
      [{}, '每所学校校方责任险参保率达到100%'],
      [{ schoolTypes: ['primary', 'junior'], value: 98 }, '每所小学、初级中学校方责任险参保率达到98%以上'],
      [{ indicator: 'food_incidents', comparator: 'eq', value: 0 }, '每所学校食品安全事故起数为零'],
      [{ indicator: 'food_incidents', comparator: 'lte', value: 0 }, '每所学校食品安全事故起数为零'],
      [{ indicator: 'energy_kgce_per_person', comparator: 'lte', value: 65 }, '每所学校人均综合能耗控制在65千克标准煤/人以内'],
      [
        { indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15 },
        '全县人均综合能耗较上年降低15%以上',
      ],
      [{ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: 3 }, '全县综合能耗较上年增长不超过3%'],
      [{ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: 0 }, '全县综合能耗不高于上年'],
      [{ indicator: 'energy_kgce', kind: 'county_total', measure: 'change_percent', comparator: 'eq', value: 0 }, '全县综合能耗与上年持平'],
      [{ indicator: 'plants_planted', kind: 'county_total', measure: 'change_percent', comparator: 'gte', value: 10 }, '全县新植花草树木较上年增长10%以上'],
      [
        { indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', value: 11 },
        '全县绿色学校创建状态为“已认定”的学校不少于11所',
      ],
      [
        { indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', value: 80 },
        '全县食品安全量化等级为“A级（优秀）”的学校占比达到80%以上',
      ],
      [
        { indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_count', statusValue: 'C', comparator: 'lte', value: 1 },
        '全县食品安全量化等级为“C级（一般）”的学校不超过1所',
      ],
      [{ indicator: 'food_liability_insured', comparator: 'eq', value: true }, '每所学校食堂（小卖部）是否投保食品安全责任险为“是”'],
      [{ indicator: 'green_area_added_m2', kind: 'county_total', value: 20_000 }, '全县新增绿地面积30亩'],
      [{ indicator: 'greening_investment_yuan', kind: 'county_total', value: 1_080_000 }, '全县绿化投入资金不少于108万元'],
      [{ indicator: 'accident_insured', value: 500 }, '每所学校学平险参保人数不少于500人'],
    ];
    for (const [t, words] of cases) {
      const text = describeTarget(def(t));
      expect(text).toBe(words);
      expect(text).not.toMatch(/[≥≤=<>]/);
    }
    expect(describeTarget(def({ schoolId: 3, value: 95 }), '东风小学')).toBe('东风小学校方责任险参保率达到95%以上');
    expect(targetRequirement(def({ indicator: 'energy_kgce', measure: 'change_percent', comparator: 'lte', value: -7 }))).toBe('较上年降低7%以上');
  });

  it('compares with tolerance for floating-point noise', () => {
    expect(compare((290 / 290) * 100 + 1e-13, 'eq', 100)).toBe(true);
    expect(compare(99.9999999999999, 'gte', 100)).toBe(true);
    expect(compare(99.9, 'gte', 100)).toBe(false);
    expect(compare(null, 'gte', 100)).toBeNull();
    expect(compare('A', 'eq', 'A')).toBe(true);
    expect(compare(false, 'eq', true)).toBe(false);
  });
});

/**
 * A small county, hand-computed.
 * School 1 primary (canteen), 2 primary (canteen), 3 junior (no canteen), 4 vocational (canteen).
 * 2025: all four quarters; electricity per quarter x, x, 2x, 2x with x = 1200, 2000, 2400, 600.
 * 2026: Q1 and Q2 reported by schools 1–3; school 4 reported Q1 only.
 */
const schools: AnalyticsSchool[] = [
  { id: 1, type: 'primary', location: 'rural', hasCanteen: true, buildingAreaM2: 2000, siteAreaM2: 6000 },
  { id: 2, type: 'primary', location: 'urban', hasCanteen: true, buildingAreaM2: 3000, siteAreaM2: 8000 },
  { id: 3, type: 'junior', location: 'town', hasCanteen: false, buildingAreaM2: 4000, siteAreaM2: 9000 },
  { id: 4, type: 'vocational', location: 'urban', hasCanteen: true, buildingAreaM2: 1500, siteAreaM2: 5000 },
];
const people: Record<number, ReportValues> = {
  1: { students_enrolled: 200, staff_count: 20, liability_insured: 200, accident_insured: 190 },
  2: { students_enrolled: 300, staff_count: 30, liability_insured: 290, accident_insured: 290 },
  3: { students_enrolled: 400, staff_count: 40, liability_insured: 400, accident_insured: 380 },
  4: { students_enrolled: 100, staff_count: 20, liability_insured: 100, accident_insured: 90, interns: 50, internship_insured: 50 },
};
const status: Record<number, ReportValues> = {
  1: { green_school_status: 'certified', food_safety_grade: 'A', food_incidents: 0 },
  2: { green_school_status: 'in_progress', food_safety_grade: 'A', food_incidents: 0 },
  3: { green_school_status: 'certified' },
  4: { green_school_status: 'none', food_safety_grade: 'B', food_incidents: 0 },
};
const x: Record<number, number> = { 1: 1200, 2: 2000, 3: 2400, 4: 600 };
const thisYearKwh: Record<number, number> = { 1: 1000, 2: 1500, 3: 2000, 4: 500 };
const reports: QuarterReport[] = [];
for (const s of schools) {
  for (const q of [1, 2, 3, 4]) {
    reports.push({ schoolId: s.id, period: `2025Q${q}` as Period, values: { ...people[s.id], electricity_kwh: q <= 2 ? x[s.id]! : 2 * x[s.id]! } });
  }
  for (const q of s.id === 4 ? [1] : [1, 2]) {
    const incidents: ReportValues = s.id === 2 && q === 1 ? { food_incidents: 1 } : {};
    reports.push({
      schoolId: s.id,
      period: `2026Q${q}` as Period,
      values: { ...people[s.id], ...status[s.id], electricity_kwh: thisYearKwh[s.id]!, ...incidents },
    });
  }
}

describe('attainment on a hand-computed county', () => {
  const T = {
    liability: target({}),
    liabilityOwn: target({ schoolId: 2, value: 95 }),
    accident: target({ indicator: 'accident_rate', kind: 'county_total', value: 95 }),
    energy: target({ indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -15 }),
    certified: target({ indicator: 'green_school_status', kind: 'county_total', measure: 'status_count', statusValue: 'certified', value: 2 }),
    gradeA: target({ indicator: 'food_safety_grade', kind: 'county_total', measure: 'status_share', statusValue: 'A', value: 80 }),
    incidents: target({ indicator: 'food_incidents', comparator: 'eq', value: 0 }),
    internship: target({ indicator: 'internship_rate' }),
  };
  const targets = Object.values(T);
  const frames = yearFrames(schools, reports, 2026);
  const result = new Map(attainment(targets, schools, frames, new Map([[2, '城关小学']])).map((a) => [a.target, a]));
  const ytd = (t: Target) => result.get(t)!.yearToDate;
  const full = (t: Target) => result.get(t)!.fullYear;

  it('runs the year so far up to the last quarter reported', () => {
    expect(frames.upToQuarter).toBe(2);
    expect(frames.yearToDate.window).toEqual(['2026Q1', '2026Q2']);
    expect(frames.fullYear.basis).toBe('projection');
  });

  it('each school: every applicable school meets it; the override takes school 2 out of the general target', () => {
    expect(ytd(T.liability)).toMatchObject({ met: true, schools: 3, reported: 3, actual: null });
    expect(
      ytd(T.liability)
        .checks!.map((c) => c.schoolId)
        .sort(),
    ).toEqual([1, 3, 4]);
    // School 2: 290 ÷ 300 = 96.67% ≥ 95%.
    expect(ytd(T.liabilityOwn).checks).toEqual([{ schoolId: 2, value: (290 / 300) * 100, met: true, shortfall: 0 }]);
    expect(result.get(T.liabilityOwn)!.label).toBe('城关小学校方责任险参保率达到95%以上');
  });

  it('each school: one school with an incident fails the target and is listed first with its shortfall', () => {
    const r = ytd(T.incidents);
    expect(r.met).toBe(false);
    expect(r.schools).toBe(3); // school 3 has no canteen
    expect(r.checks![0]).toEqual({ schoolId: 2, value: 1, met: false, shortfall: 1 });
    // Full year: school 2 has no incidents on record last year, so its flow is projected linearly: 1 × 4 ÷ 2 = 2.
    expect(full(T.incidents).checks![0]).toEqual({ schoolId: 2, value: 2, met: false, shortfall: 2 });
  });

  it('county total rate is the ratio of sums: (190 + 290 + 380 + 90) ÷ 1000 = 95% meets ≥ 95% (the mean of rates, 94.17%, would not)', () => {
    expect(ytd(T.accident).actual).toBeCloseTo(95, 10);
    expect(ytd(T.accident).met).toBe(true);
    expect(ytd(T.accident)).toMatchObject({ schools: 4, reported: 4 });
  });

  it('change on last year compares like for like: 9500 vs 11800 kWh per the same 1110 persons = −19.49%', () => {
    // School 4 reported only Q1 this year, so only its Q1 2025 (600 kWh) is compared.
    const r = ytd(T.energy);
    expect(r.actual).toBeCloseTo(((9500 - 11_800) / 11_800) * 100, 8);
    expect(r.change!.current).toBeCloseTo((9500 * 0.1229) / 1110, 10);
    expect(r.change!.previous).toBeCloseTo((11_800 * 0.1229) / 1110, 10);
    expect(r.met).toBe(true);
  });

  it('the full year projects by last year’s seasons: 3 × 2000 + 3 × 3000 + 3 × 4000 + 500 × 3600 ÷ 600 = 30000 vs 37200 kWh', () => {
    const r = full(T.energy);
    expect(r.basis).toBe('projection');
    expect(frames.fullYear).toMatchObject({ seasonalSchools: 4, linearSchools: 0 });
    expect(r.actual).toBeCloseTo(((30_000 - 37_200) / 37_200) * 100, 8);
    expect(r.met).toBe(true);
  });

  it('counts schools holding a status: 2 certified ≥ 2', () => {
    expect(ytd(T.certified)).toMatchObject({ actual: 2, met: true, schools: 4, reported: 4 });
  });

  it('shares are of the schools reporting the status: 2 of 3 canteens graded A = 66.67% < 80%', () => {
    expect(ytd(T.gradeA).actual).toBeCloseTo(200 / 3, 10);
    expect(ytd(T.gradeA)).toMatchObject({ met: false, schools: 3, reported: 3 });
  });

  it('vocational-only targets measure vocational schools only', () => {
    expect(ytd(T.internship).checks).toEqual([{ schoolId: 4, value: 100, met: true, shortfall: 0 }]);
  });

  it('says “not yet known” while an applicable school has not reported', () => {
    const withNewSchool = [
      ...schools,
      { id: 5, type: 'primary' as const, location: 'rural' as const, hasCanteen: false, buildingAreaM2: 900, siteAreaM2: 3000 },
    ];
    const r = evaluateTarget(T.liability, targets, withNewSchool, yearFrames(withNewSchool, reports, 2026).yearToDate);
    expect(r).toMatchObject({ met: null, schools: 4, reported: 3 });
    // Missing schools come after those failing and before those meeting the target.
    expect(r.checks![0]).toEqual({ schoolId: 5, value: null, met: null, shortfall: null });
  });

  it('cuts the year so far at a chosen quarter', () => {
    const q1 = yearFrames(schools, reports, 2026, 1);
    expect(q1.yearToDate.window).toEqual(['2026Q1']);
    // Q1 only: 1000 + 1500 + 2000 + 500 = 5000 vs 1200 + 2000 + 2400 + 600 = 6200 kWh.
    expect(evaluateTarget(T.energy, targets, schools, q1.yearToDate).actual).toBeCloseTo(((5000 - 6200) / 6200) * 100, 8);
  });

  it('a complete year is actual, not projected', () => {
    const y2025 = yearFrames(schools, reports, 2025);
    expect(y2025.upToQuarter).toBe(4);
    expect(y2025.fullYear.basis).toBe('actual');
    const lastYearTargets = [{ ...T.energy, year: 2025 }];
    // Nothing reported in 2024: no change to measure.
    expect(evaluateTarget(lastYearTargets[0]!, lastYearTargets, schools, y2025.fullYear)).toMatchObject({ actual: null, met: null });
  });

  it('a year without reports has no frames to measure', () => {
    const empty = yearFrames(schools, reports, 2027);
    expect(empty.upToQuarter).toBeNull();
    expect(evaluateTarget(T.accident, targets, schools, empty.yearToDate)).toMatchObject({ actual: null, met: null, reported: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  aimWords,
  earlyWarnings,
  meanOf,
  proposeTargets,
  warningMessage,
  yearlyTrend,
  type AnalyticsSchool,
  type Period,
  type QuarterReport,
  type ReportValues,
  type Target,
  type TargetDefinition,
} from '../src/index.js';

const school = (id: number, type: AnalyticsSchool['type'] = 'primary'): AnalyticsSchool => ({
  id,
  type,
  location: 'rural',
  hasCanteen: false,
  buildingAreaM2: 2000,
  siteAreaM2: 6000,
});

/** One report per quarter; `values(q)` gives the quarter's values. */
function quarters(schoolId: number, year: number, values: (q: number) => ReportValues, which = [1, 2, 3, 4]): QuarterReport[] {
  return which.map((q) => ({ schoolId, period: `${year}Q${q}` as Period, values: values(q) }));
}

let nextId = 100;
const target = (t: Partial<TargetDefinition> & Pick<TargetDefinition, 'indicator' | 'kind' | 'comparator' | 'value'>, year: number): Target => ({
  measure: 'value',
  statusValue: null,
  schoolTypes: null,
  schoolId: null,
  ...t,
  id: nextId++,
  countyId: 1,
  year,
});

const SYMBOLS = /[≥≤=<>]/;

describe('the arithmetic a proposal rests on', () => {
  it('trend: the mean yearly change between the first and last known points', () => {
    expect(
      yearlyTrend([
        { year: 2024, value: 90 },
        { year: 2025, value: 92 },
        { year: 2026, value: 94 },
      ]),
    ).toBe(2);
    // A missing middle year does not matter; a missing first year shortens the span.
    expect(
      yearlyTrend([
        { year: 2024, value: 80 },
        { year: 2025, value: null },
        { year: 2026, value: 90 },
      ]),
    ).toBe(5);
    expect(
      yearlyTrend([
        { year: 2024, value: null },
        { year: 2025, value: 10 },
        { year: 2026, value: 13 },
      ]),
    ).toBe(3);
    expect(yearlyTrend([{ year: 2026, value: 13 }])).toBeNull();
    expect(meanOf([-10, -5, null, -5])).toBeCloseTo(-20 / 3, 9);
  });
});

describe('proposeTargets: each-school liability insurance (hand-computed)', () => {
  // Rates are insured ÷ enrolled × 100 with 100 enrolled, so each school's rate is its insured count.
  const rates: Record<number, (number | null)[]> = {
    1: [90, 92, 94], // +2 a year → 96
    2: [100, 100, 100], // → 100
    3: [80, 85, 90], // +5 a year → 95
    4: [95, 94, 93], // −1 a year → 92
    5: [null, null, 98], // one year only → 98
  };
  const schools = [1, 2, 3, 4, 5].map((id) => school(id));
  const reports = Object.entries(rates).flatMap(([id, values]) =>
    values.flatMap((rate, i) => (rate === null ? [] : quarters(Number(id), 2024 + i, () => ({ students_enrolled: 100, liability_insured: rate })))),
  );
  const previous = target({ indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 90 }, 2026);
  const names = new Map(schools.map((s) => [s.id, `第${s.id}小学`]));
  const proposals = proposeTargets({ year: 2027, schools, reports, previousTargets: [previous], names });
  const p = proposals.find((x) => x.proposal.indicator === 'liability_rate')!;

  it('the county trend over three years', () => {
    // 2024: (90+100+80+95) ÷ 400 = 91.25%; 2025: (92+100+85+94) ÷ 400 = 92.75%; 2026: 475 ÷ 500 = 95%.
    expect(p.trend.points.map((pt) => pt.value)).toEqual([91.25, 92.75, 95]);
    expect(p.trend.perYear).toBeCloseTo((95 - 91.25) / 2, 9);
  });

  it('the spread across schools this year: median and quartiles (linear interpolation, as QUARTILE.INC)', () => {
    // 2026 sorted: 90, 93, 94, 98, 100 → q1 at position 1 = 93, median 94, q3 at position 3 = 98.
    expect(p.spread).toMatchObject({ count: 5, min: 90, q1: 93, median: 94, q3: 98, max: 100 });
  });

  it('this year’s attainment of last year’s target', () => {
    expect(p.attainment).toEqual({ actual: null, met: true, schoolsMet: 5, schools: 5 });
  });

  it('the proposed value: the lower quartile of the schools’ own trends, never below last year’s target', () => {
    // Projections 96, 100, 95, 92, 98 → sorted 92, 95, 96, 98, 100 → q1 = 95 (more demanding than last year's 90).
    expect(p.outlooks.map((o) => o.projected)).toEqual([96, 100, 95, 92, 98]);
    expect(p.proposal).toMatchObject({ kind: 'each_school', comparator: 'gte', value: 95 });
    expect(p.projection).toMatchObject({ meeting: 4, of: 5 });
    expect(p.expectedToMiss).toEqual([4]);
  });

  it('a higher target of last year is kept; more schools are then expected to miss, furthest first', () => {
    const strict = target({ indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 100 }, 2026);
    const q = proposeTargets({ year: 2027, schools, reports, previousTargets: [strict], names }).find((x) => x.proposal.indicator === 'liability_rate')!;
    expect(q.proposal.value).toBe(100);
    // Shortfalls: school 4 by 8, 3 by 5, 1 by 4, 5 by 2.
    expect(q.expectedToMiss).toEqual([4, 3, 1, 5]);
    expect(q.attainment).toMatchObject({ met: false, schoolsMet: 1 });
    expect(q.reasoning.join('')).toContain('预计未能达到的学校4所：第4小学、第3小学、第1小学、第5小学。');
  });

  it('reasons in Chinese from the data, without comparison symbols', () => {
    expect(p.reasoning).toEqual([
      '近三年全县校方责任险参保率：2024年91.3%，2025年92.8%，2026年95%；年均提高1.9个百分点。',
      '2026年各校（5所）中位数94%，下四分位数93%，上四分位数98%。',
      '上年目标每所学校校方责任险参保率达到90%以上，5所学校中5所达到，已完成。',
      '按各校自身趋势推算，取下四分位数，建议每所学校校方责任险参保率达到95%以上。',
      '各校按自身趋势发展，预计5所学校中4所能够达到。',
      '预计未能达到的学校1所：第4小学。',
    ]);
    for (const x of proposals) for (const line of x.reasoning) expect(line).not.toMatch(SYMBOLS);
  });

  it('core targets without any data are not proposed', () => {
    expect(proposals.map((x) => x.proposal.indicator)).not.toContain('internship_rate');
    expect(proposals.map((x) => x.proposal.indicator)).not.toContain('green_area_added_m2');
  });
});

describe('proposeTargets: county change in energy per person (hand-computed)', () => {
  // One school, 90 students and 10 staff, electricity only: the change in energy per person is the change in kWh.
  const kwh: Record<number, number> = { 2023: 40_000, 2024: 36_000, 2025: 34_200, 2026: 32_490 };
  const reports = Object.entries(kwh).flatMap(([year, total]) =>
    quarters(1, Number(year), () => ({ students_enrolled: 90, staff_count: 10, electricity_kwh: total / 4 })),
  );
  const previous = target({ indicator: 'energy_kgce_per_person', kind: 'county_total', measure: 'change_percent', comparator: 'lte', value: -5 }, 2026);
  const p = proposeTargets({ year: 2027, schools: [school(1)], reports, previousTargets: [previous] }).find(
    (x) => x.proposal.indicator === 'energy_kgce_per_person',
  )!;

  it('the yearly changes, their mean, and the proposal (never less demanding than a target met)', () => {
    // 2024: −10%, 2025: −5%, 2026: −5% → mean −6.67% → −7%.
    expect(p.trend.points.map((pt) => Number(pt.value!.toFixed(6)))).toEqual([-10, -5, -5]);
    expect(p.trend.perYear).toBeCloseTo(-20 / 3, 6);
    expect(p.attainment).toMatchObject({ met: true });
    expect(p.attainment!.actual).toBeCloseTo(-5, 6);
    expect(p.proposal).toMatchObject({ measure: 'change_percent', comparator: 'lte', value: -7 });
    expect(aimWords(p.proposal, -7)).toBe('较上年降低7%以上');
    expect(p.reasoning[0]).toBe('近三年全县人均综合能耗较上年变化：2024年降低10%，2025年降低5%，2026年降低5%；平均每年降低6.7%。');
  });

  it('a county whose use rises is asked not to rise (no worse than no change)', () => {
    const rising = [30_000, 31_000, 32_000, 33_000].flatMap((total, i) =>
      quarters(1, 2023 + i, () => ({ students_enrolled: 90, staff_count: 10, electricity_kwh: total / 4 })),
    );
    const q = proposeTargets({ year: 2027, schools: [school(1)], reports: rising, previousTargets: [] }).find(
      (x) => x.proposal.indicator === 'energy_kgce_per_person',
    )!;
    expect(q.proposal.value).toBe(0);
    expect(aimWords(q.proposal, 0)).toBe('不高于上年');
  });
});

describe('proposeTargets: status counts and partial years', () => {
  it('green schools certified: this year’s count with the trend carried on', () => {
    // Certified schools: 2024: 1, 2025: 2, 2026: 4 → +1.5 a year → 5.5 → 6.
    const certifiedFrom: Record<number, number> = { 1: 2024, 2: 2025, 3: 2026, 4: 2026, 5: 9999 };
    const schools = [1, 2, 3, 4, 5].map((id) => school(id));
    const reports = schools.flatMap((s) =>
      [2024, 2025, 2026].flatMap((y) => quarters(s.id, y, () => ({ green_school_status: y >= certifiedFrom[s.id]! ? 'certified' : 'in_progress' }))),
    );
    const p = proposeTargets({ year: 2027, schools, reports, previousTargets: [] }).find((x) => x.proposal.indicator === 'green_school_status')!;
    expect(p.trend.points.map((pt) => pt.value)).toEqual([1, 2, 4]);
    expect(p.proposal).toMatchObject({ kind: 'county_total', measure: 'status_count', statusValue: 'certified', value: 6 });
    expect(p.projection).toMatchObject({ meeting: 4, of: 5 });
    expect(p.spread).toBeNull();
    expect(p.reasoning.join('')).toContain('建议全县绿色学校创建状态为“已认定”的学校达到6所以上');
  });

  it('a year not yet complete is projected and says so', () => {
    const reports = [
      ...quarters(1, 2025, () => ({ green_area_added_m2: 1000 })), // 4000 m² = 6 亩
      ...quarters(1, 2026, () => ({ green_area_added_m2: 1500 }), [1, 2]), // seasonal: 3000 × 4000 ÷ 2000 = 6000 m² = 9 亩
    ];
    const p = proposeTargets({ year: 2027, schools: [school(1)], reports, previousTargets: [] }).find((x) => x.proposal.indicator === 'green_area_added_m2')!;
    expect(p.trend.points).toEqual([
      { year: 2024, value: null, projected: false },
      { year: 2025, value: 4000, projected: false },
      { year: 2026, value: 6000, projected: true },
    ]);
    // 6000 + 2000 a year = 8000 m² = 12 亩, rounded to whole 亩.
    expect(p.proposal.value).toBeCloseTo(8000, 6);
    expect(p.reasoning[0]).toBe('近三年全县新增绿地面积：2025年6亩，2026年（全年预测）9亩；年均增加3亩。');
  });
});

describe('earlyWarnings: schools projected to miss each-school targets at year end', () => {
  const schools = [school(1), school(2), school(3)];
  const reports = [
    // School 1: last year 100, 500, 300, 100 (1000); this year 80 + 320 = 400 → 400 × 1000 ÷ 600 = 666.67 (seasonal).
    ...quarters(1, 2025, (q) => ({ plants_planted: [100, 500, 300, 100][q - 1]! })),
    ...quarters(1, 2026, (q) => ({ plants_planted: [80, 320][q - 1]! }), [1, 2]),
    // School 2: nothing last year; 300 + 300 → 600 × 4 ÷ 2 = 1200 (linear), meets.
    ...quarters(2, 2026, () => ({ plants_planted: 300 }), [1, 2]),
    // School 3: last year only Q1 (incomplete); 100 + 100 → 400 (linear), misses.
    ...quarters(3, 2025, () => ({ plants_planted: 900 }), [1]),
    ...quarters(3, 2026, () => ({ plants_planted: 100 }), [1, 2]),
  ];
  const t = target({ indicator: 'plants_planted', kind: 'each_school', comparator: 'gte', value: 1000 }, 2026);
  const county = target({ indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 95 }, 2026);
  const result = earlyWarnings({ year: 2026, schools, reports, targets: [t, county] });

  it('projects by last year’s seasonal pattern, linearly when last year is missing, and says which', () => {
    expect(result.upToQuarter).toBe(2);
    expect(result.warnings).toHaveLength(1);
    const w = result.warnings[0]!;
    expect(w.target).toBe(t);
    expect(w.schools).toBe(3);
    expect(w.atRisk.map((r) => r.schoolId)).toEqual([3, 1]);
    const [three, one] = w.atRisk;
    expect(one).toMatchObject({ method: 'seasonal', quarters: 2 });
    expect(one!.projected).toBeCloseTo(2000 / 3, 6);
    expect(three).toMatchObject({ method: 'linear', quarters: 2, projected: 400, shortfall: 600 });
  });

  it('the reminder a school receives, in words', () => {
    const [three, one] = result.warnings[0]!.atRisk;
    expect(warningMessage(t, one!)).toBe(
      '根据第一至第二季度已审核数据（按上年同期占全年的比例推算），预计本校2026年全年新植花草树木为667株，达不到新植花草树木达到1000株以上的年度目标，请及早采取措施。',
    );
    expect(warningMessage(t, three!)).toContain('上年数据不全，按已报季度平均推算');
    expect(warningMessage(t, one!)).not.toMatch(SYMBOLS);
  });

  it('nothing approved this year: nothing to project', () => {
    expect(earlyWarnings({ year: 2027, schools, reports, targets: [t] })).toEqual({ year: 2027, upToQuarter: null, warnings: [] });
  });
});

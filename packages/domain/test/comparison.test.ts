import { describe, expect, it } from 'vitest';
import {
  COMPARISON_SETTINGS,
  fitComparison,
  packComparison,
  ridge,
  scoreOf,
  solveSymmetric,
  unpackComparison,
  describeTarget,
  evaluateTarget,
  targetProblem,
  type AdjustedFigures,
  type AnalyticsSchool,
  type ComparisonProfile,
  type Frame,
  type Location,
  type SchoolType,
  type Target,
} from '../src/index.js';

/** A seeded generator (mulberry32), so the synthetic province is the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

const WHAT = { zh: '用电量', en: 'Electricity used' };

/** The true effects the synthetic schools are made with (log scale). */
const TRUE = {
  intercept: 1.5,
  students: 0.6,
  staff: 0.2,
  area: 0.3,
  boarding: Math.log(1.35),
  canteen: Math.log(1.1),
  mealDaysPer100: 0.1,
  junior: Math.log(1.2),
  rural: Math.log(0.85),
  hddPer1000: 0.25,
};

function expectedTrue(p: ComparisonProfile): number {
  return Math.exp(
    TRUE.intercept +
      TRUE.students * Math.log(p.students!) +
      TRUE.staff * Math.log(p.staff!) +
      TRUE.area * Math.log(p.buildingAreaM2) +
      (p.boarding ? TRUE.boarding : 0) +
      (p.hasCanteen ? TRUE.canteen + (TRUE.mealDaysPer100 * (p.mealDays ?? 0)) / 100 : 0) +
      (p.type === 'junior' ? TRUE.junior : 0) +
      (p.location === 'rural' ? TRUE.rural : 0) +
      (TRUE.hddPer1000 * (p.hdd ?? 0)) / 1000,
  );
}

function province(count: number, seed = 7, noise = 0.1, withClimate = true): ComparisonProfile[] {
  const r = random(seed);
  const counties = 12;
  const hddOf = (county: number) => 800 + county * 150;
  return Array.from({ length: count }, (_, i) => {
    const students = Math.round(Math.exp(Math.log(150) + r.next() * Math.log(20)));
    const staff = Math.max(5, Math.round((students / 13) * Math.exp(0.3 * r.normal())));
    const canteen = r.next() < 0.6;
    const county = i % counties;
    const p: ComparisonProfile = {
      schoolId: i + 1,
      countyId: 100 + county,
      type: (r.next() < 0.4 ? 'junior' : 'primary') as SchoolType,
      location: (['urban', 'town', 'rural'] as Location[])[Math.floor(r.next() * 3)]!,
      boarding: r.next() < 0.3,
      hasCanteen: canteen,
      buildingAreaM2: Math.round(students * 6 * Math.exp(0.35 * r.normal())),
      students,
      staff,
      mealDays: canteen ? Math.round(150 + r.next() * 80) : null,
      hdd: withClimate ? hddOf(county) : null,
      cdd: withClimate ? 120 : null,
      actual: 0,
      quarters: 4,
      windowQuarters: 4,
    };
    p.actual = expectedTrue(p) * Math.exp(noise * r.normal());
    return p;
  });
}

describe('least squares', () => {
  it('solves a symmetric positive definite system', () => {
    const x = solveSymmetric(
      [
        [4, 2, 0.4],
        [2, 5, 1],
        [0.4, 1, 3],
      ],
      [1, 2, 3],
    );
    const back = [4 * x[0]! + 2 * x[1]! + 0.4 * x[2]!, 2 * x[0]! + 5 * x[1]! + x[2]!, 0.4 * x[0]! + x[1]! + 3 * x[2]!];
    for (const [i, v] of back.entries()) expect(v).toBeCloseTo([1, 2, 3][i]!, 10);
    expect(() => solveSymmetric([[0]], [1])).toThrow();
  });

  it('recovers an exact line with a tiny penalty, and shrinks to the mean (never the intercept) with a huge one', () => {
    const xs = Array.from({ length: 50 }, (_, i) => [i, (i * 7) % 11]);
    const ys = xs.map(([a, b]) => 3 + 2 * a! - 0.5 * b!);
    const exact = ridge(xs, ys, 1e-9);
    expect(exact.intercept).toBeCloseTo(3, 5);
    expect(exact.coefficients[0]).toBeCloseTo(2, 5);
    expect(exact.coefficients[1]).toBeCloseTo(-0.5, 5);
    expect(exact.r2).toBeCloseTo(1, 8);
    const flat = ridge(xs, ys, 1e12);
    const mean = ys.reduce((s, v) => s + v, 0) / ys.length;
    expect(Math.abs(flat.coefficients[0]!)).toBeLessThan(1e-6);
    expect(flat.intercept).toBeCloseTo(mean, 4);
  });

  it('leaves a constant predictor out instead of failing', () => {
    const xs = Array.from({ length: 20 }, (_, i) => [i, 1]);
    const fit = ridge(
      xs,
      xs.map(([a]) => 1 + a!),
      1e-9,
    );
    expect(fit.used).toEqual([true, false]);
    expect(fit.coefficients[1]).toBe(0);
    expect(fit.coefficients[0]).toBeCloseTo(1, 6);
  });

  it('penalises standardised coefficients: λ=5 moves a fit on few schools more than one on many', () => {
    const shift = (ps: ComparisonProfile[]) => {
      const coef = (lambda: number) =>
        fitComparison('electricity_kwh', WHAT, ps, { ...COMPARISON_SETTINGS, lambda }).effects.find((e) => e.key === 'boarding')!.coefficient;
      return Math.abs(coef(5) - coef(1e-9));
    };
    const few = shift(province(40, 3));
    const many = shift(province(2000, 3));
    expect(many).toBeLessThan(0.005);
    expect(few).toBeGreaterThan(many);
  });
});

describe('fair comparison', () => {
  const schools = province(800);
  const model = fitComparison('electricity_kwh', WHAT, schools);

  it('recovers the known effects within tolerance', () => {
    const coef = (key: string) => model.effects.find((e) => e.key === key)!.coefficient;
    expect(model.reason).toBeNull();
    expect(coef('students')).toBeCloseTo(TRUE.students, 1);
    expect(Math.abs(coef('staff') - TRUE.staff)).toBeLessThan(0.06);
    expect(Math.abs(coef('area') - TRUE.area)).toBeLessThan(0.05);
    expect(Math.abs(coef('boarding') - TRUE.boarding)).toBeLessThan(0.03);
    expect(Math.abs(coef('type:junior') - TRUE.junior)).toBeLessThan(0.03);
    expect(Math.abs(coef('location:rural') - TRUE.rural)).toBeLessThan(0.03);
    expect(Math.abs(coef('hdd') - TRUE.hddPer1000)).toBeLessThan(0.05);
    // The reference categories are the most common type and the urban class.
    expect(model.reference).toEqual({ type: 'primary', location: 'urban' });
    expect(model.r2).toBeGreaterThan(0.9);
    const outliers = model.entries.filter((e) => e.outlier).length;
    expect(outliers).toBeLessThanOrEqual(5);
    expect(model.n).toBe(800 - outliers);
    // The cooling degree days are the same everywhere: they cannot count and are not reported as an effect.
    expect(model.effects.some((e) => e.key === 'cdd')).toBe(false);
  });

  it('words the effects in Chinese and English', () => {
    const boarding = model.effects.find((e) => e.key === 'boarding')!;
    expect(boarding.percent).toBeGreaterThan(31);
    expect(boarding.percent).toBeLessThan(39);
    expect(boarding.text.zh).toMatch(/^寄宿制学校预期用电量高约3[1-9]%$/);
    expect(boarding.text.en).toMatch(/^Boarding schools: expected electricity used about 3\d% higher$/);
    expect(model.effects.find((e) => e.key === 'location:rural')!.text.zh).toMatch(/^乡村学校预期用电量比城区学校低约1\d%$/);
    expect(model.effects.find((e) => e.key === 'type:junior')!.text.zh).toMatch(/^初级中学预期用电量比小学高约[12]\d%$/);
    expect(model.effects.find((e) => e.key === 'students')!.text.zh).toMatch(/^在校学生数每多10%，预期用电量高约5\.\d%$/);
  });

  it('scores a boarding school using 30% more than a same-size day school higher, when boarding is expected to add 35%', () => {
    const base = schools.filter((p) => !p.boarding && p.hasCanteen)[0]!;
    const day: ComparisonProfile = { ...base, schoolId: 9001, actual: expectedTrue(base) };
    const boarding: ComparisonProfile = { ...base, schoolId: 9002, boarding: true, actual: expectedTrue(base) * 1.3 };
    const fitted = fitComparison('electricity_kwh', WHAT, [...schools, day, boarding]);
    const d = fitted.entries.find((e) => e.schoolId === 9001)!;
    const b = fitted.entries.find((e) => e.schoolId === 9002)!;
    expect(b.expected! / d.expected!).toBeGreaterThan(1.3);
    expect(b.ratio!).toBeLessThan(d.ratio!);
    expect(b.score!).toBeGreaterThan(d.score!);
    // A plain per-school comparison would have put the boarding school behind.
    expect(b.actual!).toBeGreaterThan(d.actual!);
  });

  it('scores 1–100 by the share of comparable schools with a worse ratio', () => {
    const scores = model.entries.map((e) => e.score!);
    expect(Math.min(...scores)).toBe(1);
    expect(Math.max(...scores)).toBe(100);
    const sorted = [...model.entries].sort((a, b) => a.ratio! - b.ratio!);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.score!).toBeLessThanOrEqual(sorted[i - 1]!.score!);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(Math.abs(median.score! - 50)).toBeLessThanOrEqual(1);
    expect(scoreOf(1, [0.5, 0.9, 1, 1.2, 1.5], true)).toBe(50);
    expect(scoreOf(0.1, [0.5, 0.9, 1.2], false)).toBe(100);
    expect(scoreOf(9, [0.5, 0.9, 1.2], false)).toBe(1);
  });

  it('flags schools beyond ±3σ, refits without them, and still scores them', () => {
    const wrong: ComparisonProfile = { ...schools[5]!, schoolId: 9100, actual: schools[5]!.actual! * 12 };
    const fitted = fitComparison('electricity_kwh', WHAT, [...schools, wrong]);
    const e = fitted.entries.find((x) => x.schoolId === 9100)!;
    expect(e.outlier).toBe(true);
    expect(e.score).toBe(1);
    expect(fitted.n).toBeLessThanOrEqual(800);
    expect(fitted.considered).toBe(801);
    // The refit is not pulled by the wrong figure: the boarding effect is what it was without it.
    const coef = (m: typeof fitted) => m.effects.find((x) => x.key === 'boarding')!.coefficient;
    expect(Math.abs(coef(fitted) - coef(model))).toBeLessThan(0.01);
  });

  it('gives no score, with the reason, to a school with incomplete data, and none at all below the minimum of comparable schools', () => {
    const partial: ComparisonProfile = { ...schools[0]!, schoolId: 9200, quarters: 3 };
    const noStaff: ComparisonProfile = { ...schools[0]!, schoolId: 9201, staff: null };
    const fitted = fitComparison('electricity_kwh', WHAT, [...schools, partial, noStaff]);
    expect(fitted.entries.find((e) => e.schoolId === 9200)).toMatchObject({
      score: null,
      expected: null,
      reason: '本年度已审核报表3个季度，少于比较所需的4个季度',
    });
    expect(fitted.entries.find((e) => e.schoolId === 9201)).toMatchObject({ score: null, reason: '缺少教职工数' });

    const few = fitComparison('electricity_kwh', WHAT, schools.slice(0, COMPARISON_SETTINGS.minSchools - 1));
    expect(few.reason).toBe('全省本年度数据完整的可比学校仅29所，少于30所，不计算预期与得分');
    expect(few.effects).toEqual([]);
    expect(few.entries.every((e) => e.score === null && e.reason === few.reason)).toBe(true);
    expect(fitComparison('electricity_kwh', WHAT, schools.slice(0, 30)).reason).toBeNull();
  });

  it('leaves degree days out when a county has none, and keeps the rest of the model', () => {
    const mixed = schools.map((p) => (p.countyId === 100 ? { ...p, hdd: null, cdd: null } : p));
    const fitted = fitComparison('electricity_kwh', WHAT, mixed);
    expect(fitted.climate).toEqual({ hdd: false, cdd: false });
    expect(fitted.effects.some((e) => e.key === 'hdd')).toBe(false);
    expect(fitted.n).toBeGreaterThan(700);
  });

  it('keeps and restores a model exactly enough', () => {
    const back = unpackComparison(packComparison(model));
    expect(back.effects).toEqual(model.effects);
    expect(back.entries.length).toBe(model.entries.length);
    back.entries.forEach((e, i) => {
      expect(e.score).toBe(model.entries[i]!.score);
      expect(e.ratio!).toBeCloseTo(model.entries[i]!.ratio!, 6);
    });
  });
});

describe('targets on the comparison', () => {
  const base = { indicator: 'electricity_kwh', kind: 'each_school' as const, statusValue: null, schoolTypes: null, schoolId: null };
  const target = (measure: 'score' | 'expected_ratio', comparator: 'gte' | 'lte', value: number): Target => ({
    ...base,
    id: 1,
    countyId: 1,
    year: 2026,
    measure,
    comparator,
    value,
  });
  const school = (id: number): AnalyticsSchool => ({ id, type: 'primary', location: 'urban', hasCanteen: false, buildingAreaM2: 1000, siteAreaM2: 2000 });
  const frame = (adjusted?: AdjustedFigures): Frame => ({ windows: [], comparable: { current: [], previous: [] }, adjusted });

  it('accepts a score or ratio target for each school on electricity, water and energy, and names the rule otherwise', () => {
    expect(targetProblem({ ...base, measure: 'score', comparator: 'gte', value: 50 })).toBeNull();
    expect(describeTarget({ ...base, measure: 'score', comparator: 'gte', value: 50 })).toBe('每所学校用电量能效得分不低于50');
    expect(describeTarget({ ...base, measure: 'expected_ratio', comparator: 'lte', value: 1.1 })).toBe('每所学校用电量实际与预期之比≤1.1');
    expect(targetProblem({ ...base, indicator: 'gas_m3', measure: 'score', comparator: 'gte', value: 50 })?.message).toBe(
      '按实际与预期之比或能效得分设定的目标只适用于用电量、用水量、综合能耗。',
    );
    expect(targetProblem({ ...base, kind: 'county_total', measure: 'score', comparator: 'gte', value: 50 })?.field).toBe('kind');
    expect(targetProblem({ ...base, measure: 'score', comparator: 'gte', value: 150 })?.message).toBe(
      '能效得分目标应在1至100之间（如50表示不低于半数可比学校）。',
    );
    expect(targetProblem({ ...base, measure: 'expected_ratio', comparator: 'lte', value: 0 })?.field).toBe('value');
  });

  it('measures each school on its score; schools without one are left out, and none scored means not measurable rather than pending', () => {
    const t = target('score', 'gte', 50);
    const schools = [school(1), school(2), school(3)];
    const figures = new Map([
      [1, { ratio: 0.8, score: 70, reason: null }],
      [2, { ratio: 1.3, score: 20, reason: null }],
      [3, { ratio: null, score: null, reason: '缺少教职工数' }],
    ]);
    const r = evaluateTarget(t, [t], schools, frame(new Map([['electricity_kwh', figures]])));
    expect(r.met).toBe(false);
    expect(r.schools).toBe(2);
    expect(r.checks!.map((c) => [c.schoolId, c.met])).toEqual([
      [2, false],
      [1, true],
    ]);
    const ratio = target('expected_ratio', 'lte', 1.4);
    expect(evaluateTarget(ratio, [ratio], schools, frame(new Map([['electricity_kwh', figures]]))).met).toBe(true);

    const none = new Map([[1, { ratio: null, score: null, reason: '全省本年度数据完整的可比学校仅12所，少于30所，不计算预期与得分' }]]);
    const unmeasured = evaluateTarget(t, [t], schools, frame(new Map([['electricity_kwh', none]])));
    expect(unmeasured.met).toBeNull();
    expect(unmeasured.unmeasured).toBe('全省本年度数据完整的可比学校仅12所，少于30所，不计算预期与得分');
    expect(evaluateTarget(t, [t], schools, frame()).unmeasured).toBe('尚未计算按特征调整的比较');
  });
});

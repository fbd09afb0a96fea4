import { describe, expect, it } from 'vitest';
import { normaliseValues, validateReport, type ReportIssue, type ReportValues } from '../src/index.js';

const primary = { type: 'primary' as const, hasCanteen: true, buildingAreaM2: 8_000, siteAreaM2: 20_000 };
const noCanteen = { ...primary, hasCanteen: false };
const vocational = { ...primary, type: 'vocational' as const };

const rules = (issues: ReportIssue[]) => issues.map((i) => `${i.code}:${i.rule}:${i.severity}`);
const check = (values: ReportValues, extra: Partial<Parameters<typeof validateReport>[1]> = {}) =>
  validateReport(values, { school: primary, period: '2026Q1', ...extra });

describe('normaliseValues', () => {
  it('refuses unknown codes and values for derived indicators', () => {
    const { issues } = normaliseValues({ nonsense: 1, liability_rate: 100 }, primary);
    expect(rules(issues)).toEqual(['nonsense:unknown:error', 'liability_rate:derived:error']);
    expect(issues[1]!.message).toBe('校方责任险参保率由系统计算，不需要填报。');
  });

  it('refuses internship figures from a non-vocational school and canteen figures without a canteen', () => {
    expect(rules(normaliseValues({ interns: 10 }, primary).issues)).toEqual(['interns:not_applicable:error']);
    expect(normaliseValues({ interns: 10 }, primary).issues[0]!.message).toBe('顶岗实习学生数仅由中等职业学校填报。');
    expect(normaliseValues({ canteen_staff: 5 }, noCanteen).issues[0]!.message).toBe('本校无食堂，不填报食堂从业人员数。');
    expect(normaliseValues({ interns: 10 }, vocational).issues).toEqual([]);
  });

  it('reports type errors and keeps the readable values', () => {
    const { values, issues } = normaliseValues({ students_enrolled: '1,200', staff_count: 'many' }, primary);
    expect(values).toEqual({ students_enrolled: 1200 });
    expect(rules(issues)).toEqual(['staff_count:type:error']);
  });
});

describe('validateReport: errors', () => {
  it('checks ranges, naming the indicator, the bounds and the value', () => {
    const issues = check({ meal_days: 120 });
    expect(rules(issues)).toEqual(['meal_days:range:error']);
    expect(issues[0]!.message).toBe('供餐天数应在0至92天之间，填报值为120。');
  });

  it('refuses more insured students than enrolled (every insurance type)', () => {
    const issues = check({ students_enrolled: 500, liability_insured: 501, accident_insured: 480, medical_insured: 900 });
    expect(rules(issues)).toEqual(['liability_insured:at_most:error', 'medical_insured:at_most:error']);
    expect(issues[0]!.message).toBe('校方责任险参保人数（501）不能大于在校学生数（500）。');
  });

  it('refuses more certified staff than staff, more rectified than found, more 陪餐 days than meal days', () => {
    const issues = check({ canteen_staff: 10, canteen_staff_certified: 11, issues_found: 2, issues_rectified: 3, meal_days: 60, accompany_meal_days: 61 });
    expect(rules(issues)).toEqual(['canteen_staff_certified:at_most:error', 'accompany_meal_days:at_most:error', 'issues_rectified:at_most:error']);
  });

  it('refuses insured interns above interns and green area above the site area', () => {
    const issues = validateReport({ interns: 100, internship_insured: 120, green_area_total_m2: 25_000 }, { school: vocational, period: '2026Q1' });
    expect(rules(issues)).toEqual(['internship_insured:at_most:error', 'green_area_total_m2:at_most:error']);
    expect(issues[1]!.message).toContain('学校占地面积（20,000平方米）');
  });

  it('requires every applicable indicator on submission, but not in a draft', () => {
    expect(check({})).toEqual([]);
    const missing = check({}, { forSubmission: true });
    expect(missing.map((i) => i.code)).toContain('students_enrolled');
    expect(missing.map((i) => i.code)).not.toContain('interns');
    expect(missing.find((i) => i.code === 'students_enrolled')!.message).toBe('请填写在校学生数。');
  });

  it('requires a level once a green school is certified, and a date once a grade is given', () => {
    const issues = check({ green_school_status: 'certified', food_safety_grade: 'A' });
    expect(rules(issues)).toEqual(['green_school_level:required_when:error', 'food_safety_grade_date:required_when:error']);
    expect(issues[0]!.message).toBe('绿色学校创建状态为“已认定”时，必须填写绿色学校认定级别。');
    expect(check({ green_school_status: 'in_progress', food_safety_grade: 'none' })).toEqual([]);
  });

  it('refuses a grade date after the quarter', () => {
    const issues = check({ food_safety_grade: 'A', food_safety_grade_date: '2026-04-02' });
    expect(rules(issues)).toEqual(['food_safety_grade_date:date_after_period:error']);
  });
});

describe('validateReport: warnings', () => {
  it('flags answers the rules do not expect: premiums collected by the school, no 明厨亮灶, no samples kept', () => {
    const issues = check({ accident_premium_collected_by_school: true, open_kitchen: false, sample_retention_compliant: false, food_liability_insured: true });
    expect(rules(issues)).toEqual([
      'accident_premium_collected_by_school:expected:warning',
      'open_kitchen:expected:warning',
      'sample_retention_compliant:expected:warning',
    ]);
    expect(issues[0]!.message).toBe('学校是否代收学平险保费为“是”，与规定不符，请说明情况。');
  });

  it('flags a grade older than 12 months', () => {
    const issues = check({ food_safety_grade: 'B', food_safety_grade_date: '2025-01-10' });
    expect(rules(issues)).toEqual(['food_safety_grade_date:stale:warning']);
  });

  it('flags a big move on the same quarter last year', () => {
    const issues = check({ electricity_kwh: 160_000, water_m3: 5_000 }, { lastYear: { electricity_kwh: 100_000, water_m3: 4_800 } });
    expect(rules(issues)).toEqual(['electricity_kwh:jump:warning']);
    expect(issues[0]!.message).toBe('用电量较上年同期增加60.0%（上年同期100,000），超过50%，请说明原因。');
  });

  it('flags a school far from its peers on normalised indicators', () => {
    const values = { electricity_kwh: 400_000, students_enrolled: 900, staff_count: 100 };
    const issues = check(values, { peerMedians: { energy_kgce_per_person: 10 } });
    expect(rules(issues)).toEqual(['electricity_kwh:peer_outlier:warning']);
    expect(issues[0]!.message).toContain('同类学校中位数');
    expect(check(values, { peerMedians: { energy_kgce_per_person: 40 } })).toEqual([]);
  });
});

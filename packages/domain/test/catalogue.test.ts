import { describe, expect, it } from 'vitest';
import {
  applies,
  coerceValue,
  evaluateFormula,
  formulaIndicators,
  indicator,
  indicatorInputs,
  INDICATORS,
  inputIndicatorsFor,
  reportInputs,
  FIGURE_INDICATORS,
  figureIndicator,
  isFigure,
  practiceIndicator,
  targetProblem,
} from '../src/index.js';

const CONTRACT = {
  basics: ['students_enrolled', 'staff_count', 'meal_days'],
  insurance: [
    'liability_insured',
    'accident_insured',
    'accident_premium_collected_by_school',
    'medical_insured',
    'food_liability_insured',
    'interns',
    'internship_insured',
    'injury_incidents',
    'injury_claims_settled',
    'injury_claims_paid_yuan',
    'liability_rate',
    'accident_rate',
    'medical_rate',
    'internship_rate',
  ],
  energy: [
    'electricity_kwh',
    'water_m3',
    'gas_m3',
    'coal_kg',
    'energy_cost_yuan',
    'water_cost_yuan',
    'water_saving_level',
    'energy_kgce',
    'energy_kgce_per_person',
    'energy_kgce_per_m2',
    'water_m3_per_person',
  ],
  green: [
    'green_school_status',
    'green_school_level',
    'garden_unit_level',
    'greening_investment_yuan',
    'plants_planted',
    'green_area_added_m2',
    'green_area_total_m2',
    'greening_rate',
  ],
  canteen: [
    'canteen_operation',
    'food_safety_grade',
    'food_safety_grade_date',
    'assured_canteen_status',
    'open_kitchen',
    'canteen_staff',
    'canteen_staff_certified',
    'accompany_meal_days',
    'sample_retention_compliant',
    'inspections',
    'issues_found',
    'issues_rectified',
    'food_incidents',
    'health_cert_rate',
    'rectification_rate',
    'accompany_meal_rate',
  ],
};

describe('practice texts (本季度主要做法)', () => {
  const PRACTICES = { insurance: 'insurance_practice', energy: 'energy_practice', green: 'green_practice', canteen: 'canteen_practice' } as const;

  it('are one optional text per domain of the summary, at most 500 characters, the canteen one for canteen schools only', () => {
    for (const [domain, code] of Object.entries(PRACTICES)) {
      const ind = indicator(code);
      expect(practiceIndicator(domain as keyof typeof PRACTICES)).toBe(ind);
      expect(ind).toMatchObject({ domain, valueType: 'text', kind: 'note', maxLength: 500, unit: 'none' });
      expect(ind.name.zh).toContain('本季度主要做法');
    }
    expect(practiceIndicator('basics')).toBeUndefined();
    expect(inputIndicatorsFor({ type: 'primary', hasCanteen: false }).map((i) => i.code)).not.toContain('canteen_practice');
    expect(inputIndicatorsFor({ type: 'primary', hasCanteen: true }).map((i) => i.code)).toContain('canteen_practice');
  });

  it('are no figures: not shown, ranked or targeted', () => {
    for (const code of Object.values(PRACTICES)) {
      expect(isFigure(indicator(code))).toBe(false);
      expect(FIGURE_INDICATORS.map((i) => i.code)).not.toContain(code);
      expect(() => figureIndicator(code)).toThrow('是学校填写的文字，不能统计或排名');
    }
    expect(INDICATORS.filter((i) => !isFigure(i)).map((i) => i.code)).toEqual(Object.values(PRACTICES));
    const target = {
      indicator: 'energy_practice',
      kind: 'county_total',
      measure: 'value',
      comparator: 'eq',
      value: '节能',
      statusValue: null,
      schoolTypes: null,
      schoolId: null,
    } as const;
    expect(targetProblem(target)).toEqual({ field: 'indicator', message: '节能降耗本季度主要做法是学校填写的文字，不能设定目标。' });
  });
});

describe('the indicator catalogue', () => {
  it('holds every contract code in its domain, each once', () => {
    const codes = INDICATORS.map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [domain, list] of Object.entries(CONTRACT)) {
      for (const code of list) expect(indicator(code).domain, code).toBe(domain);
    }
  });

  it('is internally consistent: names, options, formulas and cross-checks point at real indicators', () => {
    for (const ind of INDICATORS) {
      expect(ind.name.zh.length, ind.code).toBeGreaterThan(1);
      expect(ind.name.en.length, ind.code).toBeGreaterThan(1);
      if (ind.valueType === 'enum') expect(ind.options?.length, ind.code).toBeGreaterThan(1);
      expect(ind.kind === 'derived', ind.code).toBe(ind.formula !== undefined);
      for (const code of ind.formula ? formulaIndicators(ind.formula) : []) expect(indicator(code).kind).not.toBe('derived');
      for (const limit of ind.atMost ?? []) if ('indicator' in limit) expect(indicator(limit.indicator)).toBeDefined();
      if (ind.requiredWhen) expect(indicator(ind.requiredWhen.indicator).kind).toBe('status');
      if (ind.min !== undefined && ind.max !== undefined) expect(ind.min).toBeLessThan(ind.max);
    }
  });

  it('computes every indicator from its inputs alone (what a one-indicator league table reads from the database)', () => {
    const school = { type: 'vocational' as const, hasCanteen: true, buildingAreaM2: 8000, siteAreaM2: 20000 };
    const values: Record<string, number | string | boolean> = {};
    INDICATORS.forEach((ind, i) => {
      if (ind.kind === 'derived') return;
      values[ind.code] =
        ind.valueType === 'boolean' ? i % 2 === 0 : ind.valueType === 'enum' ? ind.options![0]!.value : ind.valueType === 'date' ? '2026-03-01' : 100 + i * 7;
    });
    for (const ind of INDICATORS) {
      const only = Object.fromEntries(indicatorInputs(ind).map((code) => [code, values[code]]));
      if (ind.formula) {
        expect(evaluateFormula(ind.formula, reportInputs(only, school), '2026Q1'), ind.code).toBe(
          evaluateFormula(ind.formula, reportInputs(values, school), '2026Q1'),
        );
        expect(evaluateFormula(ind.formula, reportInputs(only, school), '2026Q1'), ind.code).not.toBeNull();
      } else {
        expect(only, ind.code).toEqual({ [ind.code]: values[ind.code] });
      }
    }
  });

  it('applies internship indicators to vocational schools only, canteen ones to schools with a canteen', () => {
    const primary = { type: 'primary' as const, hasCanteen: false };
    const vocational = { type: 'vocational' as const, hasCanteen: true };
    expect(applies(indicator('internship_insured'), primary)).toBe(false);
    expect(applies(indicator('internship_insured'), vocational)).toBe(true);
    expect(applies(indicator('food_safety_grade'), primary)).toBe(false);
    const codes = inputIndicatorsFor(primary).map((i) => i.code);
    expect(codes).toContain('electricity_kwh');
    expect(codes).not.toContain('meal_days');
    expect(codes).not.toContain('liability_rate');
  });
});

describe('coerceValue', () => {
  it('reads numbers stored as text, with full-width digits and thousands separators', () => {
    expect(coerceValue(indicator('electricity_kwh'), '１２，３４５.５')).toEqual({ ok: true, value: 12345.5 });
    expect(coerceValue(indicator('students_enrolled'), ' 2,460 ')).toEqual({ ok: true, value: 2460 });
    expect(coerceValue(indicator('students_enrolled'), '')).toEqual({ ok: true, value: null });
  });

  it('names the indicator when a value has the wrong type', () => {
    expect(coerceValue(indicator('students_enrolled'), '12.5')).toEqual({ ok: false, message: '在校学生数必须是整数。' });
    expect(coerceValue(indicator('electricity_kwh'), 'abc')).toEqual({ ok: false, message: '用电量必须是数字。' });
    expect(coerceValue(indicator('electricity_kwh'), Number.NaN)).toEqual({ ok: false, message: '用电量必须是有限的数字。' });
    expect(coerceValue(indicator('electricity_kwh'), '1,23,4')).toMatchObject({ ok: false });
    expect(coerceValue(indicator('open_kitchen'), '也许')).toMatchObject({ ok: false, message: expect.stringContaining('是”或“否') });
    expect(coerceValue(indicator('food_safety_grade'), 'D')).toMatchObject({ ok: false, message: expect.stringContaining('A级') });
    expect(coerceValue(indicator('food_safety_grade_date'), '2026-02-30')).toMatchObject({ ok: false });
  });

  it('accepts booleans, enum labels and dates written the Chinese way', () => {
    expect(coerceValue(indicator('open_kitchen'), '是')).toEqual({ ok: true, value: true });
    expect(coerceValue(indicator('open_kitchen'), false)).toEqual({ ok: true, value: false });
    expect(coerceValue(indicator('food_safety_grade'), 'A级（优秀）')).toEqual({ ok: true, value: 'A' });
    expect(coerceValue(indicator('food_safety_grade_date'), '2026年3月5日')).toEqual({ ok: true, value: '2026-03-05' });
    expect(coerceValue(indicator('food_safety_grade_date'), new Date('2026-03-05T00:00:00Z'))).toEqual({ ok: true, value: '2026-03-05' });
  });
});

describe('formulas', () => {
  const school = { type: 'primary' as const, hasCanteen: true, buildingAreaM2: 10_000, siteAreaM2: 40_000 };

  it('converts energy to standard coal with the 当量值 coefficients', () => {
    const values = { electricity_kwh: 100_000, gas_m3: 1_000, coal_kg: 0 };
    expect(evaluateFormula(indicator('energy_kgce').formula!, reportInputs(values, school), '2026Q1')).toBeCloseTo(12290 + 1214.3, 6);
  });

  it('computes per-person and per-m² intensities and rates', () => {
    const values = { electricity_kwh: 100_000, students_enrolled: 900, staff_count: 100, liability_insured: 900, green_area_total_m2: 14_000 };
    const at = (code: string) => evaluateFormula(indicator(code).formula!, reportInputs(values, school), '2026Q1');
    expect(at('energy_kgce_per_person')).toBeCloseTo(12.29, 6);
    expect(at('energy_kgce_per_m2')).toBeCloseTo(1.229, 6);
    expect(at('liability_rate')).toBe(100);
    expect(at('greening_rate')).toBe(35);
    expect(at('accident_rate')).toBeNull();
  });

  it('gives a group rate as a ratio of sums, not an average of rates (seed 003: 45,337 insured, 95.9%)', () => {
    const totals = { accident_insured: 45_337, students_enrolled: 47_275 };
    const rate = evaluateFormula(indicator('accident_rate').formula!, reportInputs(totals, school), '2025Q4')!;
    expect(rate.toFixed(1)).toBe('95.9');
  });

  it('returns null when the denominator is zero', () => {
    const values = { issues_found: 0, issues_rectified: 0 };
    expect(evaluateFormula(indicator('rectification_rate').formula!, reportInputs(values, school), '2026Q1')).toBeNull();
  });
});

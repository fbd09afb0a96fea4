import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applies,
  evaluateFormula,
  formulaIndicators,
  indicator,
  INDICATORS,
  normaliseValues,
  periodEndDate,
  reportInputs,
  validateReport,
  type Indicator,
  type IndicatorValue,
  type ReportIssue,
  type ReportValues,
  type SchoolAttributes,
} from '../src/index.js';

/**
 * Every rule of every indicator, generated from the catalogue: adding an indicator (or a rule to one) adds its tests.
 * A rule the generator does not know fails the first test until a generated test covers it.
 */

const RULE_KEYS = [
  'valueType',
  'min',
  'max',
  'options',
  'atMost',
  'appliesTo',
  'requiredWhen',
  'expected',
  'jumpPercent',
  'peerFactor',
  'maxAgeMonths',
  'maxLength',
  'formula',
];
const DESCRIPTIVE_KEYS = ['code', 'name', 'domain', 'unit', 'kind', 'better', 'reportUnit', 'help'];
// Rules checked outside validateReport, with tests of their own: `evidence` (evidenceFindings, test/evidence.test.ts).
const OTHER_RULE_KEYS = ['evidence'];

const PERIOD = '2026Q1';
const PERIOD_END = periodEndDate(PERIOD);
const base: SchoolAttributes = { type: 'primary', hasCanteen: true, buildingAreaM2: 8_000, siteAreaM2: 20_000 };
/** A school the indicator applies to. */
const schoolFor = (ind: Indicator): SchoolAttributes =>
  ind.appliesTo?.types && !ind.appliesTo.types.includes('primary') ? { ...base, type: ind.appliesTo.types[0]! } : base;

const inputs = INDICATORS.filter((i) => i.kind !== 'derived');
const derived = INDICATORS.filter((i) => i.kind === 'derived');
const has = <K extends keyof Indicator>(key: K) => inputs.filter((i) => i[key] !== undefined);

/** A value the indicator accepts on its own. */
function validValue(ind: Indicator): IndicatorValue {
  switch (ind.valueType) {
    case 'integer':
    case 'decimal':
      return ind.min ?? 0;
    case 'boolean':
      return typeof ind.expected === 'boolean' ? ind.expected : true;
    case 'enum':
      return typeof ind.expected === 'string' ? ind.expected : ind.options![0]!.value;
    case 'date':
      return PERIOD_END;
    case 'text':
      return '组织全体教职工学习《学生安全管理办法》，逐班开展安全教育。';
  }
}

const rules = (issues: ReportIssue[], code: string, rule: ReportIssue['rule']) => issues.filter((i) => i.code === code && i.rule === rule);
const check = (ind: Indicator, values: ReportValues, extra: Partial<Parameters<typeof validateReport>[1]> = {}) =>
  validateReport(values, { school: schoolFor(ind), period: PERIOD, ...extra });

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('the rule generator', () => {
  it('knows every kind of rule the catalogue uses', () => {
    for (const ind of INDICATORS) {
      for (const key of Object.keys(ind)) expect([...RULE_KEYS, ...DESCRIPTIVE_KEYS, ...OTHER_RULE_KEYS], `${ind.code}.${key}`).toContain(key);
    }
  });

  it('covers every kind of rule at least once', () => {
    for (const key of RULE_KEYS)
      expect(
        INDICATORS.some((i) => i[key as keyof Indicator] !== undefined),
        key,
      ).toBe(true);
  });
});

describe.each(inputs.map((i) => [i.code, i] as const))('type of %s', (_code, ind) => {
  const school = schoolFor(ind);
  const BAD: Record<Indicator['valueType'], { raw: unknown; message: string }[]> = {
    integer: [
      { raw: '12.5', message: `${ind.name.zh}必须是整数。` },
      { raw: '十二', message: `${ind.name.zh}必须是数字。` },
    ],
    decimal: [
      { raw: 'abc', message: `${ind.name.zh}必须是数字。` },
      { raw: Number.POSITIVE_INFINITY, message: `${ind.name.zh}必须是有限的数字。` },
    ],
    boolean: [{ raw: '也许', message: `${ind.name.zh}只能填“是”或“否”。` }],
    enum: [{ raw: '不存在的选项', message: `${ind.name.zh}只能是：${(ind.options ?? []).map((o) => o.label.zh).join('、')}。` }],
    date: [
      { raw: '2026-02-30', message: `${ind.name.zh}不是有效的日期：2026-02-30。` },
      { raw: '下个月', message: `${ind.name.zh}必须是日期（如 2026-03-15）。` },
    ],
    text: [
      { raw: 42, message: `${ind.name.zh}必须是文字。` },
      { raw: '做'.repeat((ind.maxLength ?? 0) + 1), message: `${ind.name.zh}不能超过${ind.maxLength}字，现为${(ind.maxLength ?? 0) + 1}字，请精简。` },
    ],
  };

  it.each(BAD[ind.valueType])('refuses $raw, naming the indicator and the type', ({ raw, message }) => {
    const { values, issues } = normaliseValues({ [ind.code]: raw }, school);
    expect(values).toEqual({});
    expect(issues).toEqual([{ code: ind.code, rule: 'type', severity: 'error', message }]);
  });

  it('accepts a valid value, also written as text', () => {
    const value = validValue(ind);
    const text =
      typeof value === 'boolean' ? (value ? '是' : '否') : ind.valueType === 'enum' ? ind.options!.find((o) => o.value === value)!.label.zh : String(value);
    expect(normaliseValues({ [ind.code]: text }, school)).toEqual({ values: { [ind.code]: value }, issues: [] });
  });
});

describe.each(has('min').map((i) => [i.code, i] as const))('range of %s', (_code, ind) => {
  const step = ind.valueType === 'integer' ? 1 : 0.5;
  it(`refuses below ${ind.min} and above ${ind.max}, accepts both bounds`, () => {
    for (const bad of [ind.min! - step, ind.max! + step]) {
      const issues = rules(check(ind, { [ind.code]: bad }), ind.code, 'range');
      expect(issues, String(bad)).toHaveLength(1);
      expect(issues[0]!.severity).toBe('error');
      expect(issues[0]!.message).toContain(ind.name.zh);
      expect(issues[0]!.message).toContain(`填报值为${bad.toLocaleString('zh-CN')}`);
    }
    for (const good of [ind.min!, ind.max!]) expect(rules(check(ind, { [ind.code]: good }), ind.code, 'range'), String(good)).toEqual([]);
  });
});

describe.each(has('atMost').map((i) => [i.code, i] as const))('cross-checks of %s', (_code, ind) => {
  it.each(ind.atMost!.map((limit) => ['indicator' in limit ? limit.indicator : limit.attribute, limit] as const))('may not exceed %s', (_name, limit) => {
    if ('indicator' in limit) {
      const other = indicator(limit.indicator);
      const cap = Math.min(ind.max ?? 10_000, other.max ?? 10_000) - 1;
      const over = check(ind, { [limit.indicator]: cap, [ind.code]: cap + 1 });
      expect(rules(over, ind.code, 'at_most')).toEqual([
        {
          code: ind.code,
          rule: 'at_most',
          severity: 'error',
          message: `${ind.name.zh}（${(cap + 1).toLocaleString('zh-CN')}）不能大于${other.name.zh}（${cap.toLocaleString('zh-CN')}）。`,
        },
      ]);
      expect(rules(check(ind, { [limit.indicator]: cap, [ind.code]: cap }), ind.code, 'at_most')).toEqual([]);
    } else {
      const site = schoolFor(ind)[limit.attribute];
      const over = rules(check(ind, { [ind.code]: site + 1 }), ind.code, 'at_most');
      expect(over).toHaveLength(1);
      expect(over[0]!.message).toContain('学校占地面积');
      expect(rules(check(ind, { [ind.code]: site }), ind.code, 'at_most')).toEqual([]);
    }
  });
});

describe.each(has('appliesTo').map((i) => [i.code, i] as const))('who reports %s', (_code, ind) => {
  const rule = ind.appliesTo!;
  const outsiders: SchoolAttributes[] = [];
  if (rule.types) outsiders.push({ ...base, type: (['primary', 'kindergarten', 'senior'] as const).find((t) => !rule.types!.includes(t))! });
  if (rule.canteen) outsiders.push({ ...schoolFor(ind), hasCanteen: false });

  it.each(outsiders.map((s) => [`${s.type}${s.hasCanteen ? '' : ' without canteen'}`, s] as const))(
    'refuses the figure from a %s, and does not ask for it',
    (_label, school) => {
      const { issues } = normaliseValues({ [ind.code]: validValue(ind) }, school);
      expect(issues).toEqual([
        {
          code: ind.code,
          rule: 'not_applicable',
          severity: 'error',
          message: rule.types && !rule.types.includes(school.type) ? `${ind.name.zh}仅由中等职业学校填报。` : `本校无食堂，不填报${ind.name.zh}。`,
        },
      ]);
      expect(applies(ind, school)).toBe(false);
      expect(validateReport({}, { school, period: PERIOD, forSubmission: true }).map((i) => i.code)).not.toContain(ind.code);
    },
  );

  it('accepts it from a school it applies to', () => {
    expect(normaliseValues({ [ind.code]: validValue(ind) }, schoolFor(ind)).issues).toEqual([]);
  });
});

describe.each(has('maxLength').map((i) => [i.code, i] as const))('length of %s', (_code, ind) => {
  it(`keeps ${ind.maxLength} characters (counted as characters, not bytes), trimmed, full-width punctuation as typed`, () => {
    const full = `${'措'.repeat(ind.maxLength! - 2)}，。`;
    expect(normaliseValues({ [ind.code]: `  ${full}\r\n` }, schoolFor(ind))).toEqual({ values: { [ind.code]: full }, issues: [] });
    expect(normaliseValues({ [ind.code]: '第一条\r\n第二条' }, schoolFor(ind)).values).toEqual({ [ind.code]: '第一条\n第二条' });
  });

  it('is optional on submission and blank text is no value', () => {
    expect(rules(check(ind, {}, { forSubmission: true }), ind.code, 'required')).toEqual([]);
    expect(normaliseValues({ [ind.code]: '   ' }, schoolFor(ind))).toEqual({ values: { [ind.code]: null }, issues: [] });
  });
});

describe.each(inputs.filter((i) => !i.requiredWhen && i.kind !== 'note').map((i) => [i.code, i] as const))('submission without %s', (_code, ind) => {
  it('is refused; a draft may leave it empty', () => {
    expect(rules(check(ind, {}, { forSubmission: true }), ind.code, 'required')).toEqual([
      { code: ind.code, rule: 'required', severity: 'error', message: `请填写${ind.name.zh}。` },
    ]);
    expect(check(ind, {})).toEqual([]);
  });
});

describe.each(has('requiredWhen').map((i) => [i.code, i] as const))('%s, required only in some cases', (_code, ind) => {
  const gate = ind.requiredWhen!;
  const on = indicator(gate.indicator);
  const closed = (on.options?.map((o) => o.value) ?? [true, false]).filter((v) => !gate.in.includes(v));

  it.each(gate.in.map((v) => [String(v), v] as const))(`is required when ${gate.indicator} is %s`, (_label, v) => {
    const issues = rules(check(ind, { [gate.indicator]: v }), ind.code, 'required_when');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain(on.name.zh);
    expect(issues[0]!.message).toContain(`必须填写${ind.name.zh}`);
    expect(rules(check(ind, { [gate.indicator]: v, [ind.code]: validValue(ind) }), ind.code, 'required_when')).toEqual([]);
  });

  it('is not asked for otherwise, even on submission', () => {
    for (const v of closed)
      expect(
        check(ind, { [gate.indicator]: v }, { forSubmission: true }).filter((i) => i.code === ind.code),
        String(v),
      ).toEqual([]);
  });
});

describe.each(has('expected').map((i) => [i.code, i] as const))('the expected answer to %s', (_code, ind) => {
  it(`warns on anything but ${String(ind.expected)}, asking for an explanation`, () => {
    const others = ind.valueType === 'boolean' ? [!ind.expected] : ind.options!.map((o) => o.value).filter((v) => v !== ind.expected);
    for (const other of others) {
      const issues = rules(check(ind, { [ind.code]: other }), ind.code, 'expected');
      expect(issues).toHaveLength(1);
      expect(issues[0]!.severity).toBe('warning');
      expect(issues[0]!.message.startsWith(`${ind.name.zh}为“`)).toBe(true);
      expect(issues[0]!.message.endsWith('”，与规定不符，请说明情况。')).toBe(true);
    }
    expect(rules(check(ind, { [ind.code]: ind.expected! }), ind.code, 'expected')).toEqual([]);
  });
});

describe.each(has('jumpPercent').map((i) => [i.code, i] as const))('year-on-year moves of %s', (_code, ind) => {
  const limit = ind.jumpPercent!;
  const before = 1_000;
  const at = (percent: number) => Math.round(before * (1 + percent / 100));
  it(`warns beyond ±${limit}% on the same quarter last year, not within`, () => {
    const moves = [limit + 5, ...(limit + 5 < 100 ? [-(limit + 5)] : [])];
    for (const move of moves) {
      const issues = rules(check(ind, { [ind.code]: at(move) }, { lastYear: { [ind.code]: before } }), ind.code, 'jump');
      expect(issues, String(move)).toHaveLength(1);
      expect(issues[0]!.severity).toBe('warning');
      expect(issues[0]!.message).toContain(`较上年同期${move > 0 ? '增加' : '减少'}${Math.abs(move).toFixed(1)}%`);
      expect(issues[0]!.message).toContain(`超过${limit}%`);
    }
    for (const move of [limit - 5, -(limit - 5)])
      expect(rules(check(ind, { [ind.code]: at(move) }, { lastYear: { [ind.code]: before } }), ind.code, 'jump'), String(move)).toEqual([]);
    // Nothing to compare with: no last year, or zero last year.
    expect(rules(check(ind, { [ind.code]: at(limit + 5) }, { lastYear: { [ind.code]: 0 } }), ind.code, 'jump')).toEqual([]);
    expect(rules(check(ind, { [ind.code]: at(limit + 5) }, { lastYear: null }), ind.code, 'jump')).toEqual([]);
  });

  if (ind.kind === 'stock') {
    it(`warns beyond ±${limit}% on the previous quarter too, a stock carrying over`, () => {
      const issues = rules(check(ind, { [ind.code]: at(-(limit + 5)) }, { previousQuarter: { [ind.code]: before } }), ind.code, 'jump_quarter');
      expect(issues).toHaveLength(1);
      expect(issues[0]!.severity).toBe('warning');
      expect(issues[0]!.message).toBe(`${ind.name.zh}较上季度减少${(limit + 5).toFixed(1)}%（上季度1,000），超过${limit}%，请说明原因。`);
      expect(rules(check(ind, { [ind.code]: at(limit - 5) }, { previousQuarter: { [ind.code]: before } }), ind.code, 'jump_quarter')).toEqual([]);
    });
  } else {
    it('is not compared with the previous quarter (a flow follows the seasons)', () => {
      expect(check(ind, { [ind.code]: at(limit + 5) }, { previousQuarter: { [ind.code]: before } })).toEqual([]);
    });
  }
});

describe.each(has('maxAgeMonths').map((i) => [i.code, i] as const))('the age of %s', (_code, ind) => {
  const oldest = monthsBefore(PERIOD_END, ind.maxAgeMonths!);
  it(`warns when older than ${ind.maxAgeMonths} months at the quarter's end, refuses a date after it`, () => {
    const stale = rules(check(ind, { [ind.code]: dayBefore(oldest) }), ind.code, 'stale');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.severity).toBe('warning');
    expect(stale[0]!.message).toContain(`超过${ind.maxAgeMonths}个月`);
    expect(check(ind, { [ind.code]: oldest }).filter((i) => i.code === ind.code)).toEqual([]);
    expect(rules(check(ind, { [ind.code]: dayAfter(PERIOD_END) }), ind.code, 'date_after_period')).toEqual([
      { code: ind.code, rule: 'date_after_period', severity: 'error', message: `${ind.name.zh}（${dayAfter(PERIOD_END)}）不能晚于本季度末（${PERIOD_END}）。` },
    ]);
  });
});

describe.each(derived.filter((i) => i.peerFactor).map((i) => [i.code, i] as const))('%s against same-type peers', (_code, ind) => {
  const formula = ind.formula!;
  const first = formula.numerator[0]!;
  const target = 'indicator' in first ? first.indicator : null;
  const school = schoolFor(ind);
  const values: ReportValues = Object.fromEntries(
    formulaIndicators(formula).map((code) => [
      code,
      code === target ? 10_000 : formula.numerator.some((o) => 'indicator' in o && o.indicator === code) ? 0 : 100,
    ]),
  );
  const own = evaluateFormula(formula, reportInputs(values, school), PERIOD)!;

  it(`warns on the figure behind it when more than ${ind.peerFactor} times above or below the median`, () => {
    expect(target).not.toBeNull();
    for (const median of [own / (ind.peerFactor! * 1.1), own * ind.peerFactor! * 1.1]) {
      const issues = validateReport(values, { school, period: PERIOD, peerMedians: { [ind.code]: median } }).filter((i) => i.rule === 'peer_outlier');
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: target, severity: 'warning' });
      expect(issues[0]!.message).toContain(ind.name.zh);
      expect(issues[0]!.message).toContain('同类学校中位数');
    }
    for (const median of [own, own / (ind.peerFactor! * 0.9), own * ind.peerFactor! * 0.9]) {
      expect(validateReport(values, { school, period: PERIOD, peerMedians: { [ind.code]: median } }).filter((i) => i.rule === 'peer_outlier')).toEqual([]);
    }
    // Without a meaningful median (too few peers), nothing to compare.
    expect(validateReport(values, { school, period: PERIOD, peerMedians: {} }).filter((i) => i.rule === 'peer_outlier')).toEqual([]);
  });
});

describe.each(derived.map((i) => [i.code, i] as const))('%s, computed by the platform', (_code, ind) => {
  it('is refused as input', () => {
    expect(normaliseValues({ [ind.code]: 50 }, schoolFor(ind)).issues).toEqual([
      { code: ind.code, rule: 'derived', severity: 'error', message: `${ind.name.zh}由系统计算，不需要填报。` },
    ]);
  });
});

describe.each(derived.filter((i) => i.unit === 'percent').map((i) => [i.code, i] as const))('the rate %s', (_code, ind) => {
  const codes = formulaIndicators(ind.formula!);
  it('can only exceed 100% with figures that validation refuses as errors', () => {
    let over = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 3_000 }), { minLength: codes.length, maxLength: codes.length }),
        fc.integer({ min: 500, max: 3_000 }),
        (numbers, site) => {
          const school = { ...schoolFor(ind), siteAreaM2: site };
          const values = Object.fromEntries(codes.map((c, i) => [c, Math.min(numbers[i]!, indicator(c).max ?? Infinity)]));
          const rate = evaluateFormula(ind.formula!, reportInputs(values, school), PERIOD);
          if (rate === null || rate <= 100) return;
          over += 1;
          const errors = validateReport(values, { school, period: PERIOD }).filter((i) => i.severity === 'error' && i.rule === 'at_most');
          expect(errors.length).toBeGreaterThan(0);
        },
      ),
      { seed: 20261125, numRuns: 300 },
    );
    // The property was put to the test: many draws went over 100%.
    expect(over).toBeGreaterThan(30);
  });
});

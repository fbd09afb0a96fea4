import type { SchoolAttributes } from './types.js';
import { applies, findIndicator, indicator, INDICATORS, isFigure, UNIT_LABELS } from './catalogue.js';
import { evaluateFormula, reportInputs } from './formulas.js';
import { coerceValue, type IndicatorValue, type ReportValues } from './values.js';
import { daysBetween, periodEndDate, type Period } from '../periods.js';
import type { Indicator } from './types.js';

export type Severity = 'error' | 'warning';

/** One finding on a report: the indicator concerned (the form field), the rule, and a Chinese message. */
export interface ReportIssue {
  code: string;
  rule:
    | 'unknown'
    | 'derived'
    | 'not_applicable'
    | 'type'
    | 'range'
    | 'at_most'
    | 'required'
    | 'required_when'
    | 'expected'
    | 'date_after_period'
    | 'stale'
    | 'jump'
    | 'jump_quarter'
    | 'peer_outlier'
    | 'evidence';
  severity: Severity;
  message: string;
}

export interface ValidationContext {
  school: SchoolAttributes;
  period: Period;
  /** The school's own values for the same quarter last year, when it reported them. */
  lastYear?: ReportValues | null;
  /** The school's own values for the previous quarter, when it reported them: stocks should carry over. */
  previousQuarter?: ReportValues | null;
  /** Same-type schools' medians of normalised indicators for the period. */
  peerMedians?: Readonly<Record<string, number>>;
  /** Submission needs every applicable indicator; a draft may be partial. */
  forSubmission?: boolean;
}

const format = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
const withUnit = (ind: Indicator, n: number) => `${format(n)}${UNIT_LABELS[ind.unit].zh}`;

const SCHOOL_ATTRIBUTE_NAMES = { siteAreaM2: '学校占地面积' } as const;

function notApplicableMessage(ind: Indicator): string {
  if (ind.appliesTo?.types) return `${ind.name.zh}仅由中等职业学校填报。`;
  return `本校无食堂，不填报${ind.name.zh}。`;
}

/** Turns raw input into typed values, with an issue for every value that cannot be read or does not belong. */
export function normaliseValues(raw: Record<string, unknown>, school: SchoolAttributes): { values: ReportValues; issues: ReportIssue[] } {
  const values: ReportValues = {};
  const issues: ReportIssue[] = [];
  for (const [code, input] of Object.entries(raw)) {
    const ind = findIndicator(code);
    if (!ind) {
      issues.push({ code, rule: 'unknown', severity: 'error', message: `未知的指标代码：${code}。` });
      continue;
    }
    if (ind.kind === 'derived') {
      if (input !== null && input !== undefined && input !== '') {
        issues.push({ code, rule: 'derived', severity: 'error', message: `${ind.name.zh}由系统计算，不需要填报。` });
      }
      continue;
    }
    const coerced = coerceValue(ind, input);
    if (!coerced.ok) {
      issues.push({ code, rule: 'type', severity: 'error', message: coerced.message });
      continue;
    }
    if (coerced.value !== null && !applies(ind, school)) {
      issues.push({ code, rule: 'not_applicable', severity: 'error', message: notApplicableMessage(ind) });
      continue;
    }
    values[code] = coerced.value;
  }
  return { values, issues };
}

function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

/**
 * Checks a school's quarterly values against every catalogue rule. Errors (type, range, cross-checks,
 * applicability, missing values on submission) block submission; warnings (unexpected answers, stale grades,
 * big moves on last year or, for stocks, on the previous quarter, outliers among peers) need a short explanation.
 */
export function validateReport(values: ReportValues, ctx: ValidationContext): ReportIssue[] {
  const issues: ReportIssue[] = [];
  const has = (code: string) => values[code] !== null && values[code] !== undefined;
  const num = (code: string) => (typeof values[code] === 'number' ? (values[code] as number) : null);
  const periodEnd = periodEndDate(ctx.period);

  for (const ind of INDICATORS) {
    if (ind.kind === 'derived' || !applies(ind, ctx.school)) continue;
    const value: IndicatorValue | undefined = values[ind.code];
    const gate = ind.requiredWhen;
    const gateOpen = !gate || gate.in.includes(values[gate.indicator] as string | boolean);

    if (value === null || value === undefined) {
      if (gate && gateOpen && has(gate.indicator)) {
        const on = findIndicator(gate.indicator)!;
        issues.push({
          code: ind.code,
          rule: 'required_when',
          severity: 'error',
          message: `${on.name.zh}为“${optionLabel(on, values[gate.indicator]!)}”时，必须填写${ind.name.zh}。`,
        });
      } else if (ctx.forSubmission && !gate && isFigure(ind)) {
        issues.push({ code: ind.code, rule: 'required', severity: 'error', message: `请填写${ind.name.zh}。` });
      }
      continue;
    }

    if (typeof value === 'number') {
      if ((ind.min !== undefined && value < ind.min) || (ind.max !== undefined && value > ind.max)) {
        const range =
          ind.min !== undefined && ind.max !== undefined
            ? `${format(ind.min)}至${withUnit(ind, ind.max)}之间`
            : ind.min !== undefined
              ? `不小于${withUnit(ind, ind.min)}`
              : `不大于${withUnit(ind, ind.max!)}`;
        issues.push({ code: ind.code, rule: 'range', severity: 'error', message: `${ind.name.zh}应在${range}，填报值为${format(value)}。` });
        continue;
      }
      for (const limit of ind.atMost ?? []) {
        if ('indicator' in limit) {
          const other = num(limit.indicator);
          if (other !== null && value > other) {
            issues.push({
              code: ind.code,
              rule: 'at_most',
              severity: 'error',
              message: `${ind.name.zh}（${format(value)}）不能大于${indicator(limit.indicator).name.zh}（${format(other)}）。`,
            });
          }
        } else if (value > ctx.school[limit.attribute]) {
          issues.push({
            code: ind.code,
            rule: 'at_most',
            severity: 'error',
            message: `${ind.name.zh}（${withUnit(ind, value)}）不能大于${SCHOOL_ATTRIBUTE_NAMES[limit.attribute]}（${format(ctx.school[limit.attribute])}平方米）。`,
          });
        }
      }
      // The school's own history: the same quarter last year, and for stocks (which carry over) the previous quarter.
      const comparisons = [
        { rule: 'jump' as const, label: '上年同期', before: ctx.lastYear?.[ind.code] },
        ...(ind.kind === 'stock' ? [{ rule: 'jump_quarter' as const, label: '上季度', before: ctx.previousQuarter?.[ind.code] }] : []),
      ];
      for (const { rule, label, before } of comparisons) {
        if (ind.jumpPercent === undefined || typeof before !== 'number' || before <= 0) continue;
        const change = ((value - before) / before) * 100;
        if (Math.abs(change) > ind.jumpPercent) {
          issues.push({
            code: ind.code,
            rule,
            severity: 'warning',
            message: `${ind.name.zh}较${label}${change > 0 ? '增加' : '减少'}${Math.abs(change).toFixed(1)}%（${label}${format(before)}），超过${ind.jumpPercent}%，请说明原因。`,
          });
        }
      }
    }

    if (ind.expected !== undefined && value !== ind.expected) {
      issues.push({ code: ind.code, rule: 'expected', severity: 'warning', message: `${ind.name.zh}为“${optionLabel(ind, value)}”，与规定不符，请说明情况。` });
    }

    if (ind.valueType === 'date' && typeof value === 'string') {
      if (value > periodEnd) {
        issues.push({ code: ind.code, rule: 'date_after_period', severity: 'error', message: `${ind.name.zh}（${value}）不能晚于本季度末（${periodEnd}）。` });
      } else if (ind.maxAgeMonths !== undefined && value < monthsBefore(periodEnd, ind.maxAgeMonths)) {
        issues.push({
          code: ind.code,
          rule: 'stale',
          severity: 'warning',
          message: `${ind.name.zh}距本季度末已超过${ind.maxAgeMonths}个月（${daysBetween(value, periodEnd)}天），等级可能已失效，请说明。`,
        });
      }
    }
  }

  for (const ind of INDICATORS) {
    if (ind.kind !== 'derived' || !ind.peerFactor || !ind.formula || !applies(ind, ctx.school)) continue;
    const median = ctx.peerMedians?.[ind.code];
    const own = evaluateFormula(ind.formula, reportInputs(values, ctx.school), ctx.period);
    if (!median || median <= 0 || own === null) continue;
    if (own > median * ind.peerFactor || own < median / ind.peerFactor) {
      const times = own > median ? `${(own / median).toFixed(1)}倍` : `${((own / median) * 100).toFixed(0)}%`;
      issues.push({
        code: ind.formula.numerator[0] && 'indicator' in ind.formula.numerator[0] ? ind.formula.numerator[0].indicator : ind.code,
        rule: 'peer_outlier',
        severity: 'warning',
        message: `${ind.name.zh}为${withUnit(ind, own)}，是同类学校中位数（${withUnit(ind, median)}）的${times}，请核实或说明原因。`,
      });
    }
  }
  return issues;
}

function optionLabel(ind: Indicator, value: IndicatorValue): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  return ind.options?.find((o) => o.value === value)?.label.zh ?? String(value);
}

/** A school's derived figures (rates, per-person figures) computed from its report values. */
export function derivedFigures(values: ReportValues, school: SchoolAttributes, period: Period): Record<string, number | null> {
  const derived: Record<string, number | null> = {};
  for (const ind of INDICATORS) {
    if (ind.formula && applies(ind, school)) derived[ind.code] = evaluateFormula(ind.formula, reportInputs(values, school), period);
  }
  return derived;
}

/**
 * What a report form shows beside the values: the findings of a draft and the derived figures. The server sends
 * them with a report; the browser recomputes them after each autosave with the same context, so an autosave answers
 * with the stored values alone.
 */
export function draftFindings(
  values: ReportValues,
  ctx: Omit<ValidationContext, 'forSubmission'>,
): { issues: ReportIssue[]; derived: Record<string, number | null> } {
  return { issues: validateReport(values, ctx), derived: derivedFigures(values, ctx.school, ctx.period) };
}

import { changePercent, coalCoefficientsAt } from '../energy.js';
import { applies } from '../indicators/catalogue.js';
import { reportInputs, type FormulaInputs } from '../indicators/formulas.js';
import type { Formula, Indicator, Operand } from '../indicators/types.js';
import type { IndicatorValue } from '../indicators/values.js';
import { periodEndDate, type Period } from '../periods.js';
import type { SchoolWindow } from './window.js';

/** Status values are counted under a string key: enum values as they are, booleans as 'true' / 'false'. */
export const statusKey = (value: string | boolean): string => String(value);

/** Whether an indicator yields numbers (flows, stocks, derived) rather than statuses or dates. */
export const isNumeric = (ind: Indicator): boolean => ind.valueType === 'integer' || ind.valueType === 'decimal';

/** The two sums of a formula, unscaled; the denominator is null for a formula without one (a weighted sum). */
export interface RatioParts {
  numerator: number;
  denominator: number | null;
}

type Term = { indicator: string; factor: number } | { attribute: 'buildingAreaM2' | 'siteAreaM2' };
interface Compiled {
  numerator: Term[];
  denominator: Term[] | null;
}

// Coal coefficients are looked up once per quarter and each formula resolved once per quarter: league tables
// and trends evaluate the same few formulas for thousands of school-quarters.
const coefficientsByPeriod = new Map<Period, ReturnType<typeof coalCoefficientsAt>>();
const compiledByFormula = new WeakMap<Formula, Map<Period, Compiled>>();

function compile(formula: Formula, at: Period): Compiled {
  let perPeriod = compiledByFormula.get(formula);
  if (!perPeriod) compiledByFormula.set(formula, (perPeriod = new Map()));
  const cached = perPeriod.get(at);
  if (cached) return cached;
  let coefficients = coefficientsByPeriod.get(at);
  if (!coefficients) coefficientsByPeriod.set(at, (coefficients = coalCoefficientsAt(periodEndDate(at))));
  const term = (o: Operand): Term => ('attribute' in o ? { attribute: o.attribute } : { indicator: o.indicator, factor: o.coal ? coefficients![o.coal] : (o.coefficient ?? 1) });
  const compiled = { numerator: formula.numerator.map(term), denominator: formula.denominator ? formula.denominator.map(term) : null };
  perPeriod.set(at, compiled);
  return compiled;
}

function termValue(t: Term, inputs: FormulaInputs): number | null {
  if ('attribute' in t) return inputs.attribute(t.attribute);
  const v = inputs.indicator(t.indicator);
  return v === null ? null : v * t.factor;
}

/**
 * A formula's numerator and denominator for one school, so a group's rate can be Σ numerators ÷ Σ
 * denominators. Same conventions as `evaluateFormula` (a test holds them equal): a missing numerator term
 * counts as 0 while one is present; every denominator term must be present. Null when the school cannot contribute.
 */
export function formulaParts(formula: Formula, inputs: FormulaInputs, at: Period): RatioParts | null {
  const c = compile(formula, at);
  let numerator = 0;
  let present = false;
  for (const t of c.numerator) {
    const v = termValue(t, inputs);
    if (v !== null) {
      numerator += v;
      present = true;
    }
  }
  if (!present) return null;
  if (!c.denominator) return { numerator, denominator: null };
  let denominator = 0;
  for (const t of c.denominator) {
    const v = termValue(t, inputs);
    if (v === null) return null;
    denominator += v;
  }
  return { numerator, denominator };
}

/** Σ numerators ÷ Σ denominators × scale; null when the denominator is not positive. */
export function ratioOfSums(parts: readonly RatioParts[], scale = 1): number | null {
  if (!parts.length) return null;
  const numerator = parts.reduce((t, p) => t + p.numerator, 0);
  if (parts.some((p) => p.denominator === null)) return numerator * scale;
  const denominator = parts.reduce((t, p) => t + p.denominator!, 0);
  return denominator > 0 ? (numerator / denominator) * scale : null;
}

/**
 * One school's value of any indicator over its window: the aggregated input, or for a derived indicator
 * its formula over the aggregated inputs (so a rate over a year is a ratio of sums, not a mean of quarterly
 * rates). Null when the indicator does not apply to the school or the inputs are missing.
 */
export function indicatorValue(ind: Indicator, w: SchoolWindow): IndicatorValue {
  if (!applies(ind, w.school)) return null;
  if (ind.formula) {
    const parts = formulaParts(ind.formula, reportInputs(w.values, w.school), w.end);
    return parts ? ratioOfSums([parts], ind.formula.scale ?? 1) : null;
  }
  return w.values[ind.code] ?? null;
}

/**
 * A group's figure for an indicator:
 * - flows and stocks: the sum over schools (each school's window value);
 * - statuses: how many schools hold each value;
 * - derived: the ratio of the group's sums, never the mean of the schools' rates.
 * `schools` says how many schools contributed (the indicator applies and they reported the inputs).
 */
export type GroupFigure =
  | { type: 'number'; value: number | null; schools: number }
  | { type: 'counts'; counts: Record<string, number>; schools: number };

export function groupFigure(ind: Indicator, windows: readonly SchoolWindow[]): GroupFigure {
  const members = windows.filter((w) => applies(ind, w.school));
  if (ind.formula) {
    const parts = members.flatMap((w) => {
      const p = formulaParts(ind.formula!, reportInputs(w.values, w.school), w.end);
      return p ? [p] : [];
    });
    return { type: 'number', value: ratioOfSums(parts, ind.formula.scale ?? 1), schools: parts.length };
  }
  if (isNumeric(ind)) {
    let total = 0;
    let schools = 0;
    for (const w of members) {
      const v = w.values[ind.code];
      if (typeof v === 'number') {
        total += v;
        schools += 1;
      }
    }
    return { type: 'number', value: schools ? total : null, schools };
  }
  const counts: Record<string, number> = {};
  let schools = 0;
  for (const w of members) {
    const v = w.values[ind.code];
    if (typeof v === 'string' || typeof v === 'boolean') {
      counts[statusKey(v)] = (counts[statusKey(v)] ?? 0) + 1;
      schools += 1;
    }
  }
  return { type: 'counts', counts, schools };
}

/** The number a group figure stands for (null for status counts). */
export const figureValue = (f: GroupFigure): number | null => (f.type === 'number' ? f.value : null);

/** How many schools of a group hold a status value. */
export const countWith = (f: GroupFigure, value: string | boolean): number => (f.type === 'counts' ? (f.counts[statusKey(value)] ?? 0) : 0);

/** The share (0–100) of the schools that reported a status holding the given value; null when none reported. */
export const shareWith = (f: GroupFigure, value: string | boolean): number | null =>
  f.type === 'counts' && f.schools > 0 ? (countWith(f, value) / f.schools) * 100 : null;

/** A year-on-year comparison: both figures, the change in percent and the difference (in the indicator's unit). */
export interface Change {
  current: number | null;
  previous: number | null;
  /** (current − previous) ÷ previous × 100; null without a positive base. */
  percent: number | null;
  /** current − previous (for rates: percentage points). */
  difference: number | null;
}

export function change(current: number | null, previous: number | null): Change {
  return {
    current,
    previous,
    percent: changePercent(current, previous),
    difference: current !== null && previous !== null ? current - previous : null,
  };
}

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
  if (!perPeriod) {
    perPeriod = new Map();
    compiledByFormula.set(formula, perPeriod);
  }
  const cached = perPeriod.get(at);
  if (cached) return cached;
  let coefficients = coefficientsByPeriod.get(at);
  if (!coefficients) {
    coefficients = coalCoefficientsAt(periodEndDate(at));
    coefficientsByPeriod.set(at, coefficients);
  }
  const term = (o: Operand): Term =>
    'attribute' in o ? { attribute: o.attribute } : { indicator: o.indicator, factor: o.coal ? coefficients![o.coal] : (o.coefficient ?? 1) };
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
export type GroupFigure = { type: 'number'; value: number | null; schools: number } | { type: 'counts'; counts: Record<string, number>; schools: number };

/**
 * A group figure's running sums, before they are turned into the figure: groups of schools (the counties of a city)
 * add their parts up to the parts of the whole, so a city's figure can be built from its counties' parts.
 */
export type FigurePart =
  | { kind: 'sum'; schools: number; total: number }
  | { kind: 'ratio'; schools: number; numerator: number; denominator: number | null }
  | { kind: 'counts'; schools: number; counts: Record<string, number> };

export function figurePart(ind: Indicator, windows: readonly SchoolWindow[]): FigurePart {
  const members = windows.filter((w) => applies(ind, w.school));
  if (ind.formula) {
    let numerator = 0;
    let denominator: number | null = null;
    let schools = 0;
    for (const w of members) {
      const p = formulaParts(ind.formula, reportInputs(w.values, w.school), w.end);
      if (!p) continue;
      numerator += p.numerator;
      if (p.denominator !== null) denominator = (denominator ?? 0) + p.denominator;
      schools += 1;
    }
    return { kind: 'ratio', schools, numerator, denominator };
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
    return { kind: 'sum', schools, total };
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
  return { kind: 'counts', schools, counts };
}

/** The parts of several groups taken together (all of one indicator). */
export function addParts(parts: readonly FigurePart[]): FigurePart | null {
  const [first, ...rest] = parts;
  if (!first) return null;
  return rest.reduce<FigurePart>((a, b) => {
    if (a.kind === 'sum' && b.kind === 'sum') return { kind: 'sum', schools: a.schools + b.schools, total: a.total + b.total };
    if (a.kind === 'ratio' && b.kind === 'ratio') {
      const denominator = a.denominator === null && b.denominator === null ? null : (a.denominator ?? 0) + (b.denominator ?? 0);
      return { kind: 'ratio', schools: a.schools + b.schools, numerator: a.numerator + b.numerator, denominator };
    }
    if (a.kind === 'counts' && b.kind === 'counts') {
      const counts = { ...a.counts };
      for (const [k, n] of Object.entries(b.counts)) counts[k] = (counts[k] ?? 0) + n;
      return { kind: 'counts', schools: a.schools + b.schools, counts };
    }
    throw new Error(`不同类型的汇总不能相加：${a.kind} / ${b.kind}`);
  }, first);
}

/** The figure parts stand for (see `ratioOfSums` for rates: Σ numerators ÷ Σ denominators). */
export function partFigure(ind: Indicator, part: FigurePart): GroupFigure {
  switch (part.kind) {
    case 'sum':
      return { type: 'number', value: part.schools ? part.total : null, schools: part.schools };
    case 'ratio': {
      const scale = ind.formula?.scale ?? 1;
      const value = !part.schools
        ? null
        : part.denominator === null
          ? part.numerator * scale
          : part.denominator > 0
            ? (part.numerator / part.denominator) * scale
            : null;
      return { type: 'number', value, schools: part.schools };
    }
    case 'counts':
      return { type: 'counts', counts: part.counts, schools: part.schools };
  }
}

/** The figure of several groups' parts taken together (none: the figure of no school). */
export function figureOfParts(ind: Indicator, parts: readonly FigurePart[]): GroupFigure {
  return partFigure(ind, addParts(parts) ?? figurePart(ind, []));
}

export function groupFigure(ind: Indicator, windows: readonly SchoolWindow[]): GroupFigure {
  return partFigure(ind, figurePart(ind, windows));
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

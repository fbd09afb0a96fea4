import { coalCoefficientsAt } from '../energy.js';
import { periodEndDate, type Period } from '../periods.js';
import type { Formula, Operand, SchoolAttributes } from './types.js';

/** A lookup of the quantities a formula needs: indicator totals and school attributes. */
export interface FormulaInputs {
  indicator(code: string): number | null;
  attribute(name: 'buildingAreaM2' | 'siteAreaM2'): number | null;
}

function operandValue(operand: Operand, inputs: FormulaInputs, period: Period): number | null {
  if ('attribute' in operand) return inputs.attribute(operand.attribute);
  const value = inputs.indicator(operand.indicator);
  if (value === null) return null;
  const factor = operand.coal ? coalCoefficientsAt(periodEndDate(period))[operand.coal] : (operand.coefficient ?? 1);
  return value * factor;
}

/** Σ of the operands; a missing numerator term counts as 0 as long as one term is present. */
function sum(operands: readonly Operand[], inputs: FormulaInputs, period: Period): number | null {
  const values = operands.map((o) => operandValue(o, inputs, period));
  if (values.every((v) => v === null)) return null;
  return values.reduce<number>((total, v) => total + (v ?? 0), 0);
}

/**
 * Evaluates a derived indicator. For a group of schools or quarters, pass the aggregated components:
 * the result is then a ratio of sums, never an average of ratios. Null when the denominator is missing or zero.
 */
export function evaluateFormula(formula: Formula, inputs: FormulaInputs, period: Period): number | null {
  const numerator = sum(formula.numerator, inputs, period);
  if (numerator === null) return null;
  if (!formula.denominator) return numerator * (formula.scale ?? 1);
  const denominator = formula.denominator.map((o) => operandValue(o, inputs, period));
  if (denominator.some((v) => v === null)) return null;
  const total = (denominator as number[]).reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return (numerator / total) * (formula.scale ?? 1);
}

/** The indicators a formula reads. */
export function formulaIndicators(formula: Formula): string[] {
  return [...formula.numerator, ...(formula.denominator ?? [])].flatMap((o) => ('indicator' in o ? [o.indicator] : []));
}

/** The report values an indicator's figure is computed from: its formula's indicators, or the indicator itself. */
export function indicatorInputs(ind: { code: string; formula?: Formula | undefined }): string[] {
  return ind.formula ? [...new Set(formulaIndicators(ind.formula))] : [ind.code];
}

/** Inputs for one school's report. */
export function reportInputs(values: Record<string, unknown>, school: SchoolAttributes): FormulaInputs {
  return {
    indicator: (code) => (typeof values[code] === 'number' ? (values[code] as number) : null),
    attribute: (name) => school[name],
  };
}

import { applies, INDICATORS } from '../indicators/catalogue.js';
import { evaluateFormula, reportInputs } from '../indicators/formulas.js';
import type { SchoolAttributes } from '../indicators/types.js';
import type { ReportValues } from '../indicators/values.js';
import type { Period } from '../periods.js';

/**
 * One school's quarters rolled up to a window (a year), by each indicator's kind: flows add up, stock and
 * status figures take the latest quarter that has them. Quarters may come in any order.
 */
export function rollUpQuarters(quarters: readonly { period: Period; values: ReportValues }[]): ReportValues {
  const ordered = [...quarters].sort((a, b) => a.period.localeCompare(b.period));
  const result: ReportValues = {};
  for (const ind of INDICATORS) {
    if (ind.kind === 'derived') continue;
    const present = ordered.map((q) => q.values[ind.code]).filter((v) => v !== null && v !== undefined);
    if (!present.length) continue;
    result[ind.code] = ind.kind === 'flow' && present.every((v) => typeof v === 'number') ? (present as number[]).reduce((a, b) => a + b, 0) : present[present.length - 1]!;
  }
  return result;
}

/** Every derived indicator that applies to the school, computed from (possibly rolled-up) values. */
export function derivedValues(values: ReportValues, school: SchoolAttributes, period: Period): Record<string, number | null> {
  const derived: Record<string, number | null> = {};
  for (const ind of INDICATORS) {
    if (ind.formula && applies(ind, school)) derived[ind.code] = evaluateFormula(ind.formula, reportInputs(values, school), period);
  }
  return derived;
}

import { UNIT_LABELS } from '../indicators/catalogue.js';
import type { Indicator, Operand } from '../indicators/types.js';
import { chineseNumber } from '../wording/sentences.js';
import * as n from '../wording/numbers.js';
import { parsePeriod, type Period } from '../periods.js';
import type { TableColumn } from './types.js';

/** A figure written the way a bureau document quotes it: “53694人”, “95.9%”, “108万元”, “80亩”, “12.3吨标准煤”. */
export function formatValue(ind: Indicator, value: number): string {
  switch (ind.unit) {
    case 'persons':
      return `${n.count(value)}人`;
    case 'times':
    case 'cases':
    case 'days':
      return `${n.count(value)}${UNIT_LABELS[ind.unit].zh}`;
    case 'kwh':
      return n.kwh(value);
    case 'm3':
      return n.cubicMetres(value);
    case 'kg':
      return Math.abs(value) >= 1000 ? `${n.trimmed(value / 1000)}吨` : `${n.trimmed(value)}千克`;
    case 'yuan':
      return n.yuan(value);
    case 'm2':
      return ind.reportUnit === 'mu' ? n.mu(value) : `${n.trimmed(value)}平方米`;
    case 'plants':
      return n.plants(value);
    case 'percent':
      return n.rate(value);
    case 'kgce':
      return n.kgce(value);
    case 'kgce_per_person':
    case 'kgce_per_m2':
    case 'm3_per_person':
      return n.withUnit(value, UNIT_LABELS[ind.unit].zh);
    case 'none':
      return n.trimmed(value);
  }
}

/** “71所” */
export const schoolCount = (count: number): string => `${n.count(count)}所`;

/** The quarters of a window in words: “第一季度”, “第一至第三季度”. */
export function windowLabel(window: readonly Period[]): string {
  if (!window.length) return '';
  const first = parsePeriod(window[0]!).quarter;
  const last = parsePeriod(window[window.length - 1]!).quarter;
  return first === last ? `第${chineseNumber(first)}季度` : `第${chineseNumber(first)}至第${chineseNumber(last)}季度`;
}

const ATTRIBUTE_NAMES = { buildingAreaM2: '校舍建筑面积', siteAreaM2: '占地面积' } as const;

function operandName(operand: Operand, name: (code: string) => string): string {
  if ('attribute' in operand) return ATTRIBUTE_NAMES[operand.attribute];
  const base = name(operand.indicator);
  return operand.coal ? `${base}折标准煤` : base;
}

/** A formula in words: “校方责任险参保人数之和 ÷ 在校学生数之和 × 100%”. */
export function formulaWords(ind: Indicator, name: (code: string) => string): string {
  const formula = ind.formula!;
  const side = (ops: readonly Operand[]) => {
    const names = ops.map((o) => operandName(o, name));
    return names.length === 1 ? `${names[0]}之和` : `（${names.join('＋')}）之和`;
  };
  const numerator = side(formula.numerator);
  if (!formula.denominator) return numerator;
  return `${numerator} ÷ ${side(formula.denominator)}${formula.scale === 100 ? ' × 100%' : ''}`;
}

/** How a table column writes a cell (an empty cell for a missing value). */
export function formatCell(column: TableColumn, value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (column.format) {
    case 'integer':
      return n.count(value);
    case 'percent':
      return n.rate(value);
    case 'decimal':
      return n.trimmed(value);
    case 'text':
      return String(value);
  }
}

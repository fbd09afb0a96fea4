import { applies, INDICATORS, UNIT_LABELS } from '../indicators/catalogue.js';
import type { Indicator } from '../indicators/types.js';
import { toHalfWidth, type IndicatorValue } from '../indicators/values.js';
import { isPeriod, period as makePeriod, type Period } from '../periods.js';
import type { SchoolType } from '../schools.js';

/**
 * The layout of the two import templates, shared by the generator and the parser so they cannot drift apart.
 *
 * School report (one school, one quarter): metadata cells “学校标识码”, “季度” and “版本” (label, then the value in
 * a cell to its right) above a header row; one row per indicator with its Chinese name, catalogue code, unit,
 * the value, and what is allowed. Section rows (the indicator domains) carry no code.
 *
 * County sheet (bureau): one row per school. A header row in Chinese and, right below it, a narrow row of
 * system codes (school_code, school_name, period, version and the catalogue codes): columns map by that code
 * row, so a user may reorder or drop columns.
 *
 * “版本” is the report's version when the template was downloaded (0: no report yet). The import refuses a row
 * whose report has changed since (someone saved after the download) instead of overwriting that change; a blank
 * version (a sheet typed by hand, or the column deleted) is applied on top of whatever is stored, with a warning.
 */
export const SCHOOL_SHEET = {
  title: '季度报表',
  schoolLabel: '学校标识码',
  schoolNameLabel: '学校名称',
  periodLabel: '季度',
  /** The version cell sits right of this label (no scanning: a blank version must not pick up the note beside it). */
  versionLabel: '版本',
  headers: { name: '指标名称', code: '指标代码', unit: '单位', value: '填报值', help: '填写说明' },
} as const;

export const COUNTY_SHEET = {
  title: '全县汇总',
  /** Codes of the columns that identify a row; every other code is a catalogue code. */
  keys: { school_code: '学校标识码', school_name: '学校名称', period: '季度', version: '版本' },
} as const;

export type CountyKey = keyof typeof COUNTY_SHEET.keys;
export const COUNTY_KEYS = Object.keys(COUNTY_SHEET.keys) as CountyKey[];

/** The indicators a template asks for: every input indicator (derived ones are computed), in catalogue order. */
export function templateIndicators(school?: { type: SchoolType; hasCanteen: boolean }): Indicator[] {
  return INDICATORS.filter((i) => i.kind !== 'derived' && (!school || applies(i, school)));
}

export function unitText(ind: Indicator): string {
  return UNIT_LABELS[ind.unit].zh;
}

/** “用电量（千瓦时）”: a column header with the unit, for sheets with indicators as columns. */
export function headerWithUnit(ind: Indicator): string {
  const unit = unitText(ind);
  return unit ? `${ind.name.zh}（${unit}）` : ind.name.zh;
}

/** The words a user picks from a drop-down, for indicators with a closed list of values. */
export function dropDownOptions(ind: Indicator): string[] | null {
  if (ind.valueType === 'boolean') return ['是', '否'];
  if (ind.valueType === 'enum') return (ind.options ?? []).map((o) => o.label.zh);
  return null;
}

const format = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

/** What a cell accepts, in words, for the template's help column and input prompts. */
export function allowedText(ind: Indicator): string {
  const options = dropDownOptions(ind);
  if (options) return `从下拉列表选择：${options.join('、')}`;
  if (ind.valueType === 'date') return '日期，如 2026-03-15';
  if (ind.valueType === 'text') return ind.maxLength ? `文字，选填，不超过${ind.maxLength}字` : '文字，选填';
  const kind = ind.valueType === 'integer' ? '整数' : '数字';
  if (ind.min !== undefined && ind.max !== undefined) return `${kind}，${format(ind.min)}至${format(ind.max)}`;
  if (ind.min !== undefined) return `${kind}，不小于${format(ind.min)}`;
  return kind;
}

/** A stored value as a user reads and types it: enum labels, 是/否, numbers as numbers, dates as dates. */
export function displayValue(ind: Indicator, value: IndicatorValue | undefined): string | number | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') return value;
  if (ind.valueType === 'enum') return ind.options?.find((o) => o.value === value)?.label.zh ?? value;
  if (ind.valueType === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  return value;
}

const QUARTER_WORDS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/** Reads a quarter as people write it: 2026Q1, 2026q1, 2026-Q1, 2026年第一季度, 2026年第1季度 (full-width too). */
export function parsePeriodText(text: string): Period | null {
  const compact = toHalfWidth(text).replace(/\s/g, '').toUpperCase();
  if (isPeriod(compact)) return compact;
  const match = /^(\d{4})(?:-?Q([1-4])|年?第([一二三四1-4])季度?)$/.exec(compact);
  if (!match) return null;
  const quarter = QUARTER_WORDS[match[2] ?? match[3] ?? ''];
  return quarter ? makePeriod(Number(match[1]), quarter) : null;
}

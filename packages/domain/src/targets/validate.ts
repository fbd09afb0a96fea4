import { isNumeric, statusKey } from '../aggregate/group.js';
import { ADJUSTED_INDICATORS, isAdjustedIndicator } from '../comparison/model.js';
import { applies, findIndicator, isFigure, UNIT_LABELS } from '../indicators/catalogue.js';
import type { Indicator } from '../indicators/types.js';
import { SCHOOL_TYPE_LABELS, type SchoolType } from '../schools.js';
import { COMPARATOR_LABELS, TARGET_KIND_LABELS, type ParsedTargetInput, type Target, type TargetDefinition, type TargetValue } from './types.js';
import * as zhNumbers from '../wording/numbers.js';

/** A target the catalogue refuses: the input field concerned and a Chinese message naming the rule. */
export interface TargetProblem {
  field: keyof ParsedTargetInput;
  message: string;
}

const typeNames = (types: readonly SchoolType[]) => types.map((t) => SCHOOL_TYPE_LABELS[t].zh).join('、');
const format = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

/** A status value as officers read it: the option's label, or 是/否. */
export function statusLabel(ind: Indicator, value: string | boolean): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  return ind.options?.find((o) => o.value === value)?.label.zh ?? value;
}

function statusValueProblem(ind: Indicator, value: TargetValue | null, field: 'value' | 'statusValue'): TargetProblem | null {
  const what = field === 'value' ? '目标值' : '状态值';
  if (ind.valueType === 'boolean') {
    return typeof value === 'boolean' ? null : { field, message: `${ind.name.zh}的${what}只能是“是”或“否”。` };
  }
  const ok = typeof value === 'string' && (ind.options ?? []).some((o) => o.value === value);
  return ok ? null : { field, message: `${ind.name.zh}的${what}只能是：${(ind.options ?? []).map((o) => o.label.zh).join('、')}。` };
}

function numericValueProblem(ind: Indicator, value: TargetValue): TargetProblem | null {
  if (typeof value !== 'number') return { field: 'value', message: `${ind.name.zh}是数值型指标，目标值必须是数字。` };
  if (value < 0) return { field: 'value', message: `${ind.name.zh}的目标值不能为负数。` };
  if (ind.unit === 'percent' && value > 100) {
    return { field: 'value', message: `${ind.name.zh}以百分比表示，目标值应在0至100之间（如95表示95%）。` };
  }
  if (ind.valueType === 'integer' && ind.kind !== 'derived' && !Number.isInteger(value)) {
    return { field: 'value', message: `${ind.name.zh}以${UNIT_LABELS[ind.unit].zh}计，目标值必须是整数。` };
  }
  return null;
}

function applicabilityReason(ind: Indicator): string {
  if (ind.appliesTo?.types) return `仅适用于${typeNames(ind.appliesTo.types)}`;
  return '仅适用于有食堂的学校';
}

/**
 * Checks a target against the catalogue and its own parts. `school` is the school an override is set for.
 * Returns the first problem, or null when the target makes sense.
 */
export function targetProblem(t: TargetDefinition, school?: { name: string; type: SchoolType; hasCanteen: boolean }): TargetProblem | null {
  const ind = findIndicator(t.indicator);
  if (!ind) return { field: 'indicator', message: `未知指标：${t.indicator}。请从指标目录中选择。` };
  if (ind.valueType === 'date') return { field: 'indicator', message: `${ind.name.zh}是日期，不能设定目标。` };
  if (!isFigure(ind)) return { field: 'indicator', message: `${ind.name.zh}是学校填写的文字，不能设定目标。` };
  const numeric = isNumeric(ind);

  if (t.schoolId !== null && t.kind !== 'each_school') {
    return { field: 'schoolId', message: `只有“${TARGET_KIND_LABELS.each_school.zh}”类目标可以为单所学校单独设定。` };
  }
  if (t.schoolId !== null && t.schoolTypes !== null) {
    return { field: 'schoolTypes', message: '为单所学校单独设定目标时，不能再限定办学类型。' };
  }
  if (t.statusValue !== null && t.measure !== 'status_count' && t.measure !== 'status_share') {
    return { field: 'statusValue', message: '只有按“达到该状态的学校数”或“占比”设定目标时才需要选择状态值。' };
  }

  switch (t.measure) {
    case 'value': {
      if (numeric) {
        const problem = numericValueProblem(ind, t.value);
        if (problem) return problem;
        break;
      }
      if (t.kind === 'county_total') {
        return { field: 'measure', message: `${ind.name.zh}是状态类指标，全县总体目标请按“达到该状态的学校数”或“占比”设定。` };
      }
      if (t.comparator !== 'eq') {
        return { field: 'comparator', message: `${ind.name.zh}是状态类指标，比较方式只能是“${COMPARATOR_LABELS.eq.zh}”。` };
      }
      const problem = statusValueProblem(ind, t.value, 'value');
      if (problem) return problem;
      break;
    }
    case 'change_percent': {
      if (!numeric) return { field: 'measure', message: `${ind.name.zh}是状态类指标，不能按较上年变化设定目标。` };
      if (typeof t.value !== 'number') return { field: 'value', message: '较上年变化的目标值必须是数字（百分比，如-15表示比上年降低15%）。' };
      if (t.value < -100 || t.value > 1000) return { field: 'value', message: '较上年变化的目标值应在-100至1000之间（百分比，如-15表示比上年降低15%）。' };
      break;
    }
    case 'expected_ratio':
    case 'score': {
      if (!isAdjustedIndicator(ind.code)) {
        return {
          field: 'measure',
          message: `按实际与预期之比或能效得分设定的目标只适用于${ADJUSTED_INDICATORS.map((c) => findIndicator(c)!.name.zh).join('、')}。`,
        };
      }
      if (t.kind !== 'each_school') return { field: 'kind', message: `按实际与预期之比或能效得分设定的目标只能是“${TARGET_KIND_LABELS.each_school.zh}”目标。` };
      if (typeof t.value !== 'number') return { field: 'value', message: '目标值必须是数字。' };
      if (t.measure === 'score' && (t.value < 1 || t.value > 100))
        return { field: 'value', message: '能效得分目标应在1至100之间（如50表示不低于半数可比学校）。' };
      if (t.measure === 'expected_ratio' && (t.value < 0.1 || t.value > 10)) {
        return { field: 'value', message: '实际与预期之比的目标应在0.1至10之间（如1.1表示实际用量不超过预期的110%）。' };
      }
      if (t.comparator === 'eq') return { field: 'comparator', message: '实际与预期之比或能效得分的目标，比较方式只能是“≥”或“≤”。' };
      break;
    }
    case 'status_count':
    case 'status_share': {
      if (numeric) return { field: 'measure', message: `${ind.name.zh}是数值型指标，不能按学校数或占比设定目标。` };
      if (t.kind !== 'county_total') return { field: 'kind', message: `按学校数或占比设定的目标只能是“${TARGET_KIND_LABELS.county_total.zh}”目标。` };
      if (t.statusValue === null) return { field: 'statusValue', message: `请选择${ind.name.zh}的状态值（统计达到哪一状态的学校）。` };
      const problem = statusValueProblem(ind, t.statusValue, 'statusValue');
      if (problem) return problem;
      if (t.measure === 'status_count' && (typeof t.value !== 'number' || !Number.isInteger(t.value) || t.value < 0)) {
        return { field: 'value', message: '学校数目标必须是不小于0的整数。' };
      }
      if (t.measure === 'status_share' && (typeof t.value !== 'number' || t.value < 0 || t.value > 100)) {
        return { field: 'value', message: '占比目标应在0至100之间（如80表示80%）。' };
      }
      break;
    }
  }

  const onlyTypes = ind.appliesTo?.types;
  if (t.schoolTypes && onlyTypes) {
    const outside = t.schoolTypes.filter((type) => !onlyTypes.includes(type));
    if (outside.length) return { field: 'schoolTypes', message: `${ind.name.zh}${applicabilityReason(ind)}，不能对${typeNames(outside)}设定目标。` };
  }
  if (school && !applies(ind, school)) {
    return { field: 'schoolId', message: `${school.name}不适用${ind.name.zh}（${applicabilityReason(ind)}）。` };
  }
  return null;
}

const sameFamily = (a: TargetDefinition, b: TargetDefinition) =>
  a.indicator === b.indicator &&
  a.kind === b.kind &&
  a.measure === b.measure &&
  (a.statusValue === null ? '' : statusKey(a.statusValue)) === (b.statusValue === null ? '' : statusKey(b.statusValue));

/**
 * Each-school targets narrowed to school types may not overlap: for a primary school there must be one
 * answer. Returns the stored target a new one clashes with, and the types they share.
 */
export function overlappingTarget<T extends TargetDefinition & { id?: number }>(
  t: TargetDefinition,
  existing: readonly T[],
  ignoreId?: number,
): { target: T; types: SchoolType[] } | null {
  if (t.kind !== 'each_school' || !t.schoolTypes) return null;
  for (const other of existing) {
    if (other.id !== undefined && other.id === ignoreId) continue;
    if (!sameFamily(t, other) || !other.schoolTypes || other.schoolId !== null) continue;
    const shared = t.schoolTypes.filter((type) => other.schoolTypes!.includes(type));
    if (shared.length && other.schoolTypes.join() !== t.schoolTypes.join()) return { target: other, types: shared };
  }
  return null;
}

/**
 * The each-school target that holds for a school: its own override, else the one narrowed to its type,
 * else the general one. Only targets of the same indicator and measure compete.
 */
export function effectiveTarget<T extends Target>(
  targets: readonly T[],
  indicatorCode: string,
  school: { id: number; type: SchoolType },
  measure: Target['measure'] = 'value',
): T | null {
  let best: T | null = null;
  let bestRank = -1;
  for (const t of targets) {
    if (t.kind !== 'each_school' || t.indicator !== indicatorCode || t.measure !== measure) continue;
    const rank = t.schoolId !== null ? (t.schoolId === school.id ? 2 : -1) : t.schoolTypes ? (t.schoolTypes.includes(school.type) ? 1 : -1) : 0;
    if (rank > bestRank) {
      best = t;
      bestRank = rank;
    }
  }
  return best;
}

/** A target value in the unit reports quote it in (万元, 亩, 万株), as the annual summary states the actual figure. */
function valueText(ind: Indicator, value: number): string {
  if (ind.reportUnit === 'mu') return zhNumbers.mu(value);
  if (ind.reportUnit === 'wan_yuan') return zhNumbers.yuan(value);
  if (ind.reportUnit === 'wan_plants') return zhNumbers.plants(value);
  const unit = UNIT_LABELS[ind.unit].zh;
  return ind.unit === 'percent' ? `${format(value)}%` : `${format(value)}${unit}`;
}

const percentText = (v: number) => `${format(v)}%`;

/** A number with at least / at most / exactly, in words: “不少于30亩”, “控制在65千克标准煤/人以内”, “为0起”. */
function amountRequirement(ind: Indicator, comparator: TargetDefinition['comparator'], value: number): string {
  const text = valueText(ind, value);
  if (value === 0 && comparator !== 'gte') return '为零';
  if (comparator === 'eq') return `为${text}`;
  if (comparator === 'lte') return `控制在${text}以内`;
  if (ind.unit === 'percent') return value >= 100 ? `达到${text}` : `达到${text}以上`;
  // “新增绿地面积30亩”, “新植花草树木5万株”: a quantity to add reads as the quantity itself, as seed 003 writes it.
  if (/^新(增|植|建)/.test(ind.name.zh)) return text;
  return `不少于${text}`;
}

/** A change on last year in words: “较上年降低7%以上”, “较上年增长不超过3%”, “不高于上年”, “与上年持平”. */
function changeRequirement(comparator: TargetDefinition['comparator'], v: number): string {
  const size = percentText(Math.abs(v));
  if (comparator === 'eq') return v === 0 ? '与上年持平' : v < 0 ? `较上年降低${size}` : `较上年增长${size}`;
  if (comparator === 'lte') return v < 0 ? `较上年降低${size}以上` : v === 0 ? '不高于上年' : `较上年增长不超过${size}`;
  return v > 0 ? `较上年增长${size}以上` : v === 0 ? '不低于上年' : `较上年降低不超过${size}`;
}

/** A number of schools or a share, in words: “不少于11所”, “不超过2所”, “达到80%以上”. */
function schoolsRequirement(measure: 'status_count' | 'status_share', comparator: TargetDefinition['comparator'], v: number): string {
  const text = measure === 'status_count' ? `${format(v)}所` : percentText(v);
  if (comparator === 'eq') return `为${text}`;
  if (comparator === 'lte') return measure === 'status_count' ? `不超过${text}` : `控制在${text}以内`;
  return measure === 'status_count' ? `不少于${text}` : v >= 100 ? `达到${text}` : `达到${text}以上`;
}

/**
 * What a target asks of its indicator, in words and without comparison symbols: “达到95%以上”, “控制在…以内”,
 * “较上年降低7%以上”, “不少于…”, “30亩” (for 新增绿地面积), “为‘已认定’的学校不少于11所”. The one phrasing of a
 * target: summaries, target lists, the league table's 目标 column and the pages all use it.
 */
export function targetRequirement(t: Pick<TargetDefinition, 'indicator' | 'measure' | 'comparator' | 'value' | 'statusValue'>): string {
  const ind = findIndicator(t.indicator);
  if (!ind) return String(t.value);
  switch (t.measure) {
    case 'value':
      return typeof t.value === 'number' ? amountRequirement(ind, t.comparator, t.value) : `为“${statusLabel(ind, t.value)}”`;
    case 'change_percent':
      return changeRequirement(t.comparator, Number(t.value));
    case 'status_count':
    case 'status_share':
      return `为“${statusLabel(ind, t.statusValue!)}”的学校${t.measure === 'status_share' ? '占比' : ''}${schoolsRequirement(t.measure, t.comparator, Number(t.value))}`;
    case 'expected_ratio':
      return `实际与预期之比${boundRequirement(t.comparator, format(Number(t.value)))}`;
    case 'score':
      return `能效得分${boundRequirement(t.comparator, format(Number(t.value)))}`;
  }
}

/** A plain number bound in words: “不低于50”, “不高于1.2”, “为1”. */
function boundRequirement(comparator: TargetDefinition['comparator'], text: string): string {
  return comparator === 'gte' ? `不低于${text}` : comparator === 'lte' ? `不高于${text}` : `为${text}`;
}

/**
 * A target in the words of a bureau document, e.g. “每所学校校方责任险参保率达到100%”,
 * “全县人均综合能耗较上年降低15%以上”, “全县绿色学校创建状态为‘已认定’的学校不少于11所”, “全县新增绿地面积30亩”.
 */
export function describeTarget(t: TargetDefinition, schoolName?: string): string {
  const ind = findIndicator(t.indicator);
  if (!ind) return t.indicator;
  const who =
    t.kind === 'county_total'
      ? `全县${t.schoolTypes ? typeNames(t.schoolTypes) : ''}`
      : t.schoolId !== null
        ? (schoolName ?? '该校')
        : t.schoolTypes
          ? `每所${typeNames(t.schoolTypes)}`
          : '每所学校';
  return `${who}${ind.name.zh}${targetRequirement(t)}`;
}

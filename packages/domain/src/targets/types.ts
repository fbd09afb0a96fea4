import { z } from 'zod';
import type { Label } from '../labels.js';
import { SCHOOL_TYPES, type SchoolType } from '../schools.js';

/**
 * A yearly target of a county for one catalogue indicator.
 * - `each_school`: every applicable school must reach it (optionally only schools of some types, or one school
 *   with its own value, which then takes precedence over the general target);
 * - `county_total`: the county's aggregate must reach it.
 * What is compared (`measure`):
 * - `value`: the indicator itself (a number; for a status indicator and `each_school`, the status value);
 * - `change_percent`: the change on the same window of the previous year, in percent (−15 = 15% lower);
 * - `status_count`: how many schools hold `statusValue` (county total only);
 * - `status_share`: their share of the schools that reported the status, 0–100 (county total only);
 * - `expected_ratio`: actual use over the use expected of a school like it (the fair comparison; each school only);
 * - `score`: the fair comparison's efficiency score 1–100 (each school only).
 * Rates and shares are percentages 0–100, as officers write them: 95 means 95%.
 */
export const TARGET_KINDS = ['each_school', 'county_total'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const COMPARATORS = ['gte', 'lte', 'eq'] as const;
export type Comparator = (typeof COMPARATORS)[number];

export const TARGET_MEASURES = ['value', 'change_percent', 'status_count', 'status_share', 'expected_ratio', 'score'] as const;
/** Measures taken from the fair comparison (issue 17). */
export const ADJUSTED_MEASURES = ['expected_ratio', 'score'] as const;
export const isAdjustedMeasure = (m: string): m is (typeof ADJUSTED_MEASURES)[number] => m === 'expected_ratio' || m === 'score';
export type TargetMeasure = (typeof TARGET_MEASURES)[number];

export type TargetValue = number | string | boolean;

export const TARGET_KIND_LABELS: Record<TargetKind, Label> = {
  each_school: { zh: '每所学校', en: 'Each school' },
  county_total: { zh: '全县总体', en: 'County total' },
};

export const COMPARATOR_LABELS: Record<Comparator, Label> = {
  gte: { zh: '≥', en: '≥' },
  lte: { zh: '≤', en: '≤' },
  eq: { zh: '=', en: '=' },
};

export const TARGET_MEASURE_LABELS: Record<TargetMeasure, Label> = {
  value: { zh: '指标值', en: 'Value' },
  change_percent: { zh: '较上年变化（%）', en: 'Change on last year (%)' },
  status_count: { zh: '达到该状态的学校数', en: 'Schools with the status' },
  status_share: { zh: '达到该状态的学校占比（%）', en: 'Share of schools with the status (%)' },
  expected_ratio: { zh: '实际与预期之比', en: 'Actual to expected' },
  score: { zh: '能效得分（1–100）', en: 'Efficiency score (1–100)' },
};

/** What a target says, without where it is stored. */
export interface TargetDefinition {
  indicator: string;
  kind: TargetKind;
  measure: TargetMeasure;
  comparator: Comparator;
  value: TargetValue;
  statusValue: string | boolean | null;
  schoolTypes: SchoolType[] | null;
  schoolId: number | null;
}

export interface Target extends TargetDefinition {
  id: number;
  countyId: number;
  year: number;
}

const id = (name: string) =>
  z
    .number({ error: `${name}必须是数字。` })
    .int(`${name}无效。`)
    .positive(`${name}无效。`);

/** One schema for the target form and the `targets.set` procedure. */
export const targetInput = z.object({
  /** When given, the stored target to change; otherwise the target with the same key is replaced or a new one made. */
  id: id('目标编号').optional(),
  countyId: id('县（市、区）编号'),
  year: z.number({ error: '年度必须是数字。' }).int('年度必须是整数。').min(2000, '年度不能早于2000年。').max(2100, '年度不能晚于2100年。'),
  indicator: z.string({ error: '请选择指标。' }).trim().min(1, '请选择指标。').max(60, '指标代码过长。'),
  kind: z.enum(TARGET_KINDS, { error: '目标类型只能是“每所学校”或“全县总体”。' }),
  measure: z.enum(TARGET_MEASURES, { error: '考核方式只能是指标值、较上年变化、学校数、占比、实际与预期之比或能效得分。' }).default('value'),
  comparator: z.enum(COMPARATORS, { error: '比较方式只能是“≥”“≤”或“=”。' }),
  value: z.union([z.number().finite('目标值必须是有限的数字。'), z.string().trim().min(1).max(40), z.boolean()], {
    error: '目标值必须是数字、状态值或“是/否”。',
  }),
  statusValue: z
    .union([z.string().trim().min(1).max(40), z.boolean()], { error: '状态值必须是文字或“是/否”。' })
    .nullable()
    .optional(),
  schoolTypes: z
    .array(z.enum(SCHOOL_TYPES, { error: '办学类型无效。' }), { error: '办学类型必须是列表。' })
    .min(1, '至少选择一种办学类型，或不限定办学类型。')
    .max(SCHOOL_TYPES.length)
    .nullable()
    .optional(),
  schoolId: id('学校编号').nullable().optional(),
});
export type TargetInput = z.input<typeof targetInput>;
export type ParsedTargetInput = z.output<typeof targetInput>;

/** The definition a parsed input stands for, with optional parts made explicit and school types in a fixed order. */
export function targetDefinition(input: ParsedTargetInput): TargetDefinition {
  return {
    indicator: input.indicator,
    kind: input.kind,
    measure: input.measure,
    comparator: input.comparator,
    value: input.value,
    statusValue: input.statusValue ?? null,
    schoolTypes: input.schoolTypes ? SCHOOL_TYPES.filter((t) => input.schoolTypes!.includes(t)) : null,
    schoolId: input.schoolId ?? null,
  };
}

/**
 * With county, year and indicator, what makes two targets the same target (one replaces the other): kind,
 * measure, status value, the school it is set for and the school types it is narrowed to. Comparator and value
 * are what an edit changes.
 */
export function targetKey(t: TargetDefinition): string {
  const types = t.schoolTypes ? SCHOOL_TYPES.filter((s) => t.schoolTypes!.includes(s)).join(',') : '';
  return [t.kind, t.measure, t.statusValue === null ? '' : String(t.statusValue), t.schoolId ?? '', types].join('|');
}

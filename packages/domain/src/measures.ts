import { z } from 'zod';
import type { IndicatorDomain } from './indicators/types.js';
import type { Label } from './labels.js';
import { isPeriod, type Period } from './periods.js';

/**
 * The bureau's own measures (工作措施) per domain and year, and the schools' practices it chooses to quote as
 * 典型做法: what part 一 of the annual summary opens each domain with, before the figures (issue 16).
 */

/** The domains a summary's part 一 has an item for (basics has none). */
export const MEASURE_DOMAINS = ['insurance', 'energy', 'green', 'canteen'] as const satisfies readonly IndicatorDomain[];
export type MeasureDomain = (typeof MEASURE_DOMAINS)[number];

/** 文件、会议、检查、培训. */
export const MEASURE_KINDS = ['document', 'meeting', 'inspection', 'training'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

export const MEASURE_KIND_LABELS: Record<MeasureKind, Label> = {
  document: { zh: '文件', en: 'Document' },
  meeting: { zh: '会议', en: 'Meeting' },
  inspection: { zh: '检查', en: 'Inspection' },
  training: { zh: '培训', en: 'Training' },
};

/** A measure's text is one clause of a sentence: short. */
export const MEASURE_MAX_LENGTH = 200;
/** 典型做法: two or three schools per domain, as a bureau quotes them. */
export const MAX_TYPICAL_PRACTICES = 3;

/** One measure as stored and as the summary states it. */
export interface BureauMeasure {
  id: number;
  countyId: number;
  year: number;
  domain: MeasureDomain;
  /** The day it was taken (a document's date, a meeting's day), YYYY-MM-DD. */
  date: string;
  kind: MeasureKind;
  text: string;
}

/** A school's practice text of one quarter, chosen (or to choose) as a typical practice. */
export interface PracticeText {
  schoolId: number;
  schoolName: string;
  domain: MeasureDomain;
  period: Period;
  text: string;
}

const id = (name: string) =>
  z
    .number({ error: `${name}必须是数字。` })
    .int(`${name}无效。`)
    .positive(`${name}无效。`)
    .max(2_147_483_647, `${name}无效。`);
const year = z.number({ error: '年度必须是数字。' }).int('年度必须是整数。').min(2000, '年度不能早于2000年。').max(2100, '年度不能晚于2100年。');
const domain = z.enum(MEASURE_DOMAINS, { error: '工作领域只能是各项保险、节能降耗、绿色校园或食堂管理。' });

/** A real calendar day written YYYY-MM-DD (2026-02-30 is refused). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Line breaks and runs of spaces become one space: a measure is one clause of a sentence. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const measureFields = {
  domain,
  date: z.string({ error: '请填写措施日期。' }).trim().refine(isIsoDate, '措施日期格式应为“2026-03-15”，且必须是有效日期。'),
  kind: z.enum(MEASURE_KINDS, { error: '措施类型只能是文件、会议、检查或培训。' }),
  text: z
    .string({ error: '请填写措施内容。' })
    .transform(oneLine)
    .pipe(
      z
        .string()
        .min(2, '措施内容至少2个字。')
        .refine((t) => [...t].length <= MEASURE_MAX_LENGTH, `措施内容不能超过${MEASURE_MAX_LENGTH}字。`),
    ),
};

/** One schema for the measure form and `measures.add`; the year is the date's. */
export const measureInput = z.object({ countyId: id('县（市、区）编号'), ...measureFields });
export type MeasureInput = z.input<typeof measureInput>;

export const measureUpdateInput = z.object({ id: id('措施编号'), ...measureFields });
export type MeasureUpdateInput = z.input<typeof measureUpdateInput>;

/** The typical practices of one domain and year: the set replaces what was chosen before (empty: none). */
export const choosePracticesInput = z
  .object({
    countyId: id('县（市、区）编号'),
    year,
    domain,
    picks: z
      .array(
        z.object({
          schoolId: id('学校编号'),
          period: z.string({ error: '季度格式应为“2026Q1”。' }).refine(isPeriod, '季度格式应为“2026Q1”。'),
        }),
        { error: '请选择典型做法。' },
      )
      .max(MAX_TYPICAL_PRACTICES, `每个领域最多选择${MAX_TYPICAL_PRACTICES}所学校的典型做法。`)
      .refine((picks) => new Set(picks.map((p) => p.schoolId)).size === picks.length, '同一所学校在一个领域只能选一条典型做法。'),
  })
  .superRefine((input, ctx) => {
    if (input.picks.some((p) => Number(p.period.slice(0, 4)) !== input.year)) {
      ctx.addIssue({ code: 'custom', path: ['picks'], message: `典型做法只能从${input.year}年各季度的报表中选择。` });
    }
  });
export type ChoosePracticesInput = z.input<typeof choosePracticesInput>;

/** The year a measure counts for: its date's. */
export const measureYear = (date: string): number => Number(date.slice(0, 4));

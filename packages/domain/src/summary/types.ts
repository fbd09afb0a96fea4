import type { AdjustedFigures } from '../targets/evaluate.js';
import { z } from 'zod';
import type { AnalyticsSchool, QuarterReport } from '../aggregate/window.js';
import type { Period } from '../periods.js';
import type { Target } from '../targets/types.js';

/** Whose summary: a county bureau's, a city bureau's across its counties, or one school's (the principal's draft). */
export const SUMMARY_LEVELS = ['county', 'city', 'school'] as const;
export type SummaryLevel = (typeof SUMMARY_LEVELS)[number];

export type Quarter = 1 | 2 | 3 | 4;

export interface SummarySchool extends AnalyticsSchool {
  name: string;
  code: string;
  countyId: number;
}

/** Where one school's report for one quarter stands (any status), for the completeness statement. */
export interface Submission {
  schoolId: number;
  period: Period;
  status: 'draft' | 'submitted' | 'approved' | 'returned';
  late: boolean;
}

/** A school's explanations (情况说明) on one approved report, by indicator code: the causes a summary may quote. */
export interface ReportExplanations {
  schoolId: number;
  period: Period;
  texts: Record<string, string>;
}

/** Everything a summary is built from. The builder is pure: the data layer loads this. */
export interface SummaryInput {
  level: SummaryLevel;
  /** The county, the city or the school the summary is written for. */
  unit: { id: number; name: string };
  /** For a city: its counties (a school's `countyId` names one of them). */
  counties?: readonly { id: number; name: string }[];
  year: number;
  upToQuarter: Quarter;
  /** The active schools in scope (for a school summary: that school only). */
  schools: readonly SummarySchool[];
  /** Approved reports of the year and the year before: the only figures a summary quotes. */
  reports: readonly QuarterReport[];
  /** Every stored report of the window's quarters, whatever its status (a school × quarter absent here is missing). */
  submissions: readonly Submission[];
  /** The year's targets of the counties in scope, and the next year's (for 下一步工作打算). */
  targets: readonly Target[];
  nextTargets: readonly Target[];
  /** Who issues the summary (“青石县教育局”, “青石县教育和体育局”); by default the unit's name + 教育局 (a school: its name). */
  issuer?: string;
  /** The schools' explanations on the approved reports of the window: quoted as causes in 二、存在的问题. */
  explanations?: readonly ReportExplanations[];
  /** The fair comparison of the year for the indicators the targets measure on it (issue 17). */
  adjusted?: AdjustedFigures | undefined;
}

/** The appendix table naming the schools behind 二、存在的问题 (附件：未达到目标的学校名单). */
export const MISSED_TABLE_ID = 'missed-schools';
export const MISSED_TABLE_TITLE = '未达到目标的学校名单';

/** How a figure was computed from the stored reports: what the officer sees when clicking it. */
export type FigureMethod =
  /** Σ of the indicator over schools (flows: over the window's quarters too; stocks: each school's latest quarter). */
  | 'sum'
  /** Σ numerators ÷ Σ denominators of the indicator's formula, over the schools. */
  | 'ratio_of_sums'
  /** How many schools hold one of `statusValues` (their latest value in the window). */
  | 'count_status'
  /** How many schools reported the indicator at all. */
  | 'count_reporting'
  /** (this window − the same window last year) ÷ last year, over schools that reported both (like for like). */
  | 'change_percent'
  /** The schools a stated rule picks (energy use up sharply, C-grade canteens, late reports, …). */
  | 'schools_by_rule'
  /** A target's measure, as the targets module computes it. */
  | 'target';

export interface FigureSource {
  method: FigureMethod;
  /** Catalogue code the figure is computed from (null for figures about reports themselves). */
  indicator: string | null;
  /** The schools whose reports the figure rests on. */
  schoolIds: number[];
  /** The quarters read. */
  periods: Period[];
  /** Report statuses read: a summary only quotes approved reports. */
  statuses: ['approved'];
  /** `count_status`: the values counted. */
  statusValues?: string[];
  /** `change_percent`: the quarters of the year compared with. */
  comparedPeriods?: Period[];
  /** The query in words, e.g. “校方责任险参保人数之和 ÷ 在校学生数之和”. */
  description: string;
}

/**
 * One figure a summary quotes. Paragraphs refer to it as `{{fig:<id>}}`, so edited text stays linked to the
 * data; `text` is how the figure is written (“53694人”, “95.9%”, “108万元”, “甲小学、乙小学共2所学校”).
 */
export interface Figure {
  id: string;
  /** What the figure is, in Chinese (“校方责任险参保率”). */
  label: string;
  value: number | null;
  text: string;
  indicator: string | null;
  /** Schools named by the figure (lists of schools that missed a target, C-grade canteens, …). */
  names?: string[];
  /** The target the figure is measured against, if any. */
  target?: { id: number; label: string; met: boolean | null };
  source: FigureSource;
}

export type FigureMap = Record<string, Figure>;

/** A paragraph of text; `{{fig:id}}` placeholders stand for figures. */
export interface SummaryParagraph {
  id: string;
  text: string;
}

/**
 * A section of the summary. Depth gives the heading style: 一、 / （一） / 1. (a third-level section is run in:
 * “1.标题。正文……”). A section without a title is an unnumbered block of text (the opening paragraphs).
 */
export interface SummarySection {
  id: string;
  title: string;
  paragraphs: SummaryParagraph[];
  children: SummarySection[];
}

/** A column of an appendix table: a catalogue indicator, or the school (or county) name. */
export interface TableColumn {
  key: string;
  label: string;
  /** How cells are written: whole numbers, up to two decimals, a percentage, or text. */
  format: 'integer' | 'decimal' | 'percent' | 'text';
  indicator?: string;
}

export interface SummaryTable {
  id: string;
  title: string;
  columns: TableColumn[];
  rows: (string | number | null)[][];
  /** The total (or group) row, when the table has one. */
  total?: (string | number | null)[];
}

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

export interface SummaryChart {
  id: string;
  title: string;
  kind: 'bar' | 'line';
  unit: string;
  categories: string[];
  series: ChartSeries[];
}

/** What the summary rests on: how many schools' approved reports, and which are missing. */
export interface SummaryBasis {
  window: Period[];
  schools: number;
  /** Schools with an approved report for every quarter of the window. */
  complete: number;
  /** Schools with approved reports for some quarters only, and which quarters are missing. */
  partial: { schoolId: number; name: string; missing: Period[] }[];
  /** Schools without any approved report in the window. */
  missing: { schoolId: number; name: string }[];
  /** Reports submitted after the deadline, or still not submitted once it passed. */
  late: { schoolId: number; name: string; period: Period }[];
}

export interface SummaryDocument {
  level: SummaryLevel;
  unit: { id: number; name: string };
  year: number;
  upToQuarter: Quarter;
  title: string;
  /** Who issues and signs it: “青石县教育局”, or the school. */
  issuer: string;
  /** The subject sentences use: 全县 / 全市 / 全区 / 我校. */
  subject: string;
  basis: SummaryBasis;
  sections: SummarySection[];
  figures: FigureMap;
  tables: SummaryTable[];
  charts: SummaryChart[];
}

const MAX_SECTIONS = 200;

const sectionId = z.string().trim().min(1, '段落编号不能为空。').max(60, '段落编号过长。');
const paragraph = z.object({
  id: sectionId,
  text: z.string({ error: '段落内容必须是文字。' }).max(5000, '单个段落不能超过5000字。'),
});

type SectionShape = z.ZodType<SummarySection>;
const section: SectionShape = z.lazy(() =>
  z.object({
    id: sectionId,
    title: z.string({ error: '标题必须是文字。' }).trim().max(80, '标题不能超过80个字。'),
    paragraphs: z.array(paragraph).max(100, '一个部分最多100个段落。'),
    children: z.array(section).max(50, '一个部分最多50个小节。'),
  }),
);

/** The sections an officer saves: one schema for the editor and the `summaries.save` procedure. */
export const summarySectionsInput = z
  .array(section, { error: '总结内容格式无效。' })
  .min(1, '总结至少要有一个部分。')
  .max(20, '总结最多20个一级部分。')
  .superRefine((sections, ctx) => {
    let count = 0;
    let deepest = 0;
    const walk = (list: readonly SummarySection[], depth: number) => {
      for (const s of list) {
        count += 1;
        deepest = Math.max(deepest, depth);
        walk(s.children, depth + 1);
      }
    };
    walk(sections, 0);
    if (count > MAX_SECTIONS) ctx.addIssue({ code: 'custom', message: `总结最多${MAX_SECTIONS}个部分和小节。` });
    if (deepest > 3) ctx.addIssue({ code: 'custom', message: '标题层级最多四级（一、（一）1.（1））。' });
  });

/** The issuing unit's full name as a bureau admin sets it: one rule for the form, the procedure and the service. */
export const ISSUING_UNIT_MAX = 40;
export const issuingUnitInput = z
  .string({ error: '发文单位名称必须是文字。' })
  .trim()
  .min(1, '发文单位名称不能为空（如“青石县教育局”“青石县教育和体育局”）。')
  .max(ISSUING_UNIT_MAX, `发文单位名称不能超过${ISSUING_UNIT_MAX}个字。`)
  .refine((v) => !/[\\/:*?"<>|\n\r\t]/.test(v), '发文单位名称不能含有 \\ / : * ? " < > | 或换行等字符（会用在文件名中）。');

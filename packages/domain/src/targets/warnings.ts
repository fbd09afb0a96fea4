import { groupBySchool, projectSchoolYear, type AnalyticsSchool, type ProjectionMethod, type QuarterReport } from '../aggregate/window.js';
import { indicator } from '../indicators/catalogue.js';
import type { IndicatorValue } from '../indicators/values.js';
import { parsePeriod } from '../periods.js';
import { chineseNumber } from '../wording/sentences.js';
import { evaluateTarget, yearFrames } from './evaluate.js';
import { aimWords, proposalValueText } from './propose.js';
import type { Target } from './types.js';
import { statusLabel } from './validate.js';

/** A school projected to miss an each-school target at year end. */
export interface SchoolAtRisk {
  schoolId: number;
  /** The school's projected full-year figure (or change on last year, in %). */
  projected: IndicatorValue;
  shortfall: number | null;
  /** seasonal: by last year's share of the same quarters in the full year; linear: last year incomplete, by quarters. */
  method: ProjectionMethod;
  /** How many quarters of this year the projection rests on. */
  quarters: number;
}

export interface TargetWarning {
  target: Target;
  /** The schools the target applies to and how many of them have a projection. */
  schools: number;
  projected: number;
  atRisk: SchoolAtRisk[];
}

export interface EarlyWarnings {
  year: number;
  /** The last quarter of the year with an approved report; null: nothing to project from yet. */
  upToQuarter: 1 | 2 | 3 | 4 | null;
  warnings: TargetWarning[];
}

/**
 * In-year early warning: from the quarters approved so far, each school's full year is projected (flows by last
 * year's seasonal pattern: this year's sum × last year's total ÷ last year's sum over the same quarters; linearly,
 * sum × 4 ÷ quarters, when last year is incomplete; stocks, rates and statuses keep their latest value), and each
 * each-school target of the year is checked on it. Only targets with a school at risk are listed.
 * `reports` must hold the approved reports of `year` and `year − 1`.
 */
export function earlyWarnings(input: {
  year: number;
  schools: readonly AnalyticsSchool[];
  reports: readonly QuarterReport[];
  targets: readonly Target[];
}): EarlyWarnings {
  const { year, schools, reports, targets } = input;
  const frames = yearFrames(schools, reports, year);
  if (frames.upToQuarter === null) return { year, upToQuarter: null, warnings: [] };
  const thisYear = groupBySchool(reports.filter((r) => parsePeriod(r.period).year === year));
  const lastYear = groupBySchool(reports.filter((r) => parsePeriod(r.period).year === year - 1));
  const methods = new Map<number, { method: ProjectionMethod; quarters: number }>();
  for (const s of schools) {
    const mine = thisYear.get(s.id) ?? [];
    const p = projectSchoolYear(s, mine, lastYear.get(s.id) ?? [], year);
    if (p) methods.set(s.id, { method: p.method, quarters: new Set(mine.map((r) => r.period)).size });
  }
  const warnings: TargetWarning[] = [];
  for (const target of targets) {
    if (target.kind !== 'each_school') continue;
    const r = evaluateTarget(target, targets, schools, frames.fullYear);
    const checks = r.checks ?? [];
    const atRisk = checks
      .filter((c) => c.met === false)
      .map((c) => ({
        schoolId: c.schoolId,
        projected: c.value,
        shortfall: c.shortfall,
        ...(methods.get(c.schoolId) ?? { method: 'actual' as const, quarters: 4 }),
      }));
    if (atRisk.length) warnings.push({ target, schools: r.schools, projected: r.reported, atRisk });
  }
  return { year, upToQuarter: frames.upToQuarter, warnings };
}

const METHOD_WORDS: Record<ProjectionMethod, string> = {
  actual: '全年实际数',
  seasonal: '按上年同期占全年的比例推算',
  linear: '上年数据不全，按已报季度平均推算',
};

/** How a school's projection was made, in words. */
export const projectionWords = (method: ProjectionMethod): string => METHOD_WORDS[method];

/** The reminder a school at risk receives: the quarters, the projection and how it was made, the target in words. */
export function warningMessage(target: Target, risk: SchoolAtRisk): string {
  const ind = indicator(target.indicator);
  const quarters = risk.quarters >= 4 ? '全年' : risk.quarters === 1 ? '第一季度' : `第一至第${chineseNumber(risk.quarters)}季度`;
  const projected =
    typeof risk.projected === 'number'
      ? target.measure === 'change_percent'
        ? `较上年${risk.projected < 0 ? '降低' : '上升'}${proposalValueText(target, risk.projected)}`
        : `为${proposalValueText(target, risk.projected)}`
      : risk.projected === null
        ? '无法计算'
        : `为“${statusLabel(ind, risk.projected)}”`;
  const aim = typeof target.value === 'number' ? aimWords(target, target.value) : `为“${statusLabel(ind, target.value)}”`;
  return `根据${quarters}已审核数据（${projectionWords(risk.method)}），预计本校${target.year}年全年${ind.name.zh}${projected}，达不到${ind.name.zh}${aim}的年度目标，请及早采取措施。`;
}

import { parsePeriod, type Period } from '../periods.js';
import { chineseNumber, listJoin } from '../wording/sentences.js';
import type { MissedEntry, SummaryContext } from './context.js';
import type { Placed } from './figures.js';
import { schoolCount, windowLabel } from './format.js';
import type { SummaryBasis } from './types.js';

/** How many schools' approved reports a summary rests on, which are missing, and which were late. */
export function summaryBasis(ctx: SummaryContext): SummaryBasis {
  const window = ctx.window;
  const approved = new Set(ctx.input.reports.map((r) => `${r.schoolId}|${r.period}`));
  const basis: SummaryBasis = { window: [...window], schools: ctx.input.schools.length, complete: 0, partial: [], missing: [], late: [] };
  for (const school of ctx.input.schools) {
    const missing = window.filter((p) => !approved.has(`${school.id}|${p}`));
    if (!missing.length) basis.complete += 1;
    else if (missing.length === window.length) basis.missing.push({ schoolId: school.id, name: ctx.name(school.id) });
    else basis.partial.push({ schoolId: school.id, name: ctx.name(school.id), missing });
  }
  const inWindow = new Set<Period>(window);
  const inScope = new Set(ctx.input.schools.map((s) => s.id));
  basis.late = ctx.input.submissions
    .filter((s) => s.late && inWindow.has(s.period) && inScope.has(s.schoolId))
    .map((s) => ({ schoolId: s.schoolId, name: ctx.name(s.schoolId), period: s.period }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || (a.period < b.period ? -1 : 1));
  return basis;
}

/** “第二季度”, “第一季度和第三季度”, or for a run of three or more “第一至第四季度”. */
function quarterWords(periods: readonly Period[]): string {
  const quarters = periods.map((p) => parsePeriod(p).quarter);
  const run = quarters.length >= 3 && quarters.every((q, i) => i === 0 || q === quarters[i - 1]! + 1);
  return run ? windowLabel(periods) : listJoin(quarters.map((q) => `第${chineseNumber(q)}季度`));
}

/** A school's own quarters: “我校第二季度”. */
function schoolsWithQuarters(entries: readonly { schoolId: number; name: string; periods: Period[] }[]): string {
  return `我校${quarterWords(entries.flatMap((e) => e.periods))}`;
}

/** The appendix rows of the reports a summary could not count, and of the late ones (the opening only counts them). */
export function basisEntries(ctx: SummaryContext, basis: SummaryBasis): MissedEntry[] {
  const row = (schoolId: number, actual: string): MissedEntry => ({
    schoolId,
    school: ctx.realName(schoolId),
    indicator: '季度报表',
    target: '按期报送并审核通过',
    actual,
    note: '',
  });
  return [
    ...basis.partial.map((p) => row(p.schoolId, `${quarterWords(p.missing)}报表尚未审核通过`)),
    ...basis.missing.map((m) => row(m.schoolId, `${windowLabel(basis.window)}报表均未审核通过`)),
    ...basis.late.map((l) => row(l.schoolId, `${quarterWords([l.period])}报表未按期报送`)),
  ];
}

export interface BasisFigures {
  total: Placed;
  complete: Placed;
  /** Schools with quarters not approved (or not reported), with the quarters. */
  incomplete: Placed | null;
  late: Placed | null;
}

/** The figures of the basis, recorded in the book so the statement “本总结数据取自…” is traceable too. */
export function basisFigures(ctx: SummaryContext, basis: SummaryBasis): BasisFigures {
  const school = ctx.level === 'school';
  const window = [...basis.window];
  const all = ctx.input.schools.map((s) => s.id);
  const src = (method: 'count_reporting' | 'schools_by_rule', schoolIds: number[], description: string) => ({
    method,
    indicator: null,
    schoolIds,
    periods: window,
    statuses: ['approved'] as ['approved'],
    description,
  });
  const total = ctx.book.put({
    id: 'schools_total',
    label: '纳入统计的学校数',
    value: basis.schools,
    text: schoolCount(basis.schools),
    indicator: null,
    source: src('count_reporting', all, '本县（市、区）在册、正常办学的学校数'),
  });
  const completeIds = ctx.input.schools
    .map((s) => s.id)
    .filter((id) => !basis.partial.some((p) => p.schoolId === id) && !basis.missing.some((m) => m.schoolId === id));
  const complete = ctx.book.put({
    id: 'schools_complete',
    label: `${windowLabel(window)}报表均已审核通过的学校数`,
    value: basis.complete,
    text: schoolCount(basis.complete),
    indicator: null,
    source: src('count_reporting', completeIds, `${windowLabel(window)}每个季度均有审核通过报表的学校数`),
  });
  const gaps = [
    ...basis.partial.map((p) => ({ schoolId: p.schoolId, name: p.name, periods: p.missing })),
    ...basis.missing.map((m) => ({ ...m, periods: window })),
  ];
  const incomplete = gaps.length
    ? ctx.book.put({
        id: 'reports_missing',
        label: '报表尚未审核通过的学校及季度',
        value: gaps.length,
        // A county's opening counts them (“2所”): the appendix names them with their quarters.
        text: school ? schoolsWithQuarters(gaps) : schoolCount(gaps.length),
        indicator: null,
        names: gaps.map((g) => g.name),
        source: src(
          'schools_by_rule',
          gaps.map((g) => g.schoolId),
          `${windowLabel(window)}中有季度没有审核通过报表的学校（未报送、草稿、待审核或已退回）`,
        ),
      })
    : null;
  const lateBySchool = new Map<number, { schoolId: number; name: string; periods: Period[] }>();
  for (const l of basis.late) {
    const entry = lateBySchool.get(l.schoolId) ?? { schoolId: l.schoolId, name: l.name, periods: [] };
    entry.periods.push(l.period);
    lateBySchool.set(l.schoolId, entry);
  }
  const lateEntries = [...lateBySchool.values()];
  const late = lateEntries.length
    ? ctx.book.put({
        id: 'reports_late',
        label: '迟报季度报表的学校及季度',
        value: lateEntries.length,
        text: school ? schoolsWithQuarters(lateEntries) : schoolCount(lateEntries.length),
        indicator: null,
        names: lateEntries.map((e) => e.name),
        source: src(
          'schools_by_rule',
          lateEntries.map((e) => e.schoolId),
          `${windowLabel(window)}报表在报送期限之后才报送（或期限已过仍未报送）的学校`,
        ),
      })
    : null;
  return { total, complete, incomplete, late };
}

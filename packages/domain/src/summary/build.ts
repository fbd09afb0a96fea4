import { partialYear } from '../wording/sentences.js';
import { appendixTables, summaryCharts } from './appendix.js';
import { basisEntries, basisFigures, summaryBasis, type BasisFigures } from './basis.js';
import { canteenSection } from './canteen.js';
import { summaryContext, type SummaryContext } from './context.js';
import { energySection } from './energy.js';
import { windowLabel } from './format.js';
import { greenSection } from './green.js';
import { insuranceSection } from './insurance.js';
import { plansSection } from './plans.js';
import { problemsSection } from './problems.js';
import { MISSED_TABLE_ID, MISSED_TABLE_TITLE, type SummaryDocument, type SummaryInput, type SummarySection, type SummaryTable } from './types.js';
import { section } from './write.js';

/** Who issues a summary unless the county set its own name: the unit's name + 教育局 (a school: the school itself). */
export function defaultIssuer(level: SummaryInput['level'], unitName: string): string {
  return level === 'school' ? unitName : `${unitName}教育局`;
}

/**
 * “青石县教育局2026年前三季度学校后勤工作总结” (the issuing unit, the year and its part: 第一季度 / 上半年 / 前三季度);
 * a school's: “青石县实验小学2026年上半年后勤工作总结”.
 */
export function summaryTitle(level: SummaryInput['level'], issuer: string, year: number, upToQuarter: SummaryInput['upToQuarter']): string {
  return `${issuer}${year}年${partialYear(upToQuarter)}${level === 'school' ? '' : '学校'}后勤工作总结`;
}

/** 附件：未达到目标的学校名单: every school 二、存在的问题 counts, with what it fell short of (by school code, in the order found). */
function missedTable(ctx: SummaryContext): SummaryTable | null {
  if (ctx.level === 'school' || !ctx.missed.length) return null;
  const order = new Map([...ctx.input.schools].sort((a, b) => a.code.localeCompare(b.code)).map((s, i) => [s.id, i]));
  const rows = ctx.missed
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (order.get(a.m.schoolId) ?? 0) - (order.get(b.m.schoolId) ?? 0) || a.i - b.i)
    .map(({ m }) => [m.school, m.indicator, m.target, m.actual, m.note]);
  const text = (key: string, label: string) => ({ key, label, format: 'text' as const });
  return {
    id: MISSED_TABLE_ID,
    title: MISSED_TABLE_TITLE,
    columns: [text('school', '学校'), text('indicator', '指标'), text('target', '目标'), text('actual', '实际'), text('note', '说明')],
    rows,
  };
}

function opening(ctx: SummaryContext, basis: BasisFigures): SummarySection {
  const school = ctx.level === 'school';
  const who = school ? '我校后勤工作在上级教育主管部门的指导下' : `${ctx.subject}学校后勤工作在上级主管部门的指导下、在各学校的支持配合下`;
  const intro = `${ctx.when}，${who}，坚持为教育教学服务、为师生服务的宗旨，扎实推进各项保险、节能降耗、绿色校园和食堂管理等工作。现将有关情况总结如下。`;
  const window = windowLabel(ctx.window);
  let source: string;
  if (school) {
    source = `本总结数据取自我校${window}经审核通过的季度报表${basis.incomplete ? `；${basis.incomplete.ref}报表尚未审核通过，相关数据未计入` : ''}。`;
  } else if (!basis.incomplete) {
    source = `本总结数据取自${ctx.subject}${basis.total.ref}学校${window}经审核通过的季度报表，各校报表齐全。`;
  } else {
    // The opening counts the schools whose reports are missing; the appendix names them.
    const some = basis.complete.value > 0 ? `，其中${basis.complete.ref}学校各季度报表均已审核通过` : '';
    source = `本总结数据取自${ctx.subject}${basis.total.ref}学校${window}经审核通过的季度报表${some}；另有${basis.incomplete.ref}学校有季度报表尚未审核通过，相关数据未计入（名单见附件）。`;
  }
  return section('opening', '', [intro, source])!;
}

/**
 * Drafts a summary from the year's approved reports: the opening with what it rests on, 一、取得的成绩及采取的措施
 * (one subsection per domain, each figure against its target), 二、存在的问题 (from shortfalls), 三、下一步工作打算
 * (from next year's targets), appendix tables and chart data. Every figure in the text is a `{{fig:id}}`
 * placeholder backed by `figures`. Pure: the same input gives the same document.
 */
export function buildSummary(input: SummaryInput): SummaryDocument {
  if (input.level === 'school' && input.schools.length !== 1) throw new RangeError('学校工作总结只能针对一所学校。');
  if (input.level === 'city' && !input.counties?.length) throw new RangeError('市级工作总结需要列出所辖县（市、区）。');
  const ctx = summaryContext(input);
  const basis = summaryBasis(ctx);
  const basisRefs = basisFigures(ctx, basis);
  const issuer = input.issuer?.trim() || defaultIssuer(input.level, input.unit.name);
  const domains = [insuranceSection(ctx), energySection(ctx), greenSection(ctx), canteenSection(ctx)];
  const achievements =
    section('achievements', ctx.level === 'school' ? '主要工作及成效' : '取得的成绩及采取的措施', [], domains) ??
    section('achievements', ctx.level === 'school' ? '主要工作及成效' : '取得的成绩及采取的措施', [`${ctx.when}尚无审核通过的报表数据。`])!;
  ctx.missed.push(...basisEntries(ctx, basis));
  const problems = problemsSection(ctx, basisRefs);
  const missed = missedTable(ctx);
  const plans = plansSection(ctx, problems);
  return {
    level: input.level,
    unit: input.unit,
    year: input.year,
    upToQuarter: input.upToQuarter,
    title: summaryTitle(input.level, issuer, input.year, input.upToQuarter),
    issuer,
    subject: ctx.subject,
    basis,
    sections: [opening(ctx, basisRefs), achievements, problems, plans],
    figures: ctx.book.figures,
    tables: [...(missed ? [missed] : []), ...appendixTables(ctx)],
    charts: summaryCharts(ctx),
  };
}

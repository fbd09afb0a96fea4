import { partialYear } from '../wording/sentences.js';
import { appendixTables, summaryCharts } from './appendix.js';
import { basisFigures, summaryBasis, type BasisFigures } from './basis.js';
import { canteenSection } from './canteen.js';
import { summaryContext, type SummaryContext } from './context.js';
import { energySection } from './energy.js';
import { windowLabel } from './format.js';
import { greenSection } from './green.js';
import { insuranceSection } from './insurance.js';
import { withMeasures } from './measures.js';
import { plansSection } from './plans.js';
import { problemsSection } from './problems.js';
import type { SummaryDocument, SummaryInput, SummarySection } from './types.js';
import { section } from './write.js';

/** “青石县2026年学校后勤工作总结（截至第三季度）”; a school's: “青石县实验小学2026年后勤工作总结”. */
export function summaryTitle(level: SummaryInput['level'], unitName: string, year: number, upToQuarter: SummaryInput['upToQuarter']): string {
  const partial = partialYear(upToQuarter);
  return `${unitName}${year}年${level === 'school' ? '' : '学校'}后勤工作总结${partial ? `（${partial}）` : ''}`;
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
    const some = basis.complete.value > 0 ? `，其中${basis.complete.ref}学校各季度报表均已审核通过` : '';
    source = `本总结数据取自${ctx.subject}${basis.total.ref}学校${window}经审核通过的季度报表${some}；${basis.incomplete.ref}报表尚未审核通过，相关数据未计入。`;
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
  const domains = [
    withMeasures(ctx, 'insurance', insuranceSection(ctx)),
    withMeasures(ctx, 'energy', energySection(ctx)),
    withMeasures(ctx, 'green', greenSection(ctx)),
    withMeasures(ctx, 'canteen', canteenSection(ctx)),
  ];
  const achievements =
    section('achievements', ctx.level === 'school' ? '主要工作及成效' : '取得的成绩及采取的措施', [], domains) ??
    section('achievements', ctx.level === 'school' ? '主要工作及成效' : '取得的成绩及采取的措施', [`${ctx.when}尚无审核通过的报表数据。`])!;
  const problems = problemsSection(ctx, basisRefs);
  const plans = plansSection(ctx, problems);
  return {
    level: input.level,
    unit: input.unit,
    year: input.year,
    upToQuarter: input.upToQuarter,
    title: summaryTitle(input.level, input.unit.name, input.year, input.upToQuarter),
    subject: ctx.subject,
    basis,
    sections: [opening(ctx, basisRefs), achievements, problems, plans],
    figures: ctx.book.figures,
    tables: appendixTables(ctx),
    charts: summaryCharts(ctx),
  };
}

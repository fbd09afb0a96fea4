import { indicator } from '../indicators/catalogue.js';
import type { IndicatorDomain } from '../indicators/types.js';
import { targetSchools } from '../targets/evaluate.js';
import type { Target } from '../targets/types.js';
import { describeTarget } from '../targets/validate.js';
import { listJoin } from '../wording/sentences.js';
import { plainNumbers, type SummaryContext } from './context.js';
import type { SummarySection } from './types.js';
import { item, quoted, section } from './write.js';

const PLAN_TITLES: Record<IndicatorDomain, string> = {
  insurance: '进一步做好各类保险工作',
  energy: '强力推进节约型学校建设',
  green: '继续推进绿色校园建设',
  canteen: '切实做好学校食品安全工作',
  basics: '夯实后勤管理基础工作',
};
const ORDER: IndicatorDomain[] = ['insurance', 'energy', 'green', 'canteen', 'basics'];

/** Which domain each problem item belongs to (missed targets go by their indicator). */
const PROBLEM_DOMAINS: Record<string, IndicatorDomain> = {
  'problems-liability': 'insurance',
  'problems-internship': 'insurance',
  'problems-premiums': 'insurance',
  'problems-canteens': 'canteen',
  'problems-energy': 'energy',
  'problems-reporting': 'basics',
};

function nextLabel(ctx: SummaryContext, t: Target): string {
  const countyName = ctx.level === 'city' ? ((ctx.input.counties ?? []).find((c) => c.id === t.countyId)?.name ?? '') : null;
  const schoolName = t.schoolId !== null ? ctx.name(t.schoolId) : undefined;
  const text = ctx.level === 'school' ? describeTarget({ ...t, schoolTypes: null, schoolId: ctx.input.schools[0]!.id }, '我校') : describeTarget(t, schoolName);
  return plainNumbers(countyName !== null ? `${countyName}${text.replace(/^全县/, '')}` : text.replace(/^全县/, ctx.subject));
}

/**
 * Next year's targets that speak for some school of the summary: an indicator that applies to none of them (实习责任险
 * in a county or school without a vocational school), or a target narrowed to types it does not have, is left out. A
 * school's summary states the each-school targets that hold for it (its own, its type's, or the general one).
 */
export function applicableTargets(ctx: SummaryContext): Target[] {
  const all = ctx.input.nextTargets;
  return all.filter((t) => {
    if (ctx.level === 'school' && t.kind !== 'each_school') return false;
    const county = all.filter((o) => o.countyId === t.countyId);
    const schools = ctx.input.schools.filter((s) => s.countyId === t.countyId);
    return targetSchools(t, county, schools).length > 0;
  });
}

/** 三、下一步工作打算: next year's targets by domain, finishing this year's (in a partial year), and the problems found. */
export function plansSection(ctx: SummaryContext, problems: SummarySection): SummarySection {
  const next = ctx.input.year + 1;
  const school = ctx.level === 'school';
  // The problems of each domain, in words: the items' titles, and the targets missed.
  const problemWords = new Map<IndicatorDomain, string[]>();
  const note = (domain: IndicatorDomain, words: string) => problemWords.set(domain, [...(problemWords.get(domain) ?? []), words]);
  for (const c of problems.children) if (PROBLEM_DOMAINS[c.id]) note(PROBLEM_DOMAINS[c.id]!, c.title);
  // In a partial year missed targets are still to be finished: said once, as “全力确保完成…”.
  if (!ctx.partial) for (const s of ctx.targets) if (s.result.met === false) note(indicator(s.target.indicator).domain, `${quoted(s.label)}目标未完成`);
  const nextTargets = applicableTargets(ctx);

  const items = ORDER.map((domain) => {
    const planned = nextTargets.filter((t) => indicator(t.indicator).domain === domain).map((t) => nextLabel(ctx, t));
    const unfinished = ctx.partial
      ? ctx.targets.filter((s) => s.result.met === false && indicator(s.target.indicator).domain === domain).map((s) => quoted(s.label))
      : [];
    const found = problemWords.get(domain) ?? [];
    const sentences = [
      unfinished.length > 0 && `全力确保完成${unfinished.join('、')}的全年目标。`,
      found.length > 0 &&
        (domain === 'basics'
          ? school
            ? '严格按期如实报送季度数据，及时补报尚未审核通过的报表。'
            : '督促各学校在报送期限内如实报送季度数据，及时补报尚未审核通过的报表。'
          : `针对${listJoin(found)}的问题，${school ? '逐项制定整改措施，限期整改到位' : '督促有关学校逐项整改，教育局跟踪督查'}。`),
      planned.length > 0 && `${next}年，力争${planned.join('，')}。`,
    ];
    return item(`plans-${domain}`, PLAN_TITLES[domain], sentences);
  }).filter((s): s is SummarySection => s !== null);

  const opening = items.length
    ? ctx.partial
      ? '针对存在的问题，现对下一步工作打算如下。'
      : `针对存在的问题，结合${next}年工作重点，现对${next}年${school ? '我校' : ''}后勤工作打算如下。`
    : `${next}年工作目标尚未设定；在目标管理中设定后重新生成草稿，即可在此列出。`;
  return section('plans', school ? '下一步打算' : '下一步工作打算', [opening], items)!;
}

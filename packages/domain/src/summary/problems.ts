import { change, indicatorValue } from '../aggregate/group.js';
import type { SchoolWindow } from '../aggregate/window.js';
import { applies, indicator } from '../indicators/catalogue.js';
import { statusLabel, targetRequirement } from '../targets/validate.js';
import * as n from '../wording/numbers.js';
import type { BasisFigures } from './basis.js';
import { actualText, type MissedEntry, type SummaryContext, type TargetState } from './context.js';
import { indicatorFigure, schoolListFigure, type Placed } from './figures.js';
import { windowLabel } from './format.js';
import type { SummarySection } from './types.js';
import { item, lastYear, quoted, section } from './write.js';

/** A school whose total energy use rose more than this on the same quarters of last year is named as a problem. */
export const ENERGY_RISE_PERCENT = 20;

type Text = string | null | false | undefined;
const joined = (parts: readonly Text[]): string | null => {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return kept.length ? `${kept.join('；')}。` : null;
};

const numberOf = (code: string, w: SchoolWindow): number | null => {
  const v = indicatorValue(indicator(code), w);
  return typeof v === 'number' ? v : null;
};

/** Schools the rule concerns and how many schools of the county it could concern (those an indicator applies to). */
function applicableCount(ctx: SummaryContext, code: string): number {
  const ind = indicator(code);
  return ctx.input.schools.filter((s) => applies(ind, s)).length;
}

/**
 * The causes the schools concerned gave in their reports' explanations, as one clause (“据有关学校说明，主要原因是：
 * 新生入学后尚未参保；……”), at most three, each once; null when none explained.
 */
function causes(ctx: SummaryContext, schoolIds: readonly number[], codes: readonly string[]): string | null {
  const texts = [...new Set(schoolIds.map((id) => ctx.explain(id, codes)).filter((t): t is string => t !== null))].slice(0, 3);
  if (!texts.length) return null;
  return `${ctx.level === 'school' ? '主要原因是' : '据有关学校说明，主要原因是'}：${texts.join('；')}`;
}

/** Adds the appendix rows of the schools a problem concerns (the explanation of the first code that has one). */
function list(
  ctx: SummaryContext,
  schoolIds: readonly number[],
  row: (id: number) => Omit<MissedEntry, 'schoolId' | 'school' | 'note'>,
  codes: readonly string[],
) {
  for (const id of schoolIds) ctx.missed.push({ schoolId: id, school: ctx.realName(id), ...row(id), note: ctx.explain(id, codes) ?? '' });
}

/** The inputs behind an indicator: the codes whose explanations speak of it (a rate's explanation sits on its inputs). */
function explainedBy(code: string): string[] {
  const ind = indicator(code);
  const inputs = ind.formula ? [...ind.formula.numerator, ...(ind.formula.denominator ?? [])].flatMap((o) => ('indicator' in o ? [o.indicator] : [])) : [];
  return [code, ...inputs];
}

/** The worst figure among the schools that missed: “实际为98.5%”, or “其中最低的为95.2%”. */
function worst(ctx: SummaryContext, id: string, label: string, state: TargetState, misses: readonly { schoolId: number; value: number }[]): Placed | null {
  if (!misses.length) return null;
  const w = misses[0]!;
  const lowest = state.target.comparator === 'gte';
  const text =
    misses.length === 1 ? `实际为${actualText(state.target, w.value)}` : `其中${lowest ? '最低' : '差距最大'}的为${actualText(state.target, w.value)}`;
  return ctx.book.put({
    id,
    label,
    value: w.value,
    text,
    indicator: state.target.indicator,
    source: {
      ...state.figure.figure.source,
      method: 'target',
      schoolIds: misses.map((m) => m.schoolId),
      description: `${label}（按与目标的差距排序，取差距最大的一所）`,
    },
  });
}

function missedTargets(ctx: SummaryContext): SummarySection | null {
  const missed = ctx.targets.filter((s) => s.result.met === false);
  if (!missed.length) return null;
  const parts = missed.map((s) => {
    const each = s.target.kind === 'each_school';
    const ind = indicator(s.target.indicator);
    const misses = (s.result.checks ?? []).flatMap((c) => (c.met === false && typeof c.value === 'number' ? [{ schoolId: c.schoolId, value: c.value }] : []));
    if (each) {
      list(
        ctx,
        (s.result.checks ?? []).filter((c) => c.met === false).map((c) => c.schoolId),
        (id) => {
          const check = s.result.checks!.find((c) => c.schoolId === id)!;
          return {
            indicator: s.target.measure === 'change_percent' ? `${ind.name.zh}较上年变化` : ind.name.zh,
            target: targetRequirement(s.target),
            actual: typeof check.value === 'number' ? actualText(s.target, check.value) : check.value === null ? '暂无数据' : statusLabel(ind, check.value),
          };
        },
        explainedBy(s.target.indicator),
      );
    }
    if (each && ctx.level !== 'school') {
      const figure = worst(ctx, `target_${s.target.id}_worst`, `未达到“${s.label}”的学校中差距最大的一所的实际值`, s, misses);
      const why = causes(
        ctx,
        misses.map((m) => m.schoolId),
        explainedBy(s.target.indicator),
      );
      return [`${s.figure.ref}${ctx.partial ? '尚未达到' : '未达到'}${quoted(s.label)}的目标`, figure?.ref, why].filter(Boolean).join('，');
    }
    const why = ctx.level === 'school' && each ? causes(ctx, [ctx.input.schools[0]!.id], explainedBy(s.target.indicator)) : null;
    return [`${quoted(s.label)}的目标${ctx.partial ? '尚未达到，截至目前为' : '未完成，实际为'}${s.figure.ref}`, why].filter(Boolean).join('，');
  });
  const title = ctx.partial ? '部分指标尚未达到年度目标' : ctx.level === 'school' ? '个别指标未完成年度目标' : '部分指标未完成年度目标';
  return item('problems-targets', title, [joined(parts)]);
}

/** The schools of a rule as one figure: counted (“少数学校（2所）”), named in `names` and in the appendix. */
function concernedFigure(
  ctx: SummaryContext,
  id: string,
  label: string,
  code: string | null,
  schools: readonly SchoolWindow[],
  description: string,
  total: number,
) {
  return schoolListFigure(ctx, id, label, code, schools, description, { text: ctx.concerned(schools.length, total) });
}

function liabilityGaps(ctx: SummaryContext): SummarySection | null {
  // Covered by a target already (missed targets are listed above).
  if (ctx.targets.some((s) => s.target.indicator === 'liability_rate' || s.target.indicator === 'liability_insured')) return null;
  const short = ctx.windows.filter((w) => {
    const rate = numberOf('liability_rate', w);
    return rate !== null && rate < 100 - 1e-9;
  });
  if (!short.length) return null;
  const ids = short.map((w) => w.school.id);
  const figures = concernedFigure(
    ctx,
    'liability_short_schools',
    '校方责任险参保率不足100%的学校',
    'liability_rate',
    short,
    '校方责任险参保人数少于在校学生数的学校（校方责任险应保尽保）',
    applicableCount(ctx, 'liability_rate'),
  );
  const lowest = Math.min(...short.map((w) => numberOf('liability_rate', w)!));
  const low = ctx.book.put({
    id: 'liability_short_lowest',
    label: '校方责任险参保率不足100%的学校中最低的参保率',
    value: lowest,
    text: n.rate(lowest),
    indicator: 'liability_rate',
    source: { ...figures.figure.source, method: 'schools_by_rule', description: '校方责任险参保率不足100%的学校中，参保率最低的一所的参保率' },
  });
  list(
    ctx,
    ids,
    (id) => ({
      indicator: '校方责任险参保率',
      target: '达到100%（应保尽保）',
      actual: n.rate(numberOf('liability_rate', short.find((w) => w.school.id === id)!)!),
    }),
    explainedBy('liability_rate'),
  );
  const text = joined([
    `${figures.ref}校方责任险参保率不足100%，${short.length > 1 ? '最低的为' : '为'}${low.ref}，未做到应保尽保`,
    causes(ctx, ids, explainedBy('liability_rate')),
  ]);
  return item('problems-liability', '校方责任险未做到应保尽保', [text]);
}

function internship(ctx: SummaryContext): SummarySection | null {
  const short = ctx.windows.filter((w) => {
    const interns = numberOf('interns', w);
    if (interns === null || interns === 0) return false;
    return (numberOf('internship_insured', w) ?? 0) < interns;
  });
  if (!short.length) return null;
  const ids = short.map((w) => w.school.id);
  const rate = indicatorFigure(ctx, 'internship_rate', 'internship_rate');
  const listed = concernedFigure(
    ctx,
    'internship_short_schools',
    '实习责任险未做到人人参保的职业学校',
    'internship_rate',
    short,
    '实习责任险参保人数少于顶岗实习学生数的中等职业学校',
    applicableCount(ctx, 'interns'),
  );
  list(
    ctx,
    ids,
    (id) => {
      const r = numberOf('internship_rate', short.find((w) => w.school.id === id)!);
      return { indicator: '实习责任险参保率', target: '达到100%（人人参保）', actual: r === null ? '暂无数据' : n.rate(r) };
    },
    explainedBy('internship_rate'),
  );
  const why = causes(ctx, ids, explainedBy('internship_rate'));
  const text =
    ctx.level === 'school'
      ? joined([`我校顶岗实习学生实习责任险参保率${rate ? `为${rate.ref}` : '偏低'}，未做到人人参保`, why])
      : joined([`${rate ? `${ctx.subject}中等职业学校实习责任险参保率仅为${rate.ref}，` : ''}${listed.ref}顶岗实习学生未做到人人参保`, why]);
  return item('problems-internship', '职业学校实习责任险参保率偏低', [text]);
}

function premiums(ctx: SummaryContext): SummarySection | null {
  const code = 'accident_premium_collected_by_school';
  const holders = ctx.windows.filter((w) => w.values[code] === true);
  if (!holders.length) return null;
  const figure = concernedFigure(
    ctx,
    'premium_collected_schools',
    '代收学平险保费的学校',
    code,
    holders,
    '填报“学校代收学平险保费”为“是”的学校',
    applicableCount(ctx, code),
  );
  list(
    ctx,
    holders.map((w) => w.school.id),
    () => ({ indicator: '学平险保费', target: '学校及教职工不代收保费', actual: '代收保费' }),
    [code],
  );
  return item('problems-premiums', ctx.level === 'school' ? '违规代收学平险保费' : '个别学校违规代收学平险保费', [
    joined([
      `${figure.ref}存在代收学平险保费的情况，不符合“学校及教职工不得代收保费”的规定`,
      causes(
        ctx,
        holders.map((w) => w.school.id),
        [code],
      ),
    ]),
  ]);
}

function canteens(ctx: SummaryContext): SummarySection | null {
  const canteenSchools = applicableCount(ctx, 'food_safety_grade');
  const clauses: Text[] = [];
  const concerned = new Set<number>();
  /** One kind of shortfall: its schools counted in the text, named in the appendix, with the causes given. */
  const rule = (
    id: string,
    code: string,
    pick: (w: SchoolWindow) => boolean,
    label: string,
    clause: (ref: string) => string,
    row: (w: SchoolWindow) => Omit<MissedEntry, 'schoolId' | 'school' | 'note'>,
    codes: readonly string[] = [code],
  ) => {
    const schools = ctx.windows.filter(pick);
    if (!schools.length) return null;
    const figure = concernedFigure(ctx, id, label, code, schools, label, canteenSchools);
    for (const w of schools) {
      ctx.missed.push({ schoolId: w.school.id, school: ctx.realName(w.school.id), ...row(w), note: ctx.explain(w.school.id, codes) ?? '' });
      concerned.add(w.school.id);
    }
    clauses.push(clause(figure.ref));
  };
  const grade = (w: SchoolWindow) => w.values.food_safety_grade;
  rule(
    'grade_C_schools',
    'food_safety_grade',
    (w) => grade(w) === 'C',
    '食品安全量化等级为C级的学校',
    (ref) => `${ref}食堂食品安全量化等级为C级`,
    () => ({ indicator: '食品安全量化等级', target: 'B级以上', actual: 'C级' }),
  );
  rule(
    'grade_none_schools',
    'food_safety_grade',
    (w) => grade(w) === 'none',
    '食堂尚未评定量化等级的学校',
    (ref) => `${ref}食堂尚未评定量化等级`,
    () => ({ indicator: '食品安全量化等级', target: '评定量化等级', actual: '未评级' }),
  );
  rule(
    'open_kitchen_missing',
    'open_kitchen',
    (w) => w.values.open_kitchen === false,
    '尚未实现明厨亮灶的学校',
    (ref) => `${ref}食堂尚未实现明厨亮灶`,
    () => ({ indicator: '明厨亮灶', target: '实现明厨亮灶', actual: '未实现' }),
  );
  rule(
    'samples_missing',
    'sample_retention_compliant',
    (w) => w.values.sample_retention_compliant === false,
    '未按规定留样的学校',
    (ref) => `${ref}未按规定留样`,
    () => ({ indicator: '食品留样', target: '按规定留样', actual: '未按规定留样' }),
  );
  rule(
    'health_cert_short_schools',
    'health_cert_rate',
    (w) => {
      const rate = numberOf('health_cert_rate', w);
      return rate !== null && rate < 100 - 1e-9;
    },
    '食堂从业人员未全部持有效健康证的学校',
    (ref) => `${ref}食堂从业人员未全部持有效健康证`,
    (w) => ({ indicator: '从业人员健康证持证率', target: '达到100%', actual: n.rate(numberOf('health_cert_rate', w)!) }),
    explainedBy('health_cert_rate'),
  );
  const outstandingOf = (w: SchoolWindow) => {
    const found = numberOf('issues_found', w);
    return found === null ? 0 : found - (numberOf('issues_rectified', w) ?? 0);
  };
  const open = ctx.windows.filter((w) => outstandingOf(w) > 0);
  if (open.length) {
    const count = open.reduce((t, w) => t + outstandingOf(w), 0);
    const outstanding = ctx.book.put({
      id: 'issues_open',
      label: '尚未整改的问题数',
      value: count,
      text: `${n.count(count)}起`,
      indicator: 'issues_rectified',
      source: {
        method: 'sum',
        indicator: 'issues_rectified',
        schoolIds: open.map((w) => w.school.id),
        periods: [...ctx.window],
        statuses: ['approved'],
        description: `各校${windowLabel(ctx.window)}发现问题数之和 − 已整改问题数之和（仅计尚有问题未整改的学校）`,
      },
    });
    rule(
      'issues_open_schools',
      'issues_rectified',
      (w) => open.includes(w),
      '检查发现问题尚未全部整改的学校',
      (ref) => `${ref}尚有${outstanding.ref}检查发现的问题未整改到位`,
      (w) => ({ indicator: '检查发现问题整改', target: '全部整改到位', actual: `尚有${n.count(outstandingOf(w))}起未整改` }),
      ['issues_rectified', 'issues_found'],
    );
  }
  rule(
    'food_incident_schools',
    'food_incidents',
    (w) => (numberOf('food_incidents', w) ?? 0) > 0,
    '发生食品安全事故的学校',
    (ref) => `${ref}发生了食品安全事故`,
    (w) => ({ indicator: '食品安全事故起数', target: '为零', actual: `${n.count(numberOf('food_incidents', w)!)}起` }),
  );
  const text = joined([...clauses, causes(ctx, [...concerned], CANTEEN_CODES)]);
  return item('problems-canteens', ctx.level === 'school' ? '食堂管理仍有薄弱环节' : '个别学校食堂管理存在薄弱环节', [text]);
}

const CANTEEN_CODES = [
  'food_safety_grade',
  'open_kitchen',
  'sample_retention_compliant',
  'canteen_staff_certified',
  'issues_rectified',
  'issues_found',
  'food_incidents',
];

function energyRises(ctx: SummaryContext): SummarySection | null {
  const before = new Map(ctx.comparable.previous.map((w) => [w.school.id, w]));
  const rises = ctx.comparable.current.flatMap((w) => {
    const previous = before.get(w.school.id);
    if (!previous) return [];
    const c = change(numberOf('energy_kgce', w), numberOf('energy_kgce', previous));
    return c.percent !== null && c.percent > ENERGY_RISE_PERCENT ? [{ w, percent: c.percent }] : [];
  });
  if (!rises.length) return null;
  rises.sort((a, b) => b.percent - a.percent);
  const ids = rises.map((r) => r.w.school.id);
  const source = {
    method: 'schools_by_rule' as const,
    indicator: 'energy_kgce',
    schoolIds: ids,
    periods: [...ctx.window],
    comparedPeriods: [...ctx.previousWindow],
    statuses: ['approved'] as ['approved'],
    description: `综合能耗（用电、天然气、燃煤折标准煤之和）${lastYear(ctx)}增长超过${ENERGY_RISE_PERCENT}%的学校，按两年同期均有审核通过报表的季度计算`,
  };
  const listed = ctx.book.put({
    id: 'energy_rise_schools',
    label: `综合能耗${lastYear(ctx)}增长超过${ENERGY_RISE_PERCENT}%的学校`,
    value: rises.length,
    text: ctx.concerned(rises.length, ctx.comparable.current.length),
    indicator: 'energy_kgce',
    names: rises.map((r) => ctx.name(r.w.school.id)),
    source,
  });
  const top = ctx.book.put({
    id: 'energy_rise_most',
    label: `综合能耗${lastYear(ctx)}增幅最大的学校的增幅`,
    value: rises[0]!.percent,
    text: n.change(rises[0]!.percent),
    indicator: 'energy_kgce',
    source: { ...source, schoolIds: [rises[0]!.w.school.id], description: `综合能耗${lastYear(ctx)}增幅超过${ENERGY_RISE_PERCENT}%的学校中增幅最大的一所` },
  });
  list(
    ctx,
    ids,
    (id) => ({
      indicator: `综合能耗${lastYear(ctx)}变化`,
      target: `增幅不超过${ENERGY_RISE_PERCENT}%`,
      actual: n.change(rises.find((r) => r.w.school.id === id)!.percent),
    }),
    ENERGY_CODES,
  );
  const why = causes(ctx, ids, ENERGY_CODES);
  const one = rises.length === 1;
  const text =
    ctx.level === 'school'
      ? joined([`我校综合能耗${lastYear(ctx)}${top.ref}，增幅较大，需查明原因、加强管理`, why])
      : joined([
          one
            ? `${listed.ref}综合能耗${lastYear(ctx)}${top.ref}，增幅超过${ENERGY_RISE_PERCENT}%，需查明原因、加强管理`
            : `${listed.ref}综合能耗${lastYear(ctx)}增幅超过${ENERGY_RISE_PERCENT}%，其中增幅最大的${top.ref}，需查明原因、加强管理`,
          why,
        ]);
  return item('problems-energy', ctx.level === 'school' ? '能耗增幅较大' : `${one ? '个别' : '部分'}学校能耗增幅较大`, [text]);
}

const ENERGY_CODES = ['energy_kgce', 'electricity_kwh', 'gas_m3', 'coal_kg'];

function reporting(ctx: SummaryContext, basis: BasisFigures): SummarySection | null {
  const total = ctx.input.schools.length;
  const late = basis.late && ctx.book.put({ ...basis.late.figure, id: 'reports_late_schools', text: ctx.concerned(basis.late.value, total) });
  const incomplete =
    basis.incomplete && ctx.book.put({ ...basis.incomplete.figure, id: 'reports_missing_schools', text: ctx.concerned(basis.incomplete.value, total) });
  const text = joined([
    late && `${ctx.level === 'school' ? basis.late!.ref : late.ref}报表未按期报送`,
    incomplete && `${ctx.level === 'school' ? basis.incomplete!.ref : incomplete.ref}报表尚未审核通过，相关数据未计入本总结`,
  ]);
  return item('problems-reporting', ctx.level === 'school' ? '数据报送不够及时' : '个别学校数据报送不够及时', [text]);
}

/**
 * 二、存在的问题: generated from shortfalls. A county's text names no school: it counts them (个别学校, 少数学校（2所）),
 * gives the figure and the causes the schools explained, and lists them in 附件：未达到目标的学校名单 (ctx.missed).
 */
export function problemsSection(ctx: SummaryContext, basis: BasisFigures): SummarySection {
  const items = [missedTargets(ctx), liabilityGaps(ctx), internship(ctx), premiums(ctx), canteens(ctx), energyRises(ctx), reporting(ctx, basis)].filter(
    (s): s is SummarySection => s !== null,
  );
  const who = ctx.level === 'school' ? '我校' : `${ctx.subject}学校`;
  const listed = ctx.level !== 'school' && ctx.missed.length > 0 ? '有关学校名单见附件。' : '';
  const opening = items.length
    ? `${ctx.when}，${who}后勤工作取得了一定成绩，但从报送的数据看，也还存在一些${ctx.level === 'school' ? '不足' : '问题'}。${listed}`
    : `从审核通过的报表数据看，${ctx.when}${who}后勤工作未发现突出问题。`;
  return section('problems', ctx.level === 'school' ? '存在的不足' : '存在的问题', [opening], items)!;
}

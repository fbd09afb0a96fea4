import { change, indicatorValue } from '../aggregate/group.js';
import type { SchoolWindow } from '../aggregate/window.js';
import { indicator } from '../indicators/catalogue.js';
import * as n from '../wording/numbers.js';
import type { BasisFigures } from './basis.js';
import type { SummaryContext } from './context.js';
import { indicatorFigure, schoolListFigure, statusFigure, type Placed } from './figures.js';
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

function missedTargets(ctx: SummaryContext): SummarySection | null {
  const missed = ctx.targets.filter((s) => s.result.met === false);
  if (!missed.length) return null;
  const parts = missed.map((s) => {
    if (s.target.kind === 'each_school' && ctx.level !== 'school') return `${s.figure.ref}${ctx.partial ? '尚未达到' : '未达到'}${quoted(s.label)}的目标`;
    return `${quoted(s.label)}的目标${ctx.partial ? '尚未达到，截至目前为' : '未完成，实际为'}${s.figure.ref}`;
  });
  const title = ctx.partial ? '部分指标尚未达到年度目标' : ctx.level === 'school' ? '个别指标未完成年度目标' : '部分指标未完成年度目标';
  return item('problems-targets', title, [joined(parts)]);
}

function liabilityGaps(ctx: SummaryContext): SummarySection | null {
  // Covered by a target already (missed targets are listed above).
  if (ctx.targets.some((s) => s.target.indicator === 'liability_rate' || s.target.indicator === 'liability_insured')) return null;
  const short = ctx.windows.filter((w) => {
    const rate = numberOf('liability_rate', w);
    return rate !== null && rate < 100 - 1e-9;
  });
  if (!short.length) return null;
  const list = schoolListFigure(
    ctx,
    'liability_short_schools',
    '校方责任险参保率不足100%的学校',
    'liability_rate',
    short,
    '校方责任险参保人数少于在校学生数的学校（校方责任险应保尽保）',
  );
  return item('problems-liability', '校方责任险未做到应保尽保', [`${list.ref}校方责任险参保率不足100%，未做到应保尽保。`]);
}

function internship(ctx: SummaryContext): SummarySection | null {
  const short = ctx.windows.filter((w) => {
    const interns = numberOf('interns', w);
    if (interns === null || interns === 0) return false;
    return (numberOf('internship_insured', w) ?? 0) < interns;
  });
  if (!short.length) return null;
  const rate = indicatorFigure(ctx, 'internship_rate', 'internship_rate');
  const list = schoolListFigure(
    ctx,
    'internship_short_schools',
    '实习责任险未做到人人参保的职业学校',
    'internship_rate',
    short,
    '实习责任险参保人数少于顶岗实习学生数的中等职业学校',
  );
  const text =
    ctx.level === 'school'
      ? `我校顶岗实习学生实习责任险参保率${rate ? `为${rate.ref}` : '偏低'}，未做到人人参保。`
      : `${rate ? `${ctx.subject}中等职业学校实习责任险参保率仅为${rate.ref}，` : ''}${list.ref}顶岗实习学生未做到人人参保。`;
  return item('problems-internship', '职业学校实习责任险参保率偏低', [text]);
}

function premiums(ctx: SummaryContext): SummarySection | null {
  const collected = statusFigure(ctx, 'premium_collected', 'accident_premium_collected_by_school', [true], { names: true, label: '代收学平险保费的学校' });
  if (!collected || collected.value === 0) return null;
  return item('problems-premiums', '个别学校违规代收学平险保费', [`${collected.ref}存在代收学平险保费的情况，不符合“学校及教职工不得代收保费”的规定。`]);
}

function canteens(ctx: SummaryContext): SummarySection | null {
  const named = (id: string, code: string, values: (string | boolean)[], label: string) => {
    const f = statusFigure(ctx, id, code, values, { names: true, label });
    return f && f.value > 0 ? f : null;
  };
  const gradeC = named('grade_C_schools', 'food_safety_grade', ['C'], '食品安全量化等级为C级的学校');
  const ungraded = named('grade_none_schools', 'food_safety_grade', ['none'], '食堂尚未评定量化等级的学校');
  const closed = named('open_kitchen_missing', 'open_kitchen', [false], '尚未实现明厨亮灶的学校');
  const samples = named('samples_missing', 'sample_retention_compliant', [false], '未按规定留样的学校');
  const open = ctx.windows.filter((w) => {
    const found = numberOf('issues_found', w);
    return found !== null && found > (numberOf('issues_rectified', w) ?? 0);
  });
  let outstanding: Placed | null = null;
  let openList: Placed | null = null;
  if (open.length) {
    openList = schoolListFigure(ctx, 'issues_open_schools', '检查发现问题尚未全部整改的学校', 'issues_rectified', open, '发现问题数大于已整改问题数的学校');
    const count = open.reduce((t, w) => t + (numberOf('issues_found', w) ?? 0) - (numberOf('issues_rectified', w) ?? 0), 0);
    outstanding = ctx.book.put({
      id: 'issues_open',
      label: '尚未整改的问题数',
      value: count,
      text: `${n.count(count)}起`,
      indicator: 'issues_rectified',
      source: {
        ...openList.figure.source,
        method: 'sum',
        description: `各校${windowLabel(ctx.window)}发现问题数之和 − 已整改问题数之和（仅计尚有问题未整改的学校）`,
      },
    });
  }
  const uncertified = ctx.windows.filter((w) => {
    const rate = numberOf('health_cert_rate', w);
    return rate !== null && rate < 100 - 1e-9;
  });
  const certList = uncertified.length
    ? schoolListFigure(
        ctx,
        'health_cert_short_schools',
        '食堂从业人员未全部持有效健康证的学校',
        'health_cert_rate',
        uncertified,
        '持有效健康证人数少于食堂从业人员数的学校',
      )
    : null;
  const incidents = ctx.windows.filter((w) => (numberOf('food_incidents', w) ?? 0) > 0);
  const incidentList = incidents.length
    ? schoolListFigure(ctx, 'food_incident_schools', '发生食品安全事故的学校', 'food_incidents', incidents, '食品安全事故起数大于0的学校')
    : null;
  const text = joined([
    gradeC && `${gradeC.ref}食堂食品安全量化等级为C级`,
    ungraded && `${ungraded.ref}食堂尚未评定量化等级`,
    closed && `${closed.ref}食堂尚未实现明厨亮灶`,
    samples && `${samples.ref}未按规定留样`,
    certList && `${certList.ref}食堂从业人员未全部持有效健康证`,
    openList && outstanding && `${openList.ref}尚有${outstanding.ref}检查发现的问题未整改到位`,
    incidentList && `${incidentList.ref}发生了食品安全事故`,
  ]);
  return item('problems-canteens', ctx.level === 'school' ? '食堂管理仍有薄弱环节' : '个别学校食堂管理存在薄弱环节', [text]);
}

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
  const shown = rises.slice(0, 5).map((r) => (ctx.level === 'school' ? n.change(r.percent) : `${ctx.name(r.w.school.id)}（${n.change(r.percent)}）`));
  const list = ctx.book.put({
    id: 'energy_rise_schools',
    label: `综合能耗${lastYear(ctx)}增长超过${ENERGY_RISE_PERCENT}%的学校`,
    value: rises.length,
    text: ctx.level === 'school' ? shown[0]! : rises.length > 5 ? `${shown.join('、')}等${rises.length}所学校` : shown.join('、'),
    indicator: 'energy_kgce',
    names: rises.map((r) => ctx.name(r.w.school.id)),
    source: {
      method: 'schools_by_rule',
      indicator: 'energy_kgce',
      schoolIds: rises.map((r) => r.w.school.id),
      periods: [...ctx.window],
      comparedPeriods: [...ctx.previousWindow],
      statuses: ['approved'],
      description: `综合能耗（用电、天然气、燃煤折标准煤之和）${lastYear(ctx)}增长超过${ENERGY_RISE_PERCENT}%的学校，按两年同期均有审核通过报表的季度计算`,
    },
  });
  const text =
    ctx.level === 'school'
      ? `我校综合能耗${lastYear(ctx)}${list.ref}，增幅较大，需查明原因、加强管理。`
      : `${list.ref}综合能耗${lastYear(ctx)}增幅超过${ENERGY_RISE_PERCENT}%，需查明原因、加强管理。`;
  return item('problems-energy', ctx.level === 'school' ? '能耗增幅较大' : '部分学校能耗增幅较大', [text]);
}

function reporting(ctx: SummaryContext, basis: BasisFigures): SummarySection | null {
  const text = joined([basis.late && `${basis.late.ref}报表未按期报送`, basis.incomplete && `${basis.incomplete.ref}报表尚未审核通过，相关数据未计入本总结`]);
  return item('problems-reporting', ctx.level === 'school' ? '数据报送不够及时' : '个别学校数据报送不够及时', [text]);
}

/** 二、存在的问题: generated from shortfalls; each item names the schools concerned. */
export function problemsSection(ctx: SummaryContext, basis: BasisFigures): SummarySection {
  const items = [missedTargets(ctx), liabilityGaps(ctx), internship(ctx), premiums(ctx), canteens(ctx), energyRises(ctx), reporting(ctx, basis)].filter(
    (s): s is SummarySection => s !== null,
  );
  const who = ctx.level === 'school' ? '我校' : `${ctx.subject}学校`;
  const opening = items.length
    ? `${ctx.when}，${who}后勤工作取得了一定成绩，但从报送的数据看，也还存在一些${ctx.level === 'school' ? '不足' : '问题'}。`
    : `从审核通过的报表数据看，${ctx.when}${who}后勤工作未发现突出问题。`;
  return section('problems', ctx.level === 'school' ? '存在的不足' : '存在的问题', [opening], items)!;
}

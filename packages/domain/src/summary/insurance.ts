import { sentence } from '../wording/sentences.js';
import type { SummaryContext } from './context.js';
import { indicatorFigure, reportingFigure, statusFigure } from './figures.js';
import type { SummarySection } from './types.js';
import { domainOnTrack, item, remainingTargets, section, sofar, targetClause } from './write.js';

const FULL = 100 - 1e-9;

function liability(ctx: SummaryContext): SummarySection | null {
  const insured = indicatorFigure(ctx, 'liability_insured', 'liability_insured');
  if (!insured) return null;
  const rate = indicatorFigure(ctx, 'liability_rate', 'liability_rate');
  const schools = reportingFigure(ctx, 'liability_schools', 'liability_insured', '参加校方责任险的学校数');
  const opening = ctx.level === 'school' ? `${ctx.when}，我校参加校方责任险` : `${ctx.when}，${ctx.subject}共有${schools!.ref}学校参加校方责任险`;
  const full = rate !== null && rate.value >= FULL;
  return item('insurance-liability', full ? '校方责任险做到应保尽保' : '进一步做好校方责任险工作', [
    sentence([opening, `参保学生${insured.ref}`, rate && `参保率${rate.ref}`, targetClause(ctx, 'liability_rate'), targetClause(ctx, 'liability_insured')]),
  ]);
}

function accident(ctx: SummaryContext): SummarySection | null {
  const insured = indicatorFigure(ctx, 'accident_insured', 'accident_insured');
  const collected = statusFigure(ctx, 'premium_collected', 'accident_premium_collected_by_school', [true], { names: true, label: '代收学平险保费的学校' });
  if (!insured && !collected) return null;
  const rate = indicatorFigure(ctx, 'accident_rate', 'accident_rate');
  const reported = collected ? reportingFigure(ctx, 'premium_reported', 'accident_premium_collected_by_school', '填报是否代收学平险保费的学校数') : null;
  let clean: string | null = null;
  if (collected && collected.value === 0) {
    clean =
      ctx.level === 'school'
        ? '我校严格执行学生家长自愿参保的规定，未代收保费。'
        : reported!.value === 1
          ? `经核查，${ctx.subject}填报的${reported!.ref}学校未代收学平险保费。`
          : `经核查，${reported!.ref}学校均未代收学平险保费。`;
  }
  return item('insurance-accident', '规范开展“学平险”工作', [
    insured &&
      sentence([
        `${ctx.when}，${ctx.level === 'school' ? '我校' : ctx.subject}学生家长自愿为学生购买学平险，参保学生${insured.ref}`,
        rate && `参保率${rate.ref}`,
        targetClause(ctx, 'accident_rate'),
        targetClause(ctx, 'accident_insured'),
      ]),
    clean,
  ]);
}

function medical(ctx: SummaryContext): SummarySection | null {
  const insured = indicatorFigure(ctx, 'medical_insured', 'medical_insured');
  if (!insured) return null;
  const rate = indicatorFigure(ctx, 'medical_rate', 'medical_rate');
  return item('insurance-medical', '做好城乡居民基本医疗保险工作', [
    sentence([
      `${ctx.when}，${ctx.level === 'school' ? '我校' : ctx.subject}参加城乡居民基本医疗保险学生${insured.ref}`,
      rate && `参保率${rate.ref}`,
      targetClause(ctx, 'medical_rate'),
      targetClause(ctx, 'medical_insured'),
    ]),
  ]);
}

function foodLiability(ctx: SummaryContext): SummarySection | null {
  const insured = statusFigure(ctx, 'food_liability_insured', 'food_liability_insured', [true], { label: '食堂（小卖部）投保食品安全责任险的学校数' });
  if (!insured) return null;
  const canteens = reportingFigure(ctx, 'food_liability_reporting', 'food_liability_insured', '填报食品安全责任险的有食堂学校数')!;
  let text: string;
  if (ctx.level === 'school') text = insured.value ? '我校食堂（小卖部）已投保食品安全责任险。' : '我校食堂（小卖部）尚未投保食品安全责任险。';
  else if (insured.value === 0) text = `${ctx.subject}有食堂的学校尚未投保食品安全责任险。`;
  else if (insured.value === canteens.value)
    text = `${ctx.subject}有食堂的${canteens.ref}学校${canteens.value === 1 ? '已' : '均'}为食堂（小卖部）投保了食品安全责任险。`;
  else text = `${ctx.subject}有食堂的${canteens.ref}学校中，${insured.ref}学校为食堂（小卖部）投保了食品安全责任险。`;
  const clause =
    targetClause(ctx, 'food_liability_insured') ??
    targetClause(ctx, 'food_liability_insured', 'status_count', true) ??
    targetClause(ctx, 'food_liability_insured', 'status_share', true);
  return item('insurance-food', '积极推动食堂投保食品安全责任险', [clause ? `${text.slice(0, -1)}，${clause}。` : text]);
}

function internship(ctx: SummaryContext): SummarySection | null {
  const interns = indicatorFigure(ctx, 'interns', 'interns');
  if (!interns || interns.value === 0) return null;
  const insured = indicatorFigure(ctx, 'internship_insured', 'internship_insured');
  const rate = indicatorFigure(ctx, 'internship_rate', 'internship_rate');
  const schools = reportingFigure(ctx, 'vocational_schools', 'interns', '填报顶岗实习学生数的中等职业学校数');
  const who = ctx.level === 'school' ? '我校' : schools!.value === 1 ? `${ctx.subject}中等职业学校` : `${ctx.subject}${schools!.ref}中等职业学校`;
  return item('insurance-internship', '推进职业学校学生实习责任保险', [
    sentence([
      `${ctx.when}，${who}共有顶岗实习学生${interns.ref}`,
      insured && insured.value > 0 ? `参加实习责任险${insured.ref}` : '尚无学生参加实习责任险',
      rate && insured && insured.value > 0 && `参保率${rate.ref}`,
      targetClause(ctx, 'internship_rate'),
      targetClause(ctx, 'internship_insured'),
    ]),
  ]);
}

function injuries(ctx: SummaryContext): SummarySection | null {
  const incidents = indicatorFigure(ctx, 'injury_incidents', 'injury_incidents');
  if (!incidents) return null;
  const clause = targetClause(ctx, 'injury_incidents');
  const who = ctx.level === 'school' ? '我校' : `${ctx.subject}学校`;
  if (incidents.value === 0) {
    return item('insurance-injuries', '做好学生伤害事故预防工作', [sentence([`${sofar(ctx)}${who}未发生学生伤害事故`, clause])]);
  }
  const settled = indicatorFigure(ctx, 'injury_claims_settled', 'injury_claims_settled');
  const paid = indicatorFigure(ctx, 'injury_claims_paid_yuan', 'injury_claims_paid_yuan');
  return item('insurance-injuries', '妥善处理学生伤害事故', [
    sentence([
      `${sofar(ctx)}${who}共发生学生伤害事故${incidents.ref}`,
      settled && settled.value > 0 && `理赔结案${settled.ref}`,
      paid && paid.value > 0 && `保险赔付金额${paid.ref}`,
      clause,
    ]),
  ]);
}

/** （一）各项保险: liability, 学平险, medical, food-safety liability, internship, injuries, and the remaining targets. */
export function insuranceSection(ctx: SummaryContext): SummarySection | null {
  const children = [liability(ctx), accident(ctx), medical(ctx), foodLiability(ctx), internship(ctx), injuries(ctx)];
  const targets = remainingTargets(ctx, 'insurance-targets', 'insurance');
  const title = domainOnTrack(ctx, 'insurance') ? '各项保险有序开展，学校风险有效转移' : '各项保险稳步推进，个别指标尚未达标';
  return section('insurance', title, [], [...children, targets]);
}

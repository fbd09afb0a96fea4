import { indicator } from '../indicators/catalogue.js';
import { statusLabel } from '../targets/validate.js';
import { sentence } from '../wording/sentences.js';
import type { SummaryContext } from './context.js';
import { indicatorFigure, reportingFigure, statusFigure } from './figures.js';
import type { SummarySection } from './types.js';
import { item, remainingTargets, schoolsOf, section, sofar, targetClause, withLead } from './write.js';

const GRADES = ['A', 'B', 'C'] as const;

function statusTargets(ctx: SummaryContext, code: string, values: readonly string[]): (string | null)[] {
  return values.flatMap((v) => [targetClause(ctx, code, 'status_count', v), targetClause(ctx, code, 'status_share', v)]);
}

function grades(ctx: SummaryContext): SummarySection | null {
  const canteens = reportingFigure(ctx, 'canteen_schools', 'food_safety_grade', '填报食品安全量化等级的有食堂学校数');
  if (!canteens) return null;
  const counts = GRADES.map((g) => ({
    grade: g,
    f: statusFigure(ctx, `grade_${g}`, 'food_safety_grade', [g], { label: `食品安全量化等级为${g}级的学校数` })!,
  }));
  const ungraded = statusFigure(ctx, 'grade_none', 'food_safety_grade', ['none'], { label: '食堂尚未评定量化等级的学校数' })!;
  const clauses = [...statusTargets(ctx, 'food_safety_grade', [...GRADES]), targetClause(ctx, 'food_safety_grade')];
  if (ctx.level === 'school') {
    const grade = ctx.windows[0]?.values.food_safety_grade;
    const text =
      grade === 'none' ? '我校食堂尚未评定食品安全量化等级' : `我校食堂食品安全量化等级为${statusLabel(indicator('food_safety_grade'), grade as string)}`;
    return item('canteen-grades', '落实食品安全量化分级管理', [sentence([`${ctx.when}，${text}`, ...clauses])]);
  }
  const only = counts.find((c) => c.f.value === canteens.value);
  const body = only
    ? [`${canteens.ref}学校食堂食品安全量化等级${canteens.value === 1 ? '为' : '均为'}${only.grade}级`]
    : [
        `${canteens.ref}学校食堂中，食品安全量化等级为${counts
          .filter((c) => c.f.value > 0)
          .map((c) => `${c.grade}级的${c.f.ref}`)
          .join('、')}`,
        ungraded.value > 0 && `尚未评级的${ungraded.ref}`,
      ];
  if (!only && counts.every((c) => c.f.value === 0)) body[0] = `${canteens.ref}学校食堂均尚未评定食品安全量化等级`;
  return item('canteen-grades', '落实食品安全量化分级管理', [sentence([...withLead(`${ctx.when}，${ctx.subject}`, body), ...clauses])]);
}

function assured(ctx: SummaryContext): SummarySection | null {
  const accepted = statusFigure(ctx, 'assured_accepted', 'assured_canteen_status', ['accepted'], { label: '通过“放心食堂”验收的学校数' });
  if (!accepted) return null;
  const applied = statusFigure(ctx, 'assured_applied', 'assured_canteen_status', ['applied'], { label: '已申报“放心食堂”、尚待验收的学校数' })!;
  const clauses = statusTargets(ctx, 'assured_canteen_status', ['accepted', 'applied']).concat(targetClause(ctx, 'assured_canteen_status'));
  if (ctx.level === 'school') {
    if (accepted.value === 0 && applied.value === 0) return null;
    return item('canteen-assured', '创建“放心食堂”', [
      sentence([accepted.value ? '我校食堂已通过“放心食堂”验收' : '我校已申报“放心食堂”，等待验收', ...clauses]),
    ]);
  }
  if (accepted.value === 0 && applied.value === 0) return null;
  // Seed 001 lists every accepted canteen by name.
  const names = statusFigure(ctx, 'assured_accepted_names', 'assured_canteen_status', ['accepted'], { names: 'all', label: '通过“放心食堂”验收的学校' })!;
  return item('canteen-assured', '着力打造“放心食堂”', [
    sentence([
      accepted.value > 0 &&
        `${ctx.when}，${accepted.value === 1 ? `${names.ref}食堂通过“放心食堂”验收` : `${ctx.subject}共有${accepted.ref}学校食堂通过“放心食堂”验收，分别是${names.ref}`}`,
      applied.value > 0 && `${accepted.value > 0 ? '另有' : `${ctx.when}，${ctx.subject}`}${applied.ref}学校已申报、等待验收`,
      ...clauses,
    ]),
  ]);
}

function daily(ctx: SummaryContext): SummarySection | null {
  const open = statusFigure(ctx, 'open_kitchen', 'open_kitchen', [true], { label: '实现明厨亮灶的学校数' });
  const openReported = reportingFigure(ctx, 'open_kitchen_reported', 'open_kitchen', '填报明厨亮灶情况的学校数');
  const certRate = indicatorFigure(ctx, 'health_cert_rate', 'health_cert_rate');
  const mealRate = indicatorFigure(ctx, 'accompany_meal_rate', 'accompany_meal_rate');
  const samples = statusFigure(ctx, 'samples_compliant', 'sample_retention_compliant', [true], { label: '按规定留样的学校数' });
  const samplesReported = reportingFigure(ctx, 'samples_reported', 'sample_retention_compliant', '填报留样情况的学校数');
  const school = ctx.level === 'school';
  const all = (f: typeof open, of: typeof openReported) => f !== null && of !== null && f.value === of.value;
  const openText =
    open &&
    openReported &&
    open.value > 0 &&
    (school
      ? '食堂实现明厨亮灶'
      : all(open, openReported)
        ? `${openReported.ref}学校食堂${openReported.value === 1 ? '' : '均'}实现明厨亮灶`
        : `${open.ref}学校食堂实现明厨亮灶`);
  const sampleText = samples && samplesReported && all(samples, samplesReported) && (school || samplesReported.value === 1 ? '按规定留样' : '各校均按规定留样');
  const text = sentence([
    ...withLead(`${ctx.when}，${school ? '我校' : ctx.subject}`, [
      openText,
      certRate && `食堂从业人员健康证持证率${certRate.ref}`,
      mealRate && `校领导陪餐率${mealRate.ref}`,
      sampleText,
    ]),
    targetClause(ctx, 'open_kitchen'),
    ...statusTargets(ctx, 'open_kitchen', ['true']),
    targetClause(ctx, 'health_cert_rate'),
    targetClause(ctx, 'accompany_meal_rate'),
    targetClause(ctx, 'sample_retention_compliant'),
  ]);
  return item('canteen-daily', '规范食堂日常管理', [text]);
}

function inspections(ctx: SummaryContext): SummarySection | null {
  const held = indicatorFigure(ctx, 'inspections', 'inspections');
  const incidents = indicatorFigure(ctx, 'food_incidents', 'food_incidents');
  if (!held && !incidents) return null;
  const found = indicatorFigure(ctx, 'issues_found', 'issues_found');
  const fixed = indicatorFigure(ctx, 'issues_rectified', 'issues_rectified');
  const rate = indicatorFigure(ctx, 'rectification_rate', 'rectification_rate');
  const who = schoolsOf(ctx);
  const checks =
    held && held.value > 0
      ? [
          `${sofar(ctx)}${who}食堂接受各类检查${held.ref}`,
          found && (found.value > 0 ? `发现问题${found.ref}` : '未发现问题'),
          found && found.value > 0 && fixed && (fixed.value === found.value ? '已全部整改到位' : `已整改${fixed.ref}`),
          found && found.value > 0 && fixed && fixed.value !== found.value && rate && `整改率${rate.ref}`,
        ]
      : [];
  const safe = incidents && (incidents.value === 0 ? `${sofar(ctx)}${who}未发生食品安全事故` : `${sofar(ctx)}${who}发生食品安全事故${incidents.ref}`);
  return item('canteen-inspections', '加强监督检查', [
    sentence([...checks, targetClause(ctx, 'inspections'), targetClause(ctx, 'rectification_rate'), targetClause(ctx, 'issues_rectified')]),
    safe && sentence([safe, targetClause(ctx, 'food_incidents')]),
  ]);
}

/** （四）食堂: grades, 放心食堂, daily management, inspections and incidents. */
export function canteenSection(ctx: SummaryContext): SummarySection | null {
  const children = [grades(ctx), assured(ctx), daily(ctx), inspections(ctx), remainingTargets(ctx, 'canteen-targets', 'canteen')];
  const incidents = ctx.book.get('food_incidents');
  const title = incidents && incidents.value > 0 ? '学校食堂管理持续加强，食品安全仍需警钟长鸣' : '学校食堂管理进一步加强，食品安全保障有力';
  return section('canteen', title, [], children);
}

import { indicator } from '../indicators/catalogue.js';
import { statusLabel } from '../targets/validate.js';
import { sentence } from '../wording/sentences.js';
import type { SummaryContext } from './context.js';
import { indicatorFigure, schoolListFigure, statusFigure } from './figures.js';
import { windowLabel } from './format.js';
import type { SummarySection } from './types.js';
import { item, remainingTargets, schoolsOf, section, targetClause, withLead } from './write.js';

const CREATING = ['in_progress', 'applied'] as const;
const LEVELS = ['national', 'province', 'city', 'county'] as const;
const GARDEN = ['province', 'city', 'county'] as const;

function statusTargets(ctx: SummaryContext, code: string, value: string): string | null {
  return targetClause(ctx, code, 'status_count', value) ?? targetClause(ctx, code, 'status_share', value);
}

function creationForSchool(ctx: SummaryContext): SummarySection | null {
  const values = ctx.windows[0]?.values;
  const status = values?.green_school_status;
  if (typeof status !== 'string') return null;
  statusFigure(ctx, 'green_status', 'green_school_status', [status], { label: '绿色学校创建状态' });
  const level = values?.green_school_level;
  const garden = values?.garden_unit_level;
  const words: Record<string, string> = {
    none: '我校尚未启动绿色学校创建',
    planned: '我校已将绿色学校创建列入工作计划',
    in_progress: '我校正在开展绿色学校创建',
    applied: '我校已申报绿色学校',
    certified: `我校已认定为${typeof level === 'string' ? statusLabel(indicator('green_school_level'), level) : ''}绿色学校`,
  };
  const gardenText = typeof garden === 'string' && garden !== 'none' ? `获评${statusLabel(indicator('garden_unit_level'), garden)}园林式单位` : null;
  return item('green-creation', '推进绿色学校创建', [
    sentence([`${ctx.when}，${words[status] ?? ''}`, gardenText, targetClause(ctx, 'green_school_status'), targetClause(ctx, 'garden_unit_level')]),
  ]);
}

function creation(ctx: SummaryContext): SummarySection | null {
  if (ctx.level === 'school') return creationForSchool(ctx);
  const creating = statusFigure(ctx, 'green_creating', 'green_school_status', [...CREATING], { label: '正在创建（含已申报）绿色学校的学校数' });
  if (!creating) return null;
  const planned = statusFigure(ctx, 'green_planned', 'green_school_status', ['planned'], { label: '已规划创建绿色学校的学校数' })!;
  const certified = statusFigure(ctx, 'green_certified', 'green_school_status', ['certified'], { label: '已认定为绿色学校的学校数' })!;
  const certifiedWindows = ctx.windows.filter((w) => w.values.green_school_status === 'certified');
  const levels = LEVELS.flatMap((level) => {
    const label = statusLabel(indicator('green_school_level'), level);
    const f = statusFigure(ctx, `green_certified_${level}`, 'green_school_level', [level], {
      windows: certifiedWindows,
      label: `认定为${label}绿色学校的学校数`,
    });
    return f && f.value > 0 ? [{ label, f }] : [];
  });
  const certifiedText =
    levels.length === 1 && levels[0]!.f.value === certified.value
      ? `${certified.ref}学校已认定为${levels[0]!.label}绿色学校`
      : `${certified.ref}学校已认定为绿色学校${levels.length > 1 ? `（其中${levels.map((l) => `${l.label}${l.f.ref}`).join('、')}）` : ''}`;
  const garden = statusFigure(ctx, 'garden_units', 'garden_unit_level', [...GARDEN], { label: '获评园林式单位的学校数' });
  return item('green-creation', '深入推进绿色学校创建', [
    sentence(
      withLead(`${ctx.when}，${ctx.subject}`, [
        creating.value > 0 && `${creating.ref}学校正在开展绿色学校创建`,
        planned.value > 0 && `${planned.ref}学校已将创建工作列入计划`,
        certified.value > 0 && certifiedText,
        garden && garden.value > 0 && `${garden.ref}学校获评园林式单位`,
      ]).concat([
        statusTargets(ctx, 'green_school_status', 'certified'),
        statusTargets(ctx, 'green_school_status', 'in_progress'),
        statusTargets(ctx, 'garden_unit_level', 'province'),
        statusTargets(ctx, 'garden_unit_level', 'city'),
      ]),
    ),
  ]);
}

function investment(ctx: SummaryContext): SummarySection | null {
  const money = indicatorFigure(ctx, 'greening_investment', 'greening_investment_yuan');
  const plants = indicatorFigure(ctx, 'plants_planted', 'plants_planted');
  const area = indicatorFigure(ctx, 'green_area_added', 'green_area_added_m2');
  const active = ctx.windows.filter((w) =>
    ['greening_investment_yuan', 'plants_planted', 'green_area_added_m2'].some((code) => Number(w.values[code] ?? 0) > 0),
  );
  if (!active.length) return null;
  const schools =
    ctx.level === 'school'
      ? null
      : schoolListFigure(
          ctx,
          'greening_schools',
          '有绿化投入或新增绿化的学校数',
          null,
          active,
          `${windowLabel(ctx.window)}绿化投入资金、新植花草树木或新增绿地面积大于0的学校`,
          { count: true },
        );
  const subject = schools ? `${ctx.subject}${schools.ref}学校` : '我校';
  return item('green-investment', '绿化建设成效明显', [
    sentence(
      withLead(`${ctx.when}，${subject}`, [
        money && money.value > 0 && `${ctx.level === 'school' ? '' : '累计'}投入绿化建设资金${money.ref}`,
        plants && plants.value > 0 && `新植各类花草树木${plants.ref}`,
        area && area.value > 0 && `新增校园绿地面积${area.ref}`,
      ]).concat([targetClause(ctx, 'greening_investment_yuan'), targetClause(ctx, 'plants_planted'), targetClause(ctx, 'green_area_added_m2')]),
    ),
  ]);
}

function greeningRate(ctx: SummaryContext): SummarySection | null {
  const rate = indicatorFigure(ctx, 'greening_rate', 'greening_rate');
  const total = indicatorFigure(ctx, 'green_area_total', 'green_area_total_m2');
  if (!rate && !total) return null;
  return item('green-rate', '校园绿地', [
    sentence(
      withLead(`${schoolsOf(ctx)}`, [total && `绿地总面积${total.ref}`, rate && `绿地率${rate.ref}`]).concat([
        targetClause(ctx, 'greening_rate'),
        targetClause(ctx, 'green_area_total_m2'),
      ]),
    ),
  ]);
}

/** （三）绿色校园: creation and certification, investment, plants and area, greening rate. */
export function greenSection(ctx: SummaryContext): SummarySection | null {
  const children = [creation(ctx), investment(ctx), greeningRate(ctx), remainingTargets(ctx, 'green-targets', 'green')];
  const certified = ctx.book.get('green_certified');
  const title = certified && certified.value > 0 ? '绿色校园创建有序实施，成效明显' : '绿色校园创建有序实施';
  return section('green', title, [], children);
}

import { groupFigure } from '../aggregate/group.js';
import { indicator } from '../indicators/catalogue.js';
import * as n from '../wording/numbers.js';
import { sentence } from '../wording/sentences.js';
import type { SummaryContext } from './context.js';
import { changeFigure, indicatorFigure, reportingFigure, statusFigure, type Placed } from './figures.js';
import type { SummarySection } from './types.js';
import { item, lastYear, remainingTargets, schoolsOf, section, targetClause, withLead } from './write.js';

const nonZero = (f: Placed | null): f is Placed => f !== null && f.value !== 0;

function consumption(ctx: SummaryContext): SummarySection | null {
  const electricity = indicatorFigure(ctx, 'electricity_kwh', 'electricity_kwh');
  const water = indicatorFigure(ctx, 'water_m3', 'water_m3');
  const gas = indicatorFigure(ctx, 'gas_m3', 'gas_m3');
  const coal = indicatorFigure(ctx, 'coal_kg', 'coal_kg');
  const total = indicatorFigure(ctx, 'energy_kgce', 'energy_kgce');
  const energyCost = indicatorFigure(ctx, 'energy_cost_yuan', 'energy_cost_yuan');
  const waterCost = indicatorFigure(ctx, 'water_cost_yuan', 'water_cost_yuan');
  const uses = [
    nonZero(electricity) && `用电${electricity.ref}`,
    nonZero(water) && `用水${water.ref}`,
    nonZero(gas) && `使用天然气${gas.ref}`,
    nonZero(coal) && `燃煤${coal.ref}`,
  ].filter((u): u is string => typeof u === 'string');
  if (!uses.length) return null;
  const costs = [nonZero(energyCost) && `能源费用${energyCost.ref}`, nonZero(waterCost) && `水费${waterCost.ref}`].filter(
    (c): c is string => typeof c === 'string',
  );
  const spending = [costChange(ctx, 'energy_cost_yuan'), costChange(ctx, 'water_cost_yuan')].filter((c): c is string => c !== null);
  return item('energy-use', '加强用电、用水管理', [
    sentence([
      `${ctx.when}，${schoolsOf(ctx)}${uses.join('、')}`,
      nonZero(total) && `折合综合能耗${total.ref}`,
      costs.length > 0 && `支出${costs.join('、')}`,
      targetClause(ctx, 'electricity_kwh'),
      targetClause(ctx, 'water_m3'),
      targetClause(ctx, 'energy_kgce'),
    ]),
    spending.length > 0 && `${ctx.level === 'school' ? '' : '按两年同期均有数据的学校同口径计算，'}${spending.join('，')}。`,
  ]);
}

/**
 * The change in spending on last year, like for like (schools with approved reports for the same quarters of both
 * years): “能源费用较上年减少1.25万元、降低4.2%”; null where either year lacks it.
 */
function costChange(ctx: SummaryContext, code: 'energy_cost_yuan' | 'water_cost_yuan'): string | null {
  const ind = indicator(code);
  const now = groupFigure(ind, ctx.comparable.current);
  const before = groupFigure(ind, ctx.comparable.previous);
  if (now.type !== 'number' || before.type !== 'number' || now.value === null || before.value === null || before.value === 0) return null;
  const percent = changeFigure(ctx, `${code}_change`, code, `${ind.name.zh}${lastYear(ctx)}变化`);
  if (!percent) return null;
  const diff = now.value - before.value;
  const amount = ctx.book.put({
    id: `${code}_change_amount`,
    label: `${ind.name.zh}${lastYear(ctx)}增减金额`,
    value: diff,
    text: Math.abs(diff) < 50 ? '基本持平' : `${diff < 0 ? '减少' : '增加'}${n.trimmed(Math.abs(diff) / 10_000)}万元`,
    indicator: code,
    source: {
      ...percent.figure.source,
      method: 'change_percent',
      description: `本期${ind.name.zh}之和 − 上年同期${ind.name.zh}之和，仅计两年同期均有审核通过报表的学校`,
    },
  });
  return Math.abs(diff) < 50 ? `${ind.name.zh}${lastYear(ctx)}${amount.ref}` : `${ind.name.zh}${lastYear(ctx)}${amount.ref}、${percent.ref}`;
}

function changes(ctx: SummaryContext): { section: SummarySection | null; energy: number | null } {
  const electricity = changeFigure(ctx, 'electricity_change', 'electricity_kwh');
  const water = changeFigure(ctx, 'water_change', 'water_m3');
  const energy = changeFigure(ctx, 'energy_change', 'energy_kgce');
  if (!electricity && !water && !energy) return { section: null, energy: null };
  const compared =
    ctx.level === 'school'
      ? null
      : reportingFigure(ctx, 'energy_comparable_schools', 'electricity_kwh', '两年同期均有用电数据的学校数', ctx.comparable.current);
  const basis = compared ? `按两年同期均有数据的${compared.ref}学校同口径计算，` : '';
  // Seed 003 writes “学校用水、用电量较上年降低了12%” when both moved alike.
  const together = electricity && water && electricity.figure.text === water.figure.text;
  const uses = together
    ? `用电量、用水量${lastYear(ctx)}均${electricity.ref}`
    : [electricity && `用电量${lastYear(ctx)}${electricity.ref}`, water && `用水量${electricity ? '' : lastYear(ctx)}${water.ref}`].filter(Boolean).join('，');
  const title = energy ? (energy.percent < 0 ? '校园能耗切实降低' : '能耗控制仍需加强') : '能耗变化情况';
  return {
    energy: energy?.percent ?? null,
    section: item('energy-change', title, [
      sentence([
        ...withLead(`${basis}${ctx.when}${ctx.level === 'school' ? '我校' : ''}`, [uses, energy && `综合能耗${lastYear(ctx)}${energy.ref}`]),
        targetClause(ctx, 'electricity_kwh', 'change_percent'),
        targetClause(ctx, 'water_m3', 'change_percent'),
        targetClause(ctx, 'energy_kgce', 'change_percent'),
      ]),
    ]),
  };
}

function intensity(ctx: SummaryContext): SummarySection | null {
  const perPerson = indicatorFigure(ctx, 'energy_per_person', 'energy_kgce_per_person');
  const perArea = indicatorFigure(ctx, 'energy_per_m2', 'energy_kgce_per_m2');
  const water = indicatorFigure(ctx, 'water_per_person', 'water_m3_per_person');
  if (!perPerson && !perArea && !water) return null;
  const personChange = changeFigure(ctx, 'energy_per_person_change', 'energy_kgce_per_person');
  const areaChange = changeFigure(ctx, 'energy_per_m2_change', 'energy_kgce_per_m2');
  return item('energy-intensity', '能耗强度', [
    sentence([
      ...withLead(`${ctx.when}，${schoolsOf(ctx)}`, [
        perPerson && `人均综合能耗${perPerson.ref}${personChange ? `，${lastYear(ctx)}${personChange.ref}` : ''}`,
        perArea && `单位建筑面积能耗${perArea.ref}${areaChange ? `，${lastYear(ctx)}${areaChange.ref}` : ''}`,
        water && `人均用水量${water.ref}`,
      ]),
      targetClause(ctx, 'energy_kgce_per_person'),
      targetClause(ctx, 'energy_kgce_per_person', 'change_percent'),
      targetClause(ctx, 'energy_kgce_per_m2'),
      targetClause(ctx, 'energy_kgce_per_m2', 'change_percent'),
      targetClause(ctx, 'water_m3_per_person'),
      targetClause(ctx, 'water_m3_per_person', 'change_percent'),
    ]),
  ]);
}

const LEVELS = [
  ['province', '省级'],
  ['city', '市级'],
  ['county', '县级'],
] as const;

function waterSaving(ctx: SummaryContext): SummarySection | null {
  const honoured = statusFigure(
    ctx,
    'water_saving_schools',
    'water_saving_level',
    LEVELS.map(([v]) => v),
    { label: '获评节水型学校的学校数' },
  );
  if (!honoured || honoured.value === 0) return null;
  const clause = targetClause(ctx, 'water_saving_level', 'status_count') ?? targetClause(ctx, 'water_saving_level', 'status_share');
  if (ctx.level === 'school') {
    const level = LEVELS.find(([v]) => ctx.windows[0]?.values.water_saving_level === v)![1];
    return item('energy-water-saving', '创建节水型学校', [sentence([`我校已获评${level}节水型学校`, clause])]);
  }
  const byLevel = LEVELS.map(([value, label]) => {
    const f = statusFigure(ctx, `water_saving_${value}`, 'water_saving_level', [value], { label: `获评${label}节水型学校的学校数` });
    return f && f.value > 0 ? `${label}${f.ref}` : null;
  }).filter(Boolean);
  return item('energy-water-saving', '创建节水型学校', [
    sentence([`${ctx.subject}已有${honoured.ref}学校获评节水型学校${honoured.value > 1 && byLevel.length > 1 ? `（其中${byLevel.join('、')}）` : ''}`, clause]),
  ]);
}

/** （二）节能降耗: use, change on last year, intensity, water-saving schools. */
export function energySection(ctx: SummaryContext): SummarySection | null {
  const use = consumption(ctx);
  const change = changes(ctx);
  const children = [use, change.section, intensity(ctx), waterSaving(ctx), remainingTargets(ctx, 'energy-targets', 'energy')];
  const title =
    change.energy === null ? '节能降耗工作扎实推进' : change.energy < 0 ? '节能降耗工作扎实推进，校园能耗切实降低' : '节能降耗工作持续推进，能耗管控仍需加强';
  return section('energy', title, [], children);
}

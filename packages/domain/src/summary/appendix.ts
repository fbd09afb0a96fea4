import { change, countWith, figureValue, groupFigure, indicatorValue } from '../aggregate/group.js';
import { aggregateSchool, aggregateSchools, type SchoolWindow } from '../aggregate/window.js';
import { indicator, UNIT_LABELS } from '../indicators/catalogue.js';
import { period, periodLabel, type Period } from '../periods.js';
import { SCHOOL_TYPES, SCHOOL_TYPE_LABELS } from '../schools.js';
import { statusLabel } from '../targets/validate.js';
import { M2_PER_MU } from '../wording/numbers.js';
import { chineseNumber } from '../wording/sentences.js';
import type { SummaryContext } from './context.js';
import type { SummaryChart, SummaryTable, TableColumn } from './types.js';

/** The indicators each appendix table shows, per domain (the catalogue gives names, units and formats). */
export const APPENDIX_COLUMNS = {
  insurance: [
    'students_enrolled',
    'liability_insured',
    'liability_rate',
    'accident_insured',
    'accident_rate',
    'medical_insured',
    'medical_rate',
    'food_liability_insured',
    'internship_rate',
  ],
  energy: ['electricity_kwh', 'water_m3', 'energy_kgce', 'energy_kgce_per_person', 'energy_kgce_per_m2', 'water_m3_per_person'],
  green: [
    'green_school_status',
    'green_school_level',
    'garden_unit_level',
    'greening_investment_yuan',
    'plants_planted',
    'green_area_added_m2',
    'greening_rate',
  ],
  canteen: [
    'food_safety_grade',
    'assured_canteen_status',
    'open_kitchen',
    'health_cert_rate',
    'accompany_meal_rate',
    'inspections',
    'issues_found',
    'issues_rectified',
    'food_incidents',
  ],
} as const;

const TABLE_TITLES: Record<keyof typeof APPENDIX_COLUMNS, string> = {
  insurance: '各校保险情况',
  energy: '各校能源资源消耗情况',
  green: '各校绿色校园建设情况',
  canteen: '各校食堂管理情况',
};

/** The key figures of a school summary's quarter-by-quarter table. */
const QUARTER_COLUMNS = [
  'students_enrolled',
  'liability_rate',
  'accident_rate',
  'medical_rate',
  'electricity_kwh',
  'water_m3',
  'energy_kgce',
  'greening_investment_yuan',
  'plants_planted',
  'food_safety_grade',
  'inspections',
  'issues_found',
  'issues_rectified',
];

const ENERGY_CHANGE = 'energy_kgce_change';

interface Column extends TableColumn {
  /** Stored unit → the unit the column shows (元 → 万元, m² → 亩). */
  scale: number;
}

function column(code: string): Column {
  const ind = indicator(code);
  const unit = ind.reportUnit === 'wan_yuan' ? '万元' : ind.reportUnit === 'mu' ? '亩' : UNIT_LABELS[ind.unit].zh;
  const scale = ind.reportUnit === 'wan_yuan' ? 1 / 10_000 : ind.reportUnit === 'mu' ? 1 / M2_PER_MU : 1;
  const format: TableColumn['format'] =
    ind.valueType === 'enum' || ind.valueType === 'boolean' ? 'text' : ind.unit === 'percent' ? 'percent' : ind.valueType === 'integer' ? 'integer' : 'decimal';
  return { key: code, label: unit && format !== 'text' ? `${ind.name.zh}（${unit}）` : ind.name.zh, format, indicator: code, scale };
}

function cell(col: Column, w: SchoolWindow | undefined): string | number | null {
  if (!w || !col.indicator) return null;
  const ind = indicator(col.indicator);
  const v = indicatorValue(ind, w);
  if (v === null) return null;
  if (typeof v === 'number') return v * col.scale;
  return statusLabel(ind, v);
}

function total(col: Column, windows: readonly SchoolWindow[]): string | number | null {
  if (!col.indicator || col.format === 'text') return null;
  const v = figureValue(groupFigure(indicator(col.indicator), windows));
  return v === null ? null : v * col.scale;
}

function energyChange(ctx: SummaryContext): Map<number, number | null> {
  const before = new Map(ctx.comparable.previous.map((w) => [w.school.id, w]));
  const energy = indicator('energy_kgce');
  return new Map(
    ctx.comparable.current.map((w) => {
      const previous = before.get(w.school.id);
      const now = indicatorValue(energy, w);
      const then = previous ? indicatorValue(energy, previous) : null;
      return [w.school.id, change(typeof now === 'number' ? now : null, typeof then === 'number' ? then : null).percent];
    }),
  );
}

function schoolTables(ctx: SummaryContext): SummaryTable[] {
  const byId = new Map(ctx.windows.map((w) => [w.school.id, w]));
  const schools = [...ctx.input.schools].sort((a, b) => a.code.localeCompare(b.code));
  const city = ctx.level === 'city';
  const countyName = new Map((ctx.input.counties ?? []).map((c) => [c.id, c.name]));
  const changes = energyChange(ctx);
  const energy = indicator('energy_kgce');
  const overall = change(figureValue(groupFigure(energy, ctx.comparable.current)), figureValue(groupFigure(energy, ctx.comparable.previous))).percent;
  return (Object.keys(APPENDIX_COLUMNS) as (keyof typeof APPENDIX_COLUMNS)[]).map((domain) => {
    const columns = APPENDIX_COLUMNS[domain].map(column);
    const extra: TableColumn[] =
      domain === 'energy' ? [{ key: ENERGY_CHANGE, label: `综合能耗较上年${ctx.partial ? '同期' : ''}变化（%）`, format: 'decimal' }] : [];
    const lead: TableColumn[] = [
      { key: 'school', label: '学校', format: 'text' },
      ...(city ? [{ key: 'county', label: '所属县（市、区）', format: 'text' as const }] : []),
    ];
    const rows = schools.map((s) => {
      const w = byId.get(s.id);
      return [
        s.name,
        ...(city ? [countyName.get(s.countyId) ?? ''] : []),
        ...columns.map((c) => cell(c, w)),
        ...(domain === 'energy' ? [changes.get(s.id) ?? null] : []),
      ];
    });
    const totals = [`${ctx.subject}合计`, ...(city ? [''] : []), ...columns.map((c) => total(c, ctx.windows)), ...(domain === 'energy' ? [overall] : [])];
    return {
      id: `schools-${domain}`,
      title: TABLE_TITLES[domain],
      columns: [...lead, ...columns.map(({ scale: _scale, ...c }) => c), ...extra],
      rows,
      total: totals,
    };
  });
}

function countyTable(ctx: SummaryContext): SummaryTable {
  const codes = [
    'students_enrolled',
    'liability_rate',
    'accident_rate',
    'medical_rate',
    'energy_kgce',
    'energy_kgce_per_person',
    'greening_investment_yuan',
    'plants_planted',
  ];
  const columns = codes.map(column);
  const rows = (ctx.input.counties ?? []).map((c) => {
    const windows = ctx.windows.filter((w) => ctx.schools.get(w.school.id)?.countyId === c.id);
    const grades = groupFigure(indicator('food_safety_grade'), windows);
    return [c.name, ctx.input.schools.filter((s) => s.countyId === c.id).length, ...columns.map((col) => total(col, windows)), countWith(grades, 'A')];
  });
  return {
    id: 'counties',
    title: '各县（市、区）主要指标',
    columns: [
      { key: 'county', label: '县（市、区）', format: 'text' },
      { key: 'schools', label: '学校数（所）', format: 'integer' },
      ...columns.map(({ scale: _scale, ...c }) => c),
      { key: 'grade_a', label: 'A级食堂（所）', format: 'integer' },
    ],
    rows,
    total: [
      `${ctx.subject}合计`,
      ctx.input.schools.length,
      ...columns.map((col) => total(col, ctx.windows)),
      countWith(groupFigure(indicator('food_safety_grade'), ctx.windows), 'A'),
    ],
  };
}

function quarterTable(ctx: SummaryContext): SummaryTable {
  const school = ctx.input.schools[0]!;
  const columns = QUARTER_COLUMNS.map(column);
  const rows = ctx.window.map((p) => {
    const w = aggregateSchool(school, ctx.input.reports, [p]) ?? undefined;
    return [periodLabel(p), ...columns.map((c) => cell(c, w))];
  });
  return {
    id: 'quarters',
    title: '各季度主要数据',
    columns: [{ key: 'period', label: '季度', format: 'text' }, ...columns.map(({ scale: _scale, ...c }) => c)],
    rows,
    total: [ctx.partial ? '截至目前' : '全年', ...columns.map((c) => cell(c, ctx.windows[0]))],
  };
}

/** Appendix tables: per school and domain (a city adds its counties; a school gets its quarters). */
export function appendixTables(ctx: SummaryContext): SummaryTable[] {
  if (ctx.level === 'school') return [quarterTable(ctx)];
  return [...(ctx.level === 'city' ? [countyTable(ctx)] : []), ...schoolTables(ctx)];
}

function ratesByType(ctx: SummaryContext): SummaryChart | null {
  const types = SCHOOL_TYPES.filter((t) => ctx.windows.some((w) => w.school.type === t));
  const codes = ['liability_rate', 'accident_rate', 'medical_rate'];
  const series = codes.map((code) => ({
    name: indicator(code).name.zh,
    values: types.map((t) =>
      figureValue(
        groupFigure(
          indicator(code),
          ctx.windows.filter((w) => w.school.type === t),
        ),
      ),
    ),
  }));
  if (!types.length || series.every((s) => s.values.every((v) => v === null))) return null;
  return { id: 'rates-by-type', title: '各类学校参保率', kind: 'bar', unit: '%', categories: types.map((t) => SCHOOL_TYPE_LABELS[t].zh), series };
}

function energyTrend(ctx: SummaryContext): SummaryChart | null {
  const energy = indicator('energy_kgce');
  const quarters = ctx.window.map((p) => Number(p.slice(-1)));
  const tonnes = (year: number) =>
    quarters.map((q) => {
      const p: Period = period(year, q);
      const v = figureValue(groupFigure(energy, aggregateSchools(ctx.input.schools, ctx.input.reports, [p])));
      return v === null ? null : Math.round(v) / 1000;
    });
  const series = [
    { name: `${ctx.input.year}年`, values: tonnes(ctx.input.year) },
    { name: `${ctx.input.year - 1}年`, values: tonnes(ctx.input.year - 1) },
  ].filter((s) => s.values.some((v) => v !== null));
  if (!series.length) return null;
  return { id: 'energy-trend', title: '各季度综合能耗', kind: 'line', unit: '吨标准煤', categories: quarters.map((q) => `第${chineseNumber(q)}季度`), series };
}

function grades(ctx: SummaryContext): SummaryChart | null {
  const figure = groupFigure(indicator('food_safety_grade'), ctx.windows);
  if (figure.schools === 0) return null;
  const values = ['A', 'B', 'C', 'none'];
  return {
    id: 'grade-distribution',
    title: '食堂食品安全量化等级分布',
    kind: 'bar',
    unit: '所',
    categories: values.map((v) => (v === 'none' ? '未评级' : `${v}级`)),
    series: [{ name: '学校数', values: values.map((v) => countWith(figure, v)) }],
  };
}

/** Chart data: rates by school type, energy by quarter against last year, canteen grades. */
export function summaryCharts(ctx: SummaryContext): SummaryChart[] {
  const charts = ctx.level === 'school' ? [energyTrend(ctx)] : [ratesByType(ctx), energyTrend(ctx), grades(ctx)];
  return charts.filter((c): c is SummaryChart => c !== null);
}

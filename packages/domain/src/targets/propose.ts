import { countWith, figureValue, groupFigure, indicatorValue, shareWith } from '../aggregate/group.js';
import { distribution, type Distribution } from '../aggregate/stats.js';
import type { AnalyticsSchool, QuarterReport, SchoolWindow } from '../aggregate/window.js';
import { changePercent } from '../energy.js';
import { indicator, UNIT_LABELS } from '../indicators/catalogue.js';
import { SCHOOL_TYPE_LABELS } from '../schools.js';
import type { Indicator, IndicatorDomain } from '../indicators/types.js';
import type { IndicatorValue } from '../indicators/values.js';
import * as zhNumbers from '../wording/numbers.js';
import { compare, evaluateTarget, targetSchools, yearFrames, type YearFrames } from './evaluate.js';
import { targetKey, type Comparator, type Target, type TargetDefinition } from './types.js';
import { statusLabel } from './validate.js';

/**
 * The core targets of each domain (DOMAIN.md): proposed every year even when the county set none the year before.
 * 校方责任险 应保尽保 for each school; 学平险 and 医保 rates for the county; energy and water per person down on last
 * year; green area added and green schools certified; canteens graded A.
 */
export const CORE_TARGETS: Record<Exclude<IndicatorDomain, 'basics'>, readonly TargetDefinition[]> = {
  insurance: [
    core('liability_rate', 'each_school', 'value', 'gte'),
    core('accident_rate', 'county_total', 'value', 'gte'),
    core('medical_rate', 'county_total', 'value', 'gte'),
    core('internship_rate', 'each_school', 'value', 'gte'),
  ],
  energy: [core('energy_kgce_per_person', 'county_total', 'change_percent', 'lte'), core('water_m3_per_person', 'county_total', 'change_percent', 'lte')],
  green: [core('green_area_added_m2', 'county_total', 'value', 'gte'), core('green_school_status', 'county_total', 'status_count', 'gte', 'certified')],
  canteen: [core('food_safety_grade', 'county_total', 'status_share', 'gte', 'A')],
};

function core(
  code: string,
  kind: TargetDefinition['kind'],
  measure: TargetDefinition['measure'],
  comparator: Comparator,
  statusValue: string | null = null,
): TargetDefinition {
  return { indicator: code, kind, measure, comparator, value: 0, statusValue, schoolTypes: null, schoolId: null };
}

export const coreTargets = (): TargetDefinition[] => Object.values(CORE_TARGETS).flat();

/** One year of the county's figure a proposal rests on. */
export interface YearPoint {
  year: number;
  /** The county's figure: the value, the change on the year before (%), or the count or share of schools. */
  value: number | null;
  /** True when the year was not complete and its figure is a projection of the full year. */
  projected: boolean;
}

export interface SchoolOutlook {
  schoolId: number;
  /** The school's figure this year (the year before the proposal's): value, change %, or status. */
  current: IndicatorValue;
  /** The school's own trend carried one year on (statuses: kept); null when it has no figure to go on. */
  projected: IndicatorValue;
  /** Whether the projection meets the proposed value (null: cannot tell). */
  meets: boolean | null;
}

export interface TargetProposal {
  /** The target proposed for the year; `value` is the proposed value. */
  proposal: TargetDefinition;
  /** The same target of the year before, when the county set one. */
  previous: Target | null;
  core: boolean;
  /** The last three years' county figures, oldest first. */
  trend: { points: YearPoint[]; perYear: number | null };
  /** The spread across schools this year (numbers only; null for statuses or with no figure). */
  spread: Distribution | null;
  /** This year's attainment of the previous target: the county figure (or schools meeting it) and whether met. */
  attainment: { actual: number | null; met: boolean | null; schoolsMet: number | null; schools: number } | null;
  /** How many schools would meet the proposed value if each continued its own trend, of how many with a projection. */
  projection: { meeting: number; of: number; countyValue: number | null };
  /** Each-school targets: the schools expected to miss the proposed value, furthest first. */
  expectedToMiss: number[];
  outlooks: SchoolOutlook[];
  /** Why this value, in Chinese, from the data. */
  reasoning: string[];
}

export interface ProposalInput {
  /** The year targets are proposed for; the data are of the three years before it. */
  year: number;
  /** The county's schools (those next year's targets will speak for). */
  schools: readonly AnalyticsSchool[];
  /** Approved reports of the four years before `year` (the earliest for the first year's change on the year before). */
  reports: readonly QuarterReport[];
  /** The county's targets of `year − 1`. */
  previousTargets: readonly Target[];
  names?: ReadonlyMap<number, string>;
}

const keyOf = (t: TargetDefinition) => `${t.indicator}|${targetKey(t)}`;

/** The step a proposed value is rounded to: whole percent, whole 亩, 0.1万元, 100株, whole schools, else 0.1. */
export function targetStep(ind: Indicator, measure: TargetDefinition['measure']): number {
  if (measure === 'status_count') return 1;
  if (measure === 'change_percent' || measure === 'status_share' || ind.unit === 'percent') return 1;
  if (ind.reportUnit === 'mu') return zhNumbers.M2_PER_MU;
  if (ind.reportUnit === 'wan_yuan') return 1000;
  if (ind.reportUnit === 'wan_plants') return 100;
  if (ind.valueType === 'integer' && ind.kind !== 'derived') return 1;
  return 0.1;
}

const roundTo = (value: number, step: number, how: 'nearest' | 'down' | 'up') => {
  const f = how === 'nearest' ? Math.round : how === 'down' ? Math.floor : Math.ceil;
  // Take floating-point noise off first (94.99999999 rounds down to 95, not 94).
  const n = f(Number((value / step).toFixed(9)));
  return step === 1 || step === 1000 || step === 100 ? n * step : Number((n * step).toFixed(6));
};

/**
 * The trend of a series: the mean yearly change between its first and last known points,
 * (last − first) ÷ (years between); null with fewer than two known points.
 */
export function yearlyTrend(points: readonly { year: number; value: number | null }[]): number | null {
  const known = points.filter((p): p is { year: number; value: number } => p.value !== null);
  if (known.length < 2) return null;
  const first = known[0]!;
  const last = known[known.length - 1]!;
  return (last.value - first.value) / (last.year - first.year);
}

/** The mean of the known values; null when none. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

const clampFor = (ind: Indicator, measure: TargetDefinition['measure'], v: number) => {
  if (measure === 'change_percent') return Math.max(-100, v);
  if (measure === 'status_share' || ind.unit === 'percent') return Math.min(100, Math.max(0, v));
  return Math.max(0, v);
};

/** Which of two values is the more demanding for a comparator. */
const moreDemanding = (comparator: Comparator, a: number, b: number) => (comparator === 'lte' ? Math.min(a, b) : Math.max(a, b));

interface YearData {
  year: number;
  frames: YearFrames;
  windows: Map<number, SchoolWindow>;
}

function schoolMeasure(def: TargetDefinition, ind: Indicator, schoolId: number, data: YearData, before: YearData | undefined): IndicatorValue {
  const w = data.windows.get(schoolId);
  const v = w ? indicatorValue(ind, w) : null;
  if (def.measure !== 'change_percent') return v;
  const b = before?.windows.get(schoolId);
  const p = b ? indicatorValue(ind, b) : null;
  return typeof v === 'number' && typeof p === 'number' ? changePercent(v, p) : null;
}

function countyMeasure(
  def: TargetDefinition,
  ind: Indicator,
  members: readonly AnalyticsSchool[],
  data: YearData,
  before: YearData | undefined,
): number | null {
  const pick = (d: YearData, ids: ReadonlySet<number>) => [...d.windows.values()].filter((w) => ids.has(w.school.id));
  const ids = new Set(members.map((s) => s.id));
  if (def.measure === 'change_percent') {
    if (!before) return null;
    // Like for like: the schools with a figure in both years.
    const both = new Set([...ids].filter((id) => data.windows.has(id) && before.windows.has(id)));
    return changePercent(figureValue(groupFigure(ind, pick(data, both))), figureValue(groupFigure(ind, pick(before, both))));
  }
  const figure = groupFigure(ind, pick(data, ids));
  if (def.measure === 'status_count') return figure.schools ? countWith(figure, def.statusValue!) : null;
  if (def.measure === 'status_share') return shareWith(figure, def.statusValue!);
  return figureValue(figure);
}

/** A school's own trend carried one year on: numbers by their yearly trend (change %: the mean change), statuses kept. */
function projectSchool(def: TargetDefinition, ind: Indicator, series: readonly { year: number; value: IndicatorValue }[]): IndicatorValue {
  const known = series.filter((p) => p.value !== null);
  if (!known.length) return null;
  const last = known[known.length - 1]!.value;
  if (typeof last !== 'number') return last;
  if (def.measure === 'change_percent') return meanOf(known.map((p) => p.value as number));
  const perYear = yearlyTrend(known.map((p) => ({ year: p.year, value: p.value as number })));
  return clampFor(ind, def.measure, last + (perYear ?? 0));
}

const measureNumber = (def: TargetDefinition, v: IndicatorValue): number | null => {
  if (def.measure === 'status_count' || def.measure === 'status_share') return null;
  return typeof v === 'number' ? v : null;
};

/** A value in the indicator's words: 95%, 30亩, 12.5万元, 65.3千克标准煤/人, 8所. */
export function proposalValueText(def: TargetDefinition, value: number): string {
  const ind = indicator(def.indicator);
  if (def.measure === 'change_percent' || def.measure === 'status_share') return `${zhNumbers.trimmed(Math.abs(value), 1)}%`;
  if (def.measure === 'status_count') return `${zhNumbers.count(value)}所`;
  if (ind.reportUnit === 'mu') return zhNumbers.mu(value);
  if (ind.reportUnit === 'wan_yuan') return zhNumbers.yuan(value);
  if (ind.reportUnit === 'wan_plants') return zhNumbers.plants(value);
  return ind.unit === 'percent' ? `${zhNumbers.trimmed(value, 1)}%` : `${zhNumbers.trimmed(value, 2)}${UNIT_LABELS[ind.unit].zh}`;
}

/** A change in words without signs: 提高2.5个百分点 / 降低4.1% / 增加3所 / 减少1.2亩. */
function movement(def: TargetDefinition, ind: Indicator, perYear: number): string {
  const up = perYear > 0;
  const size = Math.abs(perYear);
  if (size < 1e-9) return '基本持平';
  if (def.measure === 'change_percent') return `${up ? '上升' : '降低'}${zhNumbers.trimmed(size, 1)}%`;
  if (def.measure === 'status_share' || ind.unit === 'percent') return `${up ? '提高' : '降低'}${zhNumbers.trimmed(size, 1)}个百分点`;
  return `${up ? '增加' : '减少'}${proposalValueText(def, size)}`;
}

/** What the county aims at, in words without comparison symbols: 达到95%以上 / 较上年降低5%以上 / 控制在65.3千克标准煤/人以内. */
export function aimWords(def: TargetDefinition, value: number): string {
  const ind = indicator(def.indicator);
  const v = proposalValueText(def, value);
  if (def.measure === 'change_percent') {
    if (def.comparator === 'lte') return value < 0 ? `较上年降低${v}以上` : value === 0 ? '不高于上年' : `较上年上升不超过${v}`;
    if (def.comparator === 'gte') return value > 0 ? `较上年增长${v}以上` : value === 0 ? '不低于上年' : `较上年降低不超过${v}`;
    return `较上年变化${value < 0 ? '降低' : '增长'}${v}`;
  }
  if (def.measure === 'status_count' || def.measure === 'status_share') {
    const what = `为“${statusLabel(ind, def.statusValue!)}”的学校${def.measure === 'status_share' ? '占比' : ''}`;
    return def.comparator === 'lte' ? `${what}不超过${v}` : `${what}达到${v}${def.comparator === 'gte' ? '以上' : ''}`;
  }
  if (def.comparator === 'eq') return `为${v}`;
  return def.comparator === 'lte' ? `控制在${v}以内` : `达到${v}以上`;
}

/**
 * A target as a bureau writes it, without comparison symbols: “每所学校校方责任险参保率达到95%以上”,
 * “全县人均综合能耗较上年降低7%以上”, “全县绿色学校创建状态为“已认定”的学校达到6所以上”.
 */
export function targetAim(def: TargetDefinition, schoolName?: string): string {
  const ind = indicator(def.indicator);
  const types = def.schoolTypes ? def.schoolTypes.map((t) => SCHOOL_TYPE_LABELS[t].zh).join('、') : '';
  const who = def.kind === 'county_total' ? `全县${types}` : def.schoolId !== null ? (schoolName ?? '该校') : `每所${types || '学校'}`;
  if (typeof def.value !== 'number') return `${who}${ind.name.zh}为“${statusLabel(ind, def.value)}”`;
  return `${who}${ind.name.zh}${aimWords(def, def.value)}`;
}

const yearText = (p: YearPoint) => `${p.year}年${p.projected ? '（全年预测）' : ''}`;

/**
 * Proposes next year's targets from the data: for each target of `year − 1` and each core target of the catalogue's
 * domains, the county figures of the three years before `year` (a year not yet complete is projected as
 * `yearFrames` does), the spread across schools, last year's attainment and each school's own trend carried on.
 *
 * The proposed value:
 * - each-school numbers: the lower quartile of the schools' projections for “at least” targets (upper quartile for
 *   “at most”), rounded towards the schools (so about three schools in four would meet it), never less demanding
 *   than last year's target;
 * - county figures: this year's figure with the trend carried on where it improves, never worse than this year
 *   (a change target: no worse than no change), rounded to the nearest step; last year's target instead when it was
 *   met and is more demanding;
 * - each-school statuses: last year's value.
 */
export function proposeTargets(input: ProposalInput): TargetProposal[] {
  const years = [input.year - 3, input.year - 2, input.year - 1];
  const dataOf = (year: number): YearData => {
    const frames = yearFrames(input.schools, input.reports, year);
    return { year, frames, windows: new Map(frames.fullYear.windows.map((w) => [w.school.id, w])) };
  };
  const before = dataOf(input.year - 4);
  const data = years.map(dataOf);
  const current = data[2]!;

  const previousKeys = new Set(input.previousTargets.map(keyOf));
  const defs: { def: TargetDefinition; previous: Target | null; core: boolean }[] = [
    ...input.previousTargets.map((t) => ({ def: t as TargetDefinition, previous: t, core: coreTargets().some((c) => keyOf(c) === keyOf(t)) })),
    ...coreTargets()
      .filter((c) => !previousKeys.has(keyOf(c)))
      .map((def) => ({ def, previous: null, core: true })),
  ];
  // The targets compete for schools (precedence of overrides and narrowed targets) as they would once set.
  const context: Target[] = defs.map((d, i) => ({ ...d.def, id: d.previous?.id ?? -(i + 1), countyId: 0, year: input.year }));

  return defs.flatMap(({ def, previous, core: isCore }, i): TargetProposal[] => {
    const ind = indicator(def.indicator);
    const members = targetSchools(context[i]!, context, input.schools);
    const points: YearPoint[] = data.map((d, j) => ({
      year: d.year,
      value: countyMeasure(def, ind, members, d, j === 0 ? before : data[j - 1]),
      projected: d.frames.fullYear.basis === 'projection' && d.frames.upToQuarter !== null,
    }));
    const countyPoints = points;
    const perYear = def.measure === 'change_percent' ? meanOf(countyPoints.map((p) => p.value)) : yearlyTrend(countyPoints);
    const step = targetStep(ind, def.measure);

    const series = (schoolId: number) => data.map((d, j) => ({ year: d.year, value: schoolMeasure(def, ind, schoolId, d, j === 0 ? before : data[j - 1]) }));
    const projections = members.map((s) => {
      const ser = series(s.id);
      return { schoolId: s.id, current: ser[2]!.value, projected: projectSchool(def, ind, ser) };
    });
    const numbers = (values: IndicatorValue[]) => values.flatMap((v) => (typeof v === 'number' ? [v] : []));
    const spread =
      def.measure === 'status_count' || def.measure === 'status_share' ? null : distribution(numbers(projections.map((p) => measureNumber(def, p.current))));

    // This year's figure and its trend carried on, for county targets.
    const last = countyPoints[countyPoints.length - 1]?.value ?? null;
    const countyValue = def.measure === 'change_percent' ? perYear : last === null ? null : clampFor(ind, def.measure, last + (perYear ?? 0));

    const attainment = previous
      ? (() => {
          const r = evaluateTarget(previous, input.previousTargets, input.schools, current.frames.fullYear);
          const schoolsMet = r.checks ? r.checks.filter((c) => c.met === true).length : null;
          return { actual: typeof r.actual === 'number' ? r.actual : null, met: r.met, schoolsMet, schools: r.schools };
        })()
      : null;
    const previousValue = typeof previous?.value === 'number' ? previous.value : null;

    let value: number | string | boolean | null;
    if (typeof def.value !== 'number' && def.measure === 'value') {
      // Each-school statuses: the value is a status; it stays what it was.
      value = def.value;
    } else if (def.kind === 'each_school') {
      const projected = numbers(projections.map((p) => p.projected));
      const d = distribution(projected);
      const quartile = d ? (def.comparator === 'lte' ? d.q3 : d.q1) : null;
      const rounded = quartile === null ? null : roundTo(clampFor(ind, def.measure, quartile), step, def.comparator === 'lte' ? 'up' : 'down');
      value = rounded === null ? previousValue : previousValue === null ? rounded : moreDemanding(def.comparator, rounded, previousValue);
    } else if (countyValue === null) {
      value = previousValue;
    } else {
      const floor = def.measure === 'change_percent' ? 0 : last!;
      const candidate = roundTo(def.comparator === 'eq' ? countyValue : moreDemanding(def.comparator, countyValue, floor), step, 'nearest');
      value = previousValue !== null && attainment?.met === true ? moreDemanding(def.comparator, candidate, previousValue) : candidate;
    }
    if (typeof value === 'number') value = clampFor(ind, def.measure, value);
    // A core target with no data to go on is not proposed (a target of last year always is, at its value).
    if (value === null) return [];
    const proposal: TargetDefinition = { ...def, value };

    const outlooks: SchoolOutlook[] = projections.map((p) => ({ ...p, meets: compare(p.projected, def.comparator, value) }));
    const known = outlooks.filter((o) => o.meets !== null);
    const target = value;
    const gap = (o: SchoolOutlook) => (typeof o.projected === 'number' && typeof target === 'number' ? Math.abs(o.projected - target) : 0);
    const expectedToMiss =
      def.kind === 'each_school'
        ? outlooks
            .filter((o) => o.meets === false)
            .sort((a, b) => gap(b) - gap(a) || a.schoolId - b.schoolId)
            .map((o) => o.schoolId)
        : [];
    const meeting =
      def.kind === 'county_total' && def.measure !== 'value' && def.measure !== 'change_percent'
        ? outlooks.filter((o) => o.projected === def.statusValue).length
        : known.filter((o) => o.meets).length;

    const result: TargetProposal = {
      proposal,
      previous,
      core: isCore,
      trend: { points, perYear },
      spread,
      attainment,
      projection: {
        meeting,
        of: def.kind === 'county_total' && def.measure !== 'value' && def.measure !== 'change_percent' ? members.length : known.length,
        countyValue,
      },
      expectedToMiss,
      outlooks,
      reasoning: [],
    };
    result.reasoning = reasoning(result, ind, input.names);
    return [result];
  });
}

function reasoning(p: TargetProposal, ind: Indicator, names?: ReadonlyMap<number, string>): string[] {
  const def = p.proposal;
  const lines: string[] = [];
  const what =
    def.measure === 'change_percent'
      ? `${ind.name.zh}较上年变化`
      : def.measure === 'value'
        ? ind.name.zh
        : `${statusLabel(ind, def.statusValue!)}的学校${def.measure === 'status_share' ? '占比' : '数'}`;
  const known = p.trend.points.filter((pt) => pt.value !== null);
  const valueText = (v: number) =>
    def.measure === 'change_percent'
      ? Math.abs(v) < 0.05
        ? '持平'
        : `${v < 0 ? '降低' : '上升'}${zhNumbers.trimmed(Math.abs(v), 1)}%`
      : proposalValueText(def, v);
  if (!known.length) lines.push(`近三年没有可用的${ind.name.zh}数据，建议值沿用上年目标。`);
  else {
    const list = known.map((pt) => `${yearText(pt)}${valueText(pt.value!)}`).join('，');
    const trend =
      p.trend.perYear === null
        ? '仅有一年数据，无法判断趋势'
        : `${def.measure === 'change_percent' ? '平均每年' : '年均'}${movement(def, ind, p.trend.perYear)}`;
    lines.push(`近三年全县${what}：${list}；${trend}。`);
  }
  if (p.spread) {
    const s = p.spread;
    const t = (v: number) => (def.measure === 'change_percent' ? valueText(v) : proposalValueText(def, v));
    lines.push(`${p.trend.points[2]!.year}年各校（${s.count}所）中位数${t(s.median)}，下四分位数${t(s.q1)}，上四分位数${t(s.q3)}。`);
  }
  if (p.previous && p.attainment) {
    const a = p.attainment;
    const aim = typeof p.previous.value === 'number' ? aimWords(p.previous, p.previous.value) : `为“${statusLabel(ind, p.previous.value as string | boolean)}”`;
    const state = a.met === true ? '已完成' : a.met === false ? '未完成' : '尚无法判断';
    const detail =
      a.schoolsMet !== null
        ? `${a.schools}所学校中${a.schoolsMet}所达到`
        : a.actual !== null
          ? `全县实际${def.measure === 'change_percent' ? valueText(a.actual) : proposalValueText(def, a.actual)}`
          : '全县尚无数据';
    lines.push(`上年目标${def.kind === 'each_school' ? '每所学校' : '全县'}${ind.name.zh}${aim}，${detail}，${state}。`);
  }
  const basis =
    typeof def.value !== 'number'
      ? '沿用上年目标'
      : def.kind === 'each_school'
        ? `按各校自身趋势推算，取${def.comparator === 'lte' ? '上' : '下'}四分位数`
        : def.measure === 'change_percent'
          ? '按近年平均变化推算'
          : '按本年水平和近三年趋势推算';
  const keptPrevious = p.previous !== null && p.previous.value === def.value;
  lines.push(`${basis}，建议${targetAim(def, def.schoolId !== null ? names?.get(def.schoolId) : undefined)}${keptPrevious ? '（与上年目标相同）' : ''}。`);
  if (p.projection.of > 0) lines.push(`各校按自身趋势发展，预计${p.projection.of}所学校中${p.projection.meeting}所能够达到。`);
  if (p.expectedToMiss.length) {
    const who = p.expectedToMiss.slice(0, 5).map((id) => names?.get(id) ?? `学校${id}`);
    lines.push(`预计未能达到的学校${p.expectedToMiss.length}所：${who.join('、')}${p.expectedToMiss.length > 5 ? '等' : ''}。`);
  }
  return lines;
}

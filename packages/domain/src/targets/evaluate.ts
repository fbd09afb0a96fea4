import { change, countWith, figureValue, groupFigure, indicatorValue, shareWith, type Change } from '../aggregate/group.js';
import {
  aggregateSchool,
  aggregateSchools,
  comparableReports,
  groupBySchool,
  lastReportedQuarter,
  projectSchoolYear,
  shiftWindow,
  yearWindow,
  type AnalyticsSchool,
  type QuarterReport,
  type SchoolWindow,
} from '../aggregate/window.js';
import { changePercent } from '../energy.js';
import { applies, indicator } from '../indicators/catalogue.js';
import type { IndicatorValue } from '../indicators/values.js';
import { parsePeriod, type Period } from '../periods.js';
import { isAdjustedMeasure, type Comparator, type Target, type TargetValue } from './types.js';
import { describeTarget, effectiveTarget } from './validate.js';

/** Whether a figure satisfies a comparator; numbers allow for floating-point noise (100.00000000000001 ≥ 100). */
export function compare(actual: IndicatorValue, comparator: Comparator, target: TargetValue): boolean | null {
  if (actual === null) return null;
  if (typeof actual === 'number' && typeof target === 'number') {
    const tolerance = 1e-9 * Math.max(1, Math.abs(target));
    if (comparator === 'gte') return actual >= target - tolerance;
    if (comparator === 'lte') return actual <= target + tolerance;
    return Math.abs(actual - target) <= tolerance;
  }
  return comparator === 'eq' ? actual === target : null;
}

/** How far a number is from its target, in the measure's unit (0 when met); null for statuses. */
export function shortfall(actual: IndicatorValue, comparator: Comparator, target: TargetValue): number | null {
  if (typeof actual !== 'number' || typeof target !== 'number') return null;
  if (comparator === 'gte') return Math.max(0, target - actual);
  if (comparator === 'lte') return Math.max(0, actual - target);
  return Math.abs(actual - target);
}

/**
 * The figures a target is measured on, for one window (the year so far, or the full year):
 * each reporting school's window, and like-for-like windows of this year and last year for changes.
 */
export interface Frame {
  windows: readonly SchoolWindow[];
  comparable: { current: readonly SchoolWindow[]; previous: readonly SchoolWindow[] };
  /** The fair comparison of the year, by indicator, for targets on the ratio or the score (issue 17). */
  adjusted?: AdjustedFigures | undefined;
}

/** A school's standing in the fair comparison: its ratio of actual to expected use, its score, or why it has none. */
export interface AdjustedFigure {
  ratio: number | null;
  score: number | null;
  reason: string | null;
}

/** The fair comparison by indicator, then by school; an indicator absent means its comparison was not computed. */
export type AdjustedFigures = ReadonlyMap<string, ReadonlyMap<number, AdjustedFigure>>;

export interface SchoolCheck {
  schoolId: number;
  /** What was measured: the school's value, or its change on last year in percent. */
  value: IndicatorValue;
  met: boolean | null;
  shortfall: number | null;
}

export interface TargetResult {
  /** County targets: the county's figure (value, change %, number or share of schools); each-school targets: null. */
  actual: IndicatorValue;
  /** Change targets: the two figures compared. */
  change: Change | null;
  /** false when missed; null when there is not enough data to say (each-school: a school has not reported yet). */
  met: boolean | null;
  /** Schools the target applies to, and how many of them the figure rests on. */
  schools: number;
  reported: number;
  /** Each-school targets: every applicable school, those missing the target first (furthest first). */
  checks: SchoolCheck[] | null;
  /**
   * Targets on the fair comparison: why it cannot be measured (no school can be scored, e.g. too few comparable
   * schools in the province). Such a target is neither met nor pending; schools without a score are left out.
   */
  unmeasured?: string | undefined;
}

const byId = (windows: readonly SchoolWindow[]) => new Map(windows.map((w) => [w.school.id, w]));

/** The schools a target speaks for: applicability, narrowing, and (each-school) no more specific target. */
export function targetSchools(target: Target, targets: readonly Target[], schools: readonly AnalyticsSchool[]): AnalyticsSchool[] {
  const ind = indicator(target.indicator);
  return schools.filter((s) => {
    if (!applies(ind, s)) return false;
    if (target.kind === 'county_total') return !target.schoolTypes || target.schoolTypes.includes(s.type);
    return effectiveTarget(targets, target.indicator, s, target.measure) === target;
  });
}

function schoolMeasure(target: Target, school: AnalyticsSchool, maps: FrameMaps): IndicatorValue {
  const ind = indicator(target.indicator);
  if (isAdjustedMeasure(target.measure)) {
    const own = maps.adjusted?.get(school.id);
    return (target.measure === 'score' ? own?.score : own?.ratio) ?? null;
  }
  if (target.measure === 'change_percent') {
    const now = maps.current.get(school.id);
    const before = maps.previous.get(school.id);
    if (!now || !before) return null;
    const a = indicatorValue(ind, now);
    const b = indicatorValue(ind, before);
    return typeof a === 'number' && typeof b === 'number' ? changePercent(a, b) : null;
  }
  const w = maps.windows.get(school.id);
  return w ? indicatorValue(ind, w) : null;
}

interface FrameMaps {
  adjusted: ReadonlyMap<number, AdjustedFigure> | undefined;
  windows: Map<number, SchoolWindow>;
  current: Map<number, SchoolWindow>;
  previous: Map<number, SchoolWindow>;
}

const mapsOf = (frame: Frame, code: string): FrameMaps => ({
  adjusted: frame.adjusted?.get(code),
  windows: byId(frame.windows),
  current: byId(frame.comparable.current),
  previous: byId(frame.comparable.previous),
});

/** Measures one target on one frame. `targets` are the county's targets of the year (for precedence). */
export function evaluateTarget(target: Target, targets: readonly Target[], schools: readonly AnalyticsSchool[], frame: Frame): TargetResult {
  const members = targetSchools(target, targets, schools);
  const maps = mapsOf(frame, target.indicator);
  const ind = indicator(target.indicator);

  if (target.kind === 'each_school' && isAdjustedMeasure(target.measure)) {
    // Only schools the comparison can score are held to it; when it scores none, the target cannot be measured.
    const scored = maps.adjusted ? members.filter((s) => schoolMeasure(target, s, maps) !== null) : members;
    const result = evaluateEach(target, scored, maps);
    if (!maps.adjusted) return { ...result, unmeasured: '尚未计算按特征调整的比较' };
    if (scored.length === 0) {
      const reason = [...maps.adjusted.values()].find((f) => f.reason !== null)?.reason ?? '没有可评分的学校';
      return { ...result, met: null, unmeasured: reason };
    }
    return result;
  }
  if (target.kind === 'each_school') return evaluateEach(target, members, maps);
  return evaluateTotal(target, members, frame, ind);
}

function evaluateEach(target: Target, members: readonly AnalyticsSchool[], maps: FrameMaps): TargetResult {
  {
    const checks = members.map((s): SchoolCheck => {
      const value = schoolMeasure(target, s, maps);
      return { schoolId: s.id, value, met: compare(value, target.comparator, target.value), shortfall: shortfall(value, target.comparator, target.value) };
    });
    const order = (c: SchoolCheck) => (c.met === false ? 0 : c.met === null ? 1 : 2);
    checks.sort((a, b) => order(a) - order(b) || (b.shortfall ?? 0) - (a.shortfall ?? 0) || a.schoolId - b.schoolId);
    const reported = checks.filter((c) => c.value !== null).length;
    const met = checks.some((c) => c.met === false) ? false : checks.length === 0 || reported < checks.length ? null : true;
    return { actual: null, change: null, met, schools: members.length, reported, checks };
  }
}

function evaluateTotal(target: Target, members: readonly AnalyticsSchool[], frame: Frame, ind: ReturnType<typeof indicator>): TargetResult {
  const ids = new Set(members.map((s) => s.id));
  const pick = (windows: readonly SchoolWindow[]) => windows.filter((w) => ids.has(w.school.id));
  if (target.measure === 'change_percent') {
    const now = groupFigure(ind, pick(frame.comparable.current));
    const before = groupFigure(ind, pick(frame.comparable.previous));
    const c = change(figureValue(now), figureValue(before));
    return {
      actual: c.percent,
      change: c,
      met: compare(c.percent, target.comparator, target.value),
      schools: members.length,
      reported: now.schools,
      checks: null,
    };
  }
  const figure = groupFigure(ind, pick(frame.windows));
  const actual =
    target.measure === 'status_count'
      ? countWith(figure, target.statusValue!)
      : target.measure === 'status_share'
        ? shareWith(figure, target.statusValue!)
        : figureValue(figure);
  return { actual, change: null, met: compare(actual, target.comparator, target.value), schools: members.length, reported: figure.schools, checks: null };
}

/**
 * The frame for any window (a quarter, the year so far): each school's window and like-for-like windows of
 * this window and the same window a year earlier. `reports` must hold both years' quarters (others are ignored).
 */
export function windowFrame(schools: readonly AnalyticsSchool[], reports: readonly QuarterReport[], window: readonly Period[]): Frame & { window: Period[] } {
  const inWindow = new Set(window);
  const before = shiftWindow(window, -1);
  const inBefore = new Set(before);
  const current = reports.filter((r) => inWindow.has(r.period));
  const pairs = comparableReports(
    current,
    reports.filter((r) => inBefore.has(r.period)),
  );
  return {
    window: [...window],
    windows: aggregateSchools(schools, current, window),
    comparable: { current: aggregateSchools(schools, pairs.current, window), previous: aggregateSchools(schools, pairs.previous, before) },
  };
}

/** The frames a year's targets are measured on. */
export interface YearFrames {
  year: number;
  /** The last quarter of the year with any report: "the year so far" runs from Q1 to it. Null before any report. */
  upToQuarter: 1 | 2 | 3 | 4 | null;
  yearToDate: Frame & { window: Period[] };
  fullYear: Frame & {
    /** `actual` once every reporting school has all four quarters; otherwise a projection, to be labelled as such. */
    basis: 'actual' | 'projection';
    /** Schools projected by last year's seasonal pattern and linearly (see `projectSchoolYear`). */
    seasonalSchools: number;
    linearSchools: number;
  };
}

/**
 * Builds the year-so-far and full-year frames from the reports of the year and the year before.
 * `upToQuarter` cuts "the year so far" short (e.g. a summary "截至第三季度"); by default it is the last quarter reported.
 */
export function yearFrames(
  schools: readonly AnalyticsSchool[],
  reports: readonly QuarterReport[],
  year: number,
  upToQuarter?: 1 | 2 | 3 | 4,
  adjusted?: AdjustedFigures,
): YearFrames {
  const reportedUpTo = lastReportedQuarter(reports, year);
  const upTo = upToQuarter ?? reportedUpTo;
  const inYear = (r: QuarterReport, y: number) => parsePeriod(r.period).year === y;
  const thisYear = reports.filter((r) => inYear(r, year) && (upTo === null || parsePeriod(r.period).quarter <= upTo));
  const lastYear = reports.filter((r) => inYear(r, year - 1));

  const yearToDate = { ...windowFrame(schools, [...thisYear, ...lastYear], upTo === null ? [] : yearWindow(year, upTo)), adjusted };

  const thisBySchool = groupBySchool(thisYear);
  const lastBySchool = groupBySchool(lastYear);
  const projected: SchoolWindow[] = [];
  const current: SchoolWindow[] = [];
  const previous: SchoolWindow[] = [];
  let seasonalSchools = 0;
  let linearSchools = 0;
  for (const s of schools) {
    const result = projectSchoolYear(s, thisBySchool.get(s.id) ?? [], lastBySchool.get(s.id) ?? [], year);
    if (!result) continue;
    projected.push(result.window);
    if (result.method === 'seasonal') seasonalSchools += 1;
    if (result.method === 'linear') linearSchools += 1;
    const before = aggregateSchool(s, lastBySchool.get(s.id) ?? [], yearWindow(year - 1));
    if (before && before.periods.length === 4) {
      current.push(result.window);
      previous.push(before);
    }
  }
  const complete = upTo === 4 && seasonalSchools + linearSchools === 0;
  const fullYear = complete
    ? { windows: yearToDate.windows, comparable: yearToDate.comparable, adjusted, basis: 'actual' as const, seasonalSchools, linearSchools }
    : { windows: projected, comparable: { current, previous }, adjusted, basis: 'projection' as const, seasonalSchools, linearSchools };
  return { year, upToQuarter: upTo, yearToDate, fullYear };
}

export interface Attainment {
  target: Target;
  /** The target in words, e.g. “全县学平险参保率≥95%”. */
  label: string;
  yearToDate: TargetResult;
  /** For the whole year: actual figures when the year is complete, otherwise a projection (see `basis`). */
  fullYear: TargetResult & { basis: 'actual' | 'projection' };
}

/** Every target of a county's year, measured on the year so far and on the (projected) full year. */
export function attainment(
  targets: readonly Target[],
  schools: readonly AnalyticsSchool[],
  frames: YearFrames,
  schoolNames?: ReadonlyMap<number, string>,
): Attainment[] {
  return targets.map((target) => ({
    target,
    label: describeTarget(target, target.schoolId !== null ? schoolNames?.get(target.schoolId) : undefined),
    yearToDate: evaluateTarget(target, targets, schools, frames.yearToDate),
    fullYear: { ...evaluateTarget(target, targets, schools, frames.fullYear), basis: frames.fullYear.basis },
  }));
}

import { indicator, INDICATORS } from '../indicators/catalogue.js';
import type { SchoolAttributes } from '../indicators/types.js';
import type { IndicatorValue, ReportValues } from '../indicators/values.js';
import { parsePeriod, period, quartersOfYear, shiftPeriod, type Period } from '../periods.js';
import type { ReportStatus } from '../report-status.js';
import type { Location } from '../schools.js';

/** A school as analytics sees it: what formulas and applicability need, plus what peer groups are made of. */
export interface AnalyticsSchool extends SchoolAttributes {
  id: number;
  location: Location;
}

/** One school's stored values for one quarter (one row of `reports`). */
export interface QuarterReport {
  schoolId: number;
  period: Period;
  values: ReportValues;
}

/**
 * One school's figures over a window of quarters, per the catalogue's aggregation rules:
 * flows add up over the quarters, stocks and statuses take the latest quarter that reported them.
 */
export interface SchoolWindow {
  school: AnalyticsSchool;
  /** The quarters of the window this school reported, ascending. */
  periods: Period[];
  /** Input indicators only; derived ones are computed from these (see `indicatorValue`). */
  values: ReportValues;
  /** The window's last quarter: the date coal coefficients are taken at. */
  end: Period;
  /** True when flows were extrapolated to quarters not yet reported (a projection, never an actual figure). */
  projected: boolean;
}

/** Which reports figures rest on: approved ones, and on request submitted ones awaiting review too. */
export const figureStatuses = (includeSubmitted: boolean | undefined): ReportStatus[] => (includeSubmitted ? ['approved', 'submitted'] : ['approved']);

/** The schools a window speaks for: those still active, and closed ones that reported in the window. */
export function schoolsOfWindow<S extends { id: number; active: boolean }>(
  schools: readonly S[],
  reports: readonly QuarterReport[],
  window: readonly Period[],
): S[] {
  const periods = new Set(window);
  const reported = new Set(reports.filter((r) => periods.has(r.period)).map((r) => r.schoolId));
  return schools.filter((s) => s.active || reported.has(s.id));
}

/** The first `upTo` quarters of a year. */
export const yearWindow = (year: number, upTo: 1 | 2 | 3 | 4 = 4): Period[] => quartersOfYear(year, upTo);

/** The same window a whole number of years earlier or later (−1: the same quarters last year). */
export const shiftWindow = (window: readonly Period[], years: number): Period[] => window.map((p) => shiftPeriod(p, years * 4));

/** `count` consecutive quarters ending with `end`, oldest first. */
export function quartersEndingAt(end: Period, count: number): Period[] {
  return Array.from({ length: count }, (_, i) => shiftPeriod(end, i - count + 1));
}

/** Every quarter from `from` to `to` inclusive; empty when `to` is before `from`. */
export function quarterRange(from: Period, to: Period): Period[] {
  const a = parsePeriod(from);
  const b = parsePeriod(to);
  const count = (b.year - a.year) * 4 + (b.quarter - a.quarter) + 1;
  return count > 0 ? quartersEndingAt(to, count) : [];
}

/** The latest quarter of `year` that any of the reports belongs to (how far "the year so far" reaches). */
export function lastReportedQuarter(reports: readonly QuarterReport[], year: number): 1 | 2 | 3 | 4 | null {
  let last = 0;
  for (const r of reports) {
    const p = parsePeriod(r.period);
    if (p.year === year && p.quarter > last) last = p.quarter;
  }
  return last ? (last as 1 | 2 | 3 | 4) : null;
}

const sortByPeriod = (reports: readonly QuarterReport[]) => [...reports].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));

/** Input indicators by how they aggregate over quarters, computed once from the catalogue. */
const FLOWS = INDICATORS.filter((i) => i.kind === 'flow').map((i) => i.code);
const LATEST = INDICATORS.filter((i) => i.kind === 'stock' || i.kind === 'status').map((i) => i.code);

interface WindowSpec {
  periods: ReadonlySet<Period>;
  end: Period;
}

const specOf = (window: readonly Period[]): WindowSpec | null => {
  if (!window.length) return null;
  const sorted = [...window].sort();
  return { periods: new Set(window), end: sorted[sorted.length - 1]! };
};

function aggregateWith(school: AnalyticsSchool, reports: readonly QuarterReport[], spec: WindowSpec): SchoolWindow | null {
  const own = sortByPeriod(reports.filter((r) => r.schoolId === school.id && spec.periods.has(r.period)));
  if (!own.length) return null;
  // One quarter needs no aggregation: its values are the window's (shared, never modified).
  if (own.length === 1) return { school, periods: [own[0]!.period], values: own[0]!.values, end: spec.end, projected: false };
  const values: ReportValues = {};
  for (const code of FLOWS) {
    let total: number | null = null;
    for (const r of own) {
      const v = r.values[code];
      if (typeof v === 'number') total = (total ?? 0) + v;
    }
    if (total !== null) values[code] = total;
  }
  // Stocks and statuses: the latest quarter of the window that holds a value.
  for (const code of LATEST) {
    for (let i = own.length - 1; i >= 0; i--) {
      const v = own[i]!.values[code];
      if (v !== null && v !== undefined) {
        values[code] = v;
        break;
      }
    }
  }
  return { school, periods: own.map((r) => r.period), values, end: spec.end, projected: false };
}

/**
 * Aggregates one school's quarterly reports over a window. Reports outside the window (or of another school)
 * are ignored. Returns null when the school reported none of the window's quarters.
 */
export function aggregateSchool(school: AnalyticsSchool, reports: readonly QuarterReport[], window: readonly Period[]): SchoolWindow | null {
  const spec = specOf(window);
  return spec ? aggregateWith(school, reports, spec) : null;
}

/** Aggregates every school that reported in the window; schools without a report are left out. */
export function aggregateSchools(schools: readonly AnalyticsSchool[], reports: readonly QuarterReport[], window: readonly Period[]): SchoolWindow[] {
  const spec = specOf(window);
  if (!spec) return [];
  const bySchool = groupBySchool(reports.filter((r) => spec.periods.has(r.period)));
  return schools.flatMap((s) => {
    const w = aggregateWith(s, bySchool.get(s.id) ?? [], spec);
    return w ? [w] : [];
  });
}

/** Items by a key, each list in the order given. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

export const groupBySchool = (reports: readonly QuarterReport[]): Map<number, QuarterReport[]> => groupBy(reports, (r) => r.schoolId);

/**
 * Like-for-like reports for a year-on-year comparison: a school's quarter counts only when the same school
 * also reported the same quarter of the other year. A school that opened, closed or missed a quarter then
 * does not move the change.
 */
export function comparableReports(
  current: readonly QuarterReport[],
  previous: readonly QuarterReport[],
): { current: QuarterReport[]; previous: QuarterReport[] } {
  const shifted = new Map<Period, Period>();
  const yearBefore = (p: Period) => shifted.get(p) ?? shifted.set(p, shiftPeriod(p, -4)).get(p)!;
  const key = (schoolId: number, p: Period) => `${schoolId}|${p}`;
  const before = new Set(previous.map((r) => key(r.schoolId, r.period)));
  const keptCurrent = current.filter((r) => before.has(key(r.schoolId, yearBefore(r.period))));
  const now = new Set(keptCurrent.map((r) => key(r.schoolId, yearBefore(r.period))));
  return { current: keptCurrent, previous: previous.filter((r) => now.has(key(r.schoolId, r.period))) };
}

export type ProjectionMethod = 'actual' | 'seasonal' | 'linear';

/**
 * A school's full calendar year from the quarters it has reported so far. Flows of missing quarters are
 * extrapolated: by last year's seasonal pattern when the school reported all four quarters last year
 * (this year's sum × last year's total ÷ last year's sum over the same quarters), otherwise linearly
 * (sum × 4 ÷ quarters reported). Stocks and statuses keep their latest value. Null without any report this year.
 */
export function projectSchoolYear(
  school: AnalyticsSchool,
  thisYear: readonly QuarterReport[],
  lastYear: readonly QuarterReport[],
  year: number,
): { window: SchoolWindow; method: ProjectionMethod } | null {
  const full = yearWindow(year);
  const actual = aggregateSchool(school, thisYear, full);
  if (!actual) return null;
  if (actual.periods.length === 4) return { window: actual, method: 'actual' };
  const lastFull = aggregateSchool(school, lastYear, yearWindow(year - 1));
  const seasonal = lastFull !== null && lastFull.periods.length === 4;
  const lastSame = seasonal ? aggregateSchool(school, lastYear, shiftWindow(actual.periods, -1)) : null;
  const values: ReportValues = { ...actual.values };
  for (const [code, v] of Object.entries(actual.values)) {
    if (indicator(code).kind !== 'flow' || typeof v !== 'number') continue;
    const lastTotal = lastFull?.values[code];
    const lastPart = lastSame?.values[code];
    values[code] =
      seasonal && typeof lastTotal === 'number' && typeof lastPart === 'number' && lastPart > 0 ? (v * lastTotal) / lastPart : (v * 4) / actual.periods.length;
  }
  return { window: { ...actual, values, end: period(year, 4), projected: true }, method: seasonal ? 'seasonal' : 'linear' };
}

/** A stored value read as a number, or null. */
export const numeric = (v: IndicatorValue | undefined): number | null => (typeof v === 'number' ? v : null);

import { badRequest } from '../errors.js';
import { INDICATORS, isFigure } from '../indicators/catalogue.js';
import type { Indicator } from '../indicators/types.js';
import type { IndicatorValue } from '../indicators/values.js';
import type { Period } from '../periods.js';
import { figurePart, isNumeric, type FigurePart } from './group.js';
import { aggregateSchools, type AnalyticsSchool, type QuarterReport, type SchoolWindow } from './window.js';

/** The indicators figures are shown for: every catalogue indicator except dates and notes (a school's own words). */
export const FIGURE_INDICATORS: readonly Indicator[] = INDICATORS.filter((i) => i.valueType !== 'date' && isFigure(i));
/** The figure indicators that have a change on last year (numbers). */
export const NUMERIC_FIGURES: readonly Indicator[] = FIGURE_INDICATORS.filter(isNumeric);

/** An indicator a figure, a league table or a trend may be asked for: in the catalogue and not a date. */
export function figureIndicator(code: string): Indicator {
  const ind = INDICATORS.find((i) => i.code === code);
  if (!ind) throw badRequest('indicator', `未知指标：${code}。请从指标目录中选择。`);
  if (ind.valueType === 'date') throw badRequest('indicator', `${ind.name.zh}是日期，不能统计或排名。`);
  if (!isFigure(ind)) throw badRequest('indicator', `${ind.name.zh}是学校填写的文字，不能统计或排名。`);
  return ind;
}

/** A county's overview figures before they become figures: parts that add up across counties. */
export interface CountyParts {
  window: Record<string, FigurePart>;
  /** Like for like with last year (numeric indicators). */
  current: Record<string, FigurePart>;
  previous: Record<string, FigurePart>;
  trend: Partial<Record<Period, Record<string, FigurePart>>>;
}

/** The school windows of a window and their like-for-like pairs (a target frame has this shape). */
export interface WindowFrames {
  windows: readonly SchoolWindow[];
  comparable: { current: readonly SchoolWindow[]; previous: readonly SchoolWindow[] };
}

/**
 * The parts of one county's overview: the window's (its frame is built over the active schools and closed ones
 * that reported in it) and each quarter of the trend's, for every school that reported then.
 */
export function countyParts(
  schools: readonly AnalyticsSchool[],
  reports: readonly QuarterReport[],
  frame: WindowFrames,
  trendPeriods: readonly Period[],
): CountyParts {
  const partsOf = (indicators: readonly Indicator[], windows: readonly SchoolWindow[]) =>
    Object.fromEntries(indicators.map((i) => [i.code, figurePart(i, windows)]));
  return {
    window: partsOf(FIGURE_INDICATORS, frame.windows),
    current: partsOf(NUMERIC_FIGURES, frame.comparable.current),
    previous: partsOf(NUMERIC_FIGURES, frame.comparable.previous),
    trend: Object.fromEntries(trendPeriods.map((p) => [p, partsOf(FIGURE_INDICATORS, aggregateSchools(schools, reports, [p]))])),
  };
}

// Kept parts are packed positionally (catalogue order, trend order): a part is [schools, total] for a sum,
// [schools, numerator, denominator] for a ratio, [schools, counts] for statuses. The catalogue's codes are part of
// the key (`CATALOGUE_MARK`), so a catalogue change makes old rows unreadable rather than misread.
export type PackedPart = [number, number] | [number, number, number | null] | [number, Record<string, number>];

interface PackedCountyParts {
  w: PackedPart[];
  c: PackedPart[];
  p: PackedPart[];
  t: PackedPart[][];
}

/** A short hash of the figure indicators' codes in catalogue order: what packed parts are positioned by. */
export const CATALOGUE_MARK = (() => {
  let h = 0;
  for (const ch of FIGURE_INDICATORS.map((i) => i.code).join(',')) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(36);
})();

export function packPart(part: FigurePart): PackedPart {
  return part.kind === 'sum'
    ? [part.schools, part.total]
    : part.kind === 'ratio'
      ? [part.schools, part.numerator, part.denominator]
      : [part.schools, part.counts];
}

/** A packed part read back: which kind it is follows from the indicator. */
export function unpackPart(ind: Indicator, packed: PackedPart): FigurePart {
  if (ind.formula) return { kind: 'ratio', schools: packed[0], numerator: packed[1] as number, denominator: (packed as [number, number, number | null])[2] };
  if (isNumeric(ind)) return { kind: 'sum', schools: packed[0], total: packed[1] as number };
  return { kind: 'counts', schools: packed[0], counts: packed[1] as Record<string, number> };
}

/** A county's parts as stored text; `trendPeriods` are the trend's quarters (positions, not written). */
export function packCountyParts(parts: CountyParts, trendPeriods: readonly Period[]): string {
  const row = (indicators: readonly Indicator[], of: Record<string, FigurePart> | undefined) =>
    indicators.map((i) => packPart(of?.[i.code] ?? figurePart(i, [])));
  const packed: PackedCountyParts = {
    w: row(FIGURE_INDICATORS, parts.window),
    c: row(NUMERIC_FIGURES, parts.current),
    p: row(NUMERIC_FIGURES, parts.previous),
    t: trendPeriods.map((q) => row(FIGURE_INDICATORS, parts.trend[q])),
  };
  return JSON.stringify(packed);
}

export function unpackCountyParts(text: string, trendPeriods: readonly Period[]): CountyParts {
  const packed = JSON.parse(text) as PackedCountyParts;
  const row = (indicators: readonly Indicator[], list: readonly PackedPart[]) =>
    Object.fromEntries(indicators.map((i, k) => [i.code, unpackPart(i, list[k]!)]));
  return {
    window: row(FIGURE_INDICATORS, packed.w),
    current: row(NUMERIC_FIGURES, packed.c),
    previous: row(NUMERIC_FIGURES, packed.p),
    trend: Object.fromEntries(trendPeriods.map((q, k) => [q, row(FIGURE_INDICATORS, packed.t[k]!)])),
  };
}

/** One school in a league table before ranking: who it is, its figures, and its figure part for the group's figure. */
export interface LeagueEntry<S> {
  school: S;
  value: IndicatorValue;
  now: number | null;
  before: number | null;
  part: FigurePart | null;
}

type PackedEntry<S> = [S, IndicatorValue, number | null, number | null, PackedPart | null];

export const packLeagueEntries = <S>(entries: readonly LeagueEntry<S>[]): string =>
  JSON.stringify(entries.map((e): PackedEntry<S> => [e.school, e.value, e.now, e.before, e.part ? packPart(e.part) : null]));

export const unpackLeagueEntries = <S>(ind: Indicator, text: string): LeagueEntry<S>[] =>
  (JSON.parse(text) as PackedEntry<S>[]).map(([school, value, now, before, part]) => ({
    school,
    value,
    now,
    before,
    part: part ? unpackPart(ind, part) : null,
  }));

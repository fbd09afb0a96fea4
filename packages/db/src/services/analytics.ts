import {
  aggregateSchools,
  applies,
  badRequest,
  change,
  compare,
  describeTarget,
  distribution,
  DOMAIN_LABELS,
  DOMAINS,
  effectiveTarget,
  evaluateTarget,
  figureOfParts,
  figurePart,
  figureValue,
  forbidden,
  groupFigure,
  groupMedian,
  indicator,
  indicatorValue,
  INDICATORS,
  indicatorInputs,
  isNumeric,
  notFound,
  period,
  quarterRange,
  quartersEndingAt,
  quartileBand,
  rank,
  scopeIncludesCounty,
  scopeIncludesSchool,
  shiftWindow,
  shortfall,
  windowFrame,
  yearWindow,
  type Change,
  type Distribution,
  type FigurePart,
  type Frame,
  type GroupFigure,
  type Indicator,
  type IndicatorDomain,
  type IndicatorValue,
  type Label,
  type Location,
  type Period,
  type QuartileBand,
  type SchoolWindow,
  type SchoolType,
  type Scope,
  type Target,
  type TargetMeasure,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import {
  analyticsReports,
  analyticsSchools,
  completenessCounts,
  countiesByIds,
  figureStatuses,
  lastReportedPeriods,
  schoolsOfWindow,
  type AnalyticsSchoolRow,
  type CompletenessCount,
  type CountyReport,
} from '../queries/analytics.js';
import { countyFingerprints, storeCountyFigures, storedCountyFigures } from '../queries/county-figures.js';
import { countyIdsUnder } from '../queries/org.js';
import { getSchool } from '../queries/schools.js';
import { targetsOf } from '../queries/targets.js';
import type { Database, ReportStatus, School } from '../schema.js';

// ── scope ──

/** County-level figures (league tables with names, targets) are for the bureau: a school account is refused. */
export function requireBureauCounty(scope: Scope, countyId: number): void {
  if (scope.kind === 'school' || !scopeIncludesCounty(scope, countyId)) throw forbidden('该县（市、区）不在您的管辖范围内。');
}

async function schoolInScope(db: Kysely<Database>, scope: Scope, schoolId: number): Promise<School> {
  const school = await getSchool(db, schoolId);
  if (!school) throw notFound('学校不存在。');
  if (!scopeIncludesSchool(scope, school)) throw forbidden('该学校不在您的管辖范围内。');
  return school;
}

/**
 * The counties a call covers: one county, every county under a unit (a city, a province), or by default every
 * county the caller sees. Always within the caller's scope.
 */
export async function countiesFor(db: Kysely<Database>, scope: Scope, where: { countyId?: number | undefined; unitId?: number | undefined }): Promise<number[]> {
  if (scope.kind === 'school') throw forbidden('学校账号只能查看本校的数据。');
  if (where.countyId !== undefined) {
    requireBureauCounty(scope, where.countyId);
    return [where.countyId];
  }
  const all =
    where.unitId !== undefined
      ? await countyIdsUnder(db, where.unitId)
      : scope.kind === 'all'
        ? (await db.selectFrom('orgUnits').select('id').where('level', '=', 'county').orderBy('id').execute()).map((r) => r.id)
        : [...scope.countyIds];
  const visible = all.filter((id) => scopeIncludesCounty(scope, id));
  if (!visible.length) throw forbidden(where.unitId !== undefined ? '该单位不在您的管辖范围内。' : '您的账号没有可查看的县（市、区）。');
  return visible;
}

// ── shared pieces ──

export interface FigureOptions {
  /** Count submitted reports awaiting review as well as approved ones. */
  includeSubmitted?: boolean | undefined;
}

export interface WindowChoice extends FigureOptions {
  year: number;
  /** One quarter; without it, the year so far (Q1 up to the last quarter with a report). */
  quarter?: 1 | 2 | 3 | 4 | undefined;
}

interface ResolvedWindow {
  window: Period[];
  /** The quarter the window ends with (the trend ends there too). */
  end: Period;
  upToQuarter: 1 | 2 | 3 | 4 | null;
}

async function resolveWindow(db: Kysely<Database>, countyIds: readonly number[], choice: WindowChoice): Promise<ResolvedWindow> {
  if (choice.quarter !== undefined) {
    const p = period(choice.year, choice.quarter);
    return { window: [p], end: p, upToQuarter: choice.quarter };
  }
  const last = [...(await lastReportedPeriods(db, countyIds, choice.year, figureStatuses(choice.includeSubmitted))).values()].sort().at(-1);
  const upTo = last ? (Number(last.slice(-1)) as 1 | 2 | 3 | 4) : null;
  return { window: upTo ? yearWindow(choice.year, upTo) : [], end: period(choice.year, upTo ?? 1), upToQuarter: upTo };
}

function checkIndicator(code: string): Indicator {
  const ind = INDICATORS.find((i) => i.code === code);
  if (!ind) throw badRequest('indicator', `未知指标：${code}。请从指标目录中选择。`);
  if (ind.valueType === 'date') throw badRequest('indicator', `${ind.name.zh}是日期，不能统计或排名。`);
  return ind;
}

/** The indicators figures are shown for: every catalogue indicator except dates. */
const FIGURE_INDICATORS = INDICATORS.filter((i) => i.valueType !== 'date');

const numberOf = (v: IndicatorValue): number | null => (typeof v === 'number' ? v : null);

/** A target as a row or a chart shows it. */
export interface TargetBrief {
  id: number;
  label: string;
  kind: Target['kind'];
  measure: TargetMeasure;
  comparator: Target['comparator'];
  value: Target['value'];
}

const brief = (t: Target, schoolName?: string): TargetBrief => ({
  id: t.id,
  label: describeTarget(t, schoolName),
  kind: t.kind,
  measure: t.measure,
  comparator: t.comparator,
  value: t.value,
});

/** Each-school targets that hold for a school: on the value first, else on the change. */
function schoolTarget(targets: readonly Target[], ind: Indicator, school: AnalyticsSchoolRow): Target | null {
  const own = targets.filter((t) => t.countyId === school.countyId);
  return effectiveTarget(own, ind.code, school, 'value') ?? effectiveTarget(own, ind.code, school, 'change_percent');
}

/** A frame's windows by school, so a league table of thousands of schools looks each one up once. */
interface FrameIndex {
  windows: Map<number, SchoolWindow>;
  current: Map<number, SchoolWindow>;
  previous: Map<number, SchoolWindow>;
}

const bySchool = (windows: readonly SchoolWindow[]) => new Map(windows.map((w) => [w.school.id, w]));
const indexFrame = (frame: Frame): FrameIndex => ({ windows: bySchool(frame.windows), current: bySchool(frame.comparable.current), previous: bySchool(frame.comparable.previous) });

/** A school's figures on a frame: its window value and its like-for-like values this year and last (numbers). */
function schoolValues(ind: Indicator, school: { id: number }, frame: FrameIndex) {
  const w = frame.windows.get(school.id);
  const now = frame.current.get(school.id);
  const before = frame.previous.get(school.id);
  return {
    value: w ? indicatorValue(ind, w) : null,
    now: isNumeric(ind) && now ? numberOf(indicatorValue(ind, now)) : null,
    before: isNumeric(ind) && before ? numberOf(indicatorValue(ind, before)) : null,
  };
}

/** A school's figure against its each-school target. */
function standingOf(ind: Indicator, school: AnalyticsSchoolRow, values: { value: IndicatorValue; now: number | null; before: number | null }, targets: readonly Target[]) {
  const yoy = isNumeric(ind) ? change(values.now, values.before) : null;
  const target = schoolTarget(targets, ind, school);
  const measured = target?.measure === 'change_percent' ? (yoy?.percent ?? null) : values.value;
  return {
    value: values.value,
    change: yoy,
    target: target ? brief(target, target.schoolId !== null ? school.name : undefined) : null,
    met: target ? compare(measured, target.comparator, target.value) : null,
    shortfall: target ? shortfall(measured, target.comparator, target.value) : null,
  };
}

const schoolStanding = (ind: Indicator, school: AnalyticsSchoolRow, frame: FrameIndex, targets: readonly Target[]) => standingOf(ind, school, schoolValues(ind, school, frame), targets);

interface Loaded {
  schools: AnalyticsSchoolRow[];
  reports: CountyReport[];
  targets: Target[];
}

async function load(db: Kysely<Database>, countyIds: readonly number[], periods: readonly Period[], year: number, options: FigureOptions): Promise<Loaded> {
  const [schools, reports, targets] = await Promise.all([
    analyticsSchools(db, countyIds, undefined, { periods, statuses: figureStatuses(options.includeSubmitted) }),
    analyticsReports(db, countyIds, periods, figureStatuses(options.includeSubmitted)),
    targetsOf(db, countyIds, year),
  ]);
  return { schools, reports, targets };
}

/** The quarters a window's figures, its change on last year and a trend of `trendLength` quarters need. */
function periodsFor(w: ResolvedWindow, trendLength: number): Period[] {
  return [...new Set([...quartersEndingAt(w.end, Math.max(trendLength, 8)), ...w.window])].sort();
}

function sumCompleteness(rows: readonly CompletenessCount[], periods: readonly Period[]) {
  return periods.map((p) => {
    const of = rows.filter((r) => r.period === p);
    const total = (k: 'schools' | 'approved' | 'submitted' | 'inProgress' | 'missing') => of.reduce((t, r) => t + r[k], 0);
    return { period: p, schools: total('schools'), approved: total('approved'), submitted: total('submitted'), inProgress: total('inProgress'), missing: total('missing') };
  });
}

// ── overview ──

export interface TargetCheck extends TargetBrief {
  /** The county figure measured (each-school targets: null). */
  actual: IndicatorValue;
  met: boolean | null;
  /** Each-school targets: how many applicable schools miss it. */
  schoolsNotMet: number | null;
  schools: number;
  reported: number;
}

export interface OverviewFigure {
  indicator: string;
  figure: GroupFigure;
  /** Like for like against the same window last year (numbers only). */
  change: Change | null;
  targets: TargetCheck[];
  trend: { period: Period; figure: GroupFigure }[];
}

export interface Overview {
  countyIds: number[];
  year: number;
  quarter: number | null;
  window: Period[];
  upToQuarter: number | null;
  includeSubmitted: boolean;
  /** Active schools covered. */
  schools: number;
  completeness: { period: Period; schools: number; approved: number; submitted: number; inProgress: number; missing: number }[];
  domains: { domain: IndicatorDomain; label: Label; figures: OverviewFigure[] }[];
  targets: { total: number; met: number; notMet: number; pending: number };
}

const TREND_QUARTERS = 12;

/**
 * The bureau's dashboard: for each domain, every indicator's figure for the window with its change on last
 * year, its targets (met or not) and its last 12 quarters; and how complete the reports are. Targets are a
 * county's own, so they are measured when the overview covers one county.
 */
export async function overview(db: Kysely<Database>, scope: Scope, input: WindowChoice & { countyId?: number | undefined; unitId?: number | undefined }): Promise<Overview> {
  const countyIds = await countiesFor(db, scope, input);
  const w = await resolveWindow(db, countyIds, input);
  const trendPeriods = quartersEndingAt(w.end, TREND_QUARTERS);
  const quarters = w.window.length ? w.window : [w.end];
  const summary = { total: 0, met: 0, notMet: 0, pending: 0 };
  const statuses = figureStatuses(input.includeSubmitted);
  // Every county's figures are its kept parts (recomputed when its data moved), added up for a city or province.
  const [kept, targets, counts] = await Promise.all([
    countyPartsFor(db, countyIds, w, trendPeriods, statuses),
    countyIds.length === 1 ? targetsOf(db, countyIds, input.year) : Promise.resolve([]),
    completenessCounts(db, countyIds, quarters).then((rows) => sumCompleteness(rows, quarters)),
  ]);
  const parts = [...kept.values()];
  let checksOf: (ind: Indicator) => TargetCheck[] = () => [];
  if (targets.length) {
    const { present, frame } = (await targetFrames(db, countyIds, w, statuses, targets)).get(countyIds[0]!)!;
    checksOf = (ind) =>
      targets
        .filter((t) => t.indicator === ind.code)
        .map((t): TargetCheck => {
          const r = evaluateTarget(t, targets, present, frame);
          summary.total += 1;
          if (r.met === true) summary.met += 1;
          else if (r.met === false) summary.notMet += 1;
          else summary.pending += 1;
          const name = t.schoolId !== null ? present.find((s) => s.id === t.schoolId)?.name : undefined;
          return { ...brief(t, name), actual: r.actual, met: r.met, schoolsNotMet: r.checks ? r.checks.filter((c) => c.met === false).length : null, schools: r.schools, reported: r.reported };
        });
  }

  const figureOf = (ind: Indicator): OverviewFigure => {
    const sum = (pick: (p: CountyParts) => FigurePart | undefined) => figureOfParts(ind, parts.flatMap((p) => pick(p) ?? []));
    const figure = sum((p) => p.window[ind.code]);
    return {
      indicator: ind.code,
      figure,
      change: figure.type === 'number' ? change(figureValue(sum((p) => p.current[ind.code])), figureValue(sum((p) => p.previous[ind.code]))) : null,
      targets: checksOf(ind),
      trend: trendPeriods.map((period) => ({ period, figure: sum((p) => p.trend[period]?.[ind.code]) })),
    };
  };

  return {
    countyIds,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    upToQuarter: w.upToQuarter,
    includeSubmitted: Boolean(input.includeSubmitted),
    schools: counts[0]?.schools ?? 0,
    completeness: counts,
    domains: DOMAINS.map((domain) => ({ domain, label: DOMAIN_LABELS[domain], figures: FIGURE_INDICATORS.filter((i) => i.domain === domain).map(figureOf) })),
    targets: summary,
  };
}

/** Some counties' schools (active, or closed with a report in `periods`) and reports, by county; `codes` cuts values. */
async function countyData(db: Kysely<Database>, countyIds: readonly number[], periods: readonly Period[], statuses: readonly ReportStatus[], codes?: readonly string[]) {
  const [schools, reports] = await Promise.all([analyticsSchools(db, countyIds, undefined, { periods, statuses }), analyticsReports(db, countyIds, periods, statuses, undefined, codes)]);
  const bySchool = groupByCounty(schools);
  const byReport = groupByCounty(reports);
  return (countyId: number) => ({ schools: bySchool.get(countyId) ?? [], reports: byReport.get(countyId) ?? [] });
}

/**
 * The school windows counties' targets are measured on: the window and a year earlier, each report cut to the values
 * the targets' indicators read.
 */
async function targetFrames(db: Kysely<Database>, countyIds: readonly number[], w: ResolvedWindow, statuses: readonly ReportStatus[], targets: readonly Target[]): Promise<Map<number, { present: AnalyticsSchoolRow[]; frame: Frame }>> {
  const periods = [...new Set([...w.window, ...shiftWindow(w.window, -1)])];
  const of = await countyData(db, countyIds, periods, statuses, [...new Set(targets.flatMap((t) => indicatorInputs(indicator(t.indicator))))]);
  return new Map(
    countyIds.map((id) => {
      const { schools, reports } = of(id);
      const present = schoolsOfWindow(schools, reports, w.window);
      return [id, { present, frame: windowFrame(present, reports, w.window) }];
    }),
  );
}

/** A county's overview figures before they become figures: parts that add up across counties. */
interface CountyParts {
  window: Record<string, FigurePart>;
  /** Like for like with last year (numeric indicators). */
  current: Record<string, FigurePart>;
  previous: Record<string, FigurePart>;
  trend: Partial<Record<Period, Record<string, FigurePart>>>;
}

const NUMERIC_FIGURES = FIGURE_INDICATORS.filter(isNumeric);

/**
 * The parts of one county's overview: the window's (its frame is built over the active schools and closed ones
 * that reported in it) and each quarter of the trend's, for every school that reported then.
 */
function countyParts(schools: readonly AnalyticsSchoolRow[], reports: readonly CountyReport[], frame: Frame, trendPeriods: readonly Period[]): CountyParts {
  const partsOf = (indicators: readonly Indicator[], windows: readonly SchoolWindow[]) => Object.fromEntries(indicators.map((i) => [i.code, figurePart(i, windows)]));
  return {
    window: partsOf(FIGURE_INDICATORS, frame.windows),
    current: partsOf(NUMERIC_FIGURES, frame.comparable.current),
    previous: partsOf(NUMERIC_FIGURES, frame.comparable.previous),
    trend: Object.fromEntries(trendPeriods.map((p) => [p, partsOf(FIGURE_INDICATORS, aggregateSchools(schools, reports, [p]))])),
  };
}

/** Counties recomputed per round of reads when their kept parts are out of date (bounds the rows held at once). */
const RECOMPUTE_BATCH = 10;

// Kept parts are packed positionally (catalogue order, trend order): a part is [schools, total] for a sum,
// [schools, numerator, denominator] for a ratio, [schools, counts] for statuses. The catalogue's codes are part of
// the key, so a catalogue change makes old rows unreadable rather than misread.
type PackedPart = [number, number] | [number, number, number | null] | [number, Record<string, number>];
interface PackedCountyParts {
  w: PackedPart[];
  c: PackedPart[];
  p: PackedPart[];
  t: PackedPart[][];
}

const CATALOGUE_MARK = (() => {
  let h = 0;
  for (const ch of FIGURE_INDICATORS.map((i) => i.code).join(',')) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return (h >>> 0).toString(36);
})();

function pack(part: FigurePart): PackedPart {
  return part.kind === 'sum' ? [part.schools, part.total] : part.kind === 'ratio' ? [part.schools, part.numerator, part.denominator] : [part.schools, part.counts];
}

function unpack(ind: Indicator, packed: PackedPart): FigurePart {
  if (ind.formula) return { kind: 'ratio', schools: packed[0], numerator: packed[1] as number, denominator: (packed as [number, number, number | null])[2] };
  if (isNumeric(ind)) return { kind: 'sum', schools: packed[0], total: packed[1] as number };
  return { kind: 'counts', schools: packed[0], counts: packed[1] as Record<string, number> };
}

function packParts(parts: CountyParts, trendPeriods: readonly Period[]): string {
  const row = (indicators: readonly Indicator[], of: Record<string, FigurePart> | undefined) => indicators.map((i) => pack(of?.[i.code] ?? figurePart(i, [])));
  const packed: PackedCountyParts = { w: row(FIGURE_INDICATORS, parts.window), c: row(NUMERIC_FIGURES, parts.current), p: row(NUMERIC_FIGURES, parts.previous), t: trendPeriods.map((q) => row(FIGURE_INDICATORS, parts.trend[q])) };
  return JSON.stringify(packed);
}

function unpackParts(text: string, trendPeriods: readonly Period[]): CountyParts {
  const packed = JSON.parse(text) as PackedCountyParts;
  const row = (indicators: readonly Indicator[], list: readonly PackedPart[]) => Object.fromEntries(indicators.map((i, k) => [i.code, unpack(i, list[k]!)]));
  return { window: row(FIGURE_INDICATORS, packed.w), current: row(NUMERIC_FIGURES, packed.c), previous: row(NUMERIC_FIGURES, packed.p), trend: Object.fromEntries(trendPeriods.map((q, k) => [q, row(FIGURE_INDICATORS, packed.t[k]!)])) };
}

/**
 * Something computed per county from its reports of some quarters and its schools, kept in `county_figures` under a
 * key (what it is, the catalogue, the statuses and the window): stored rows whose fingerprint still matches are used,
 * the other counties computed (a batch at a time) and kept.
 */
async function keptByCounty<T>(
  db: Kysely<Database>,
  countyIds: readonly number[],
  what: string,
  w: ResolvedWindow,
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
  kept: { compute: (countyIds: readonly number[]) => Promise<Map<number, T>>; pack: (value: T) => string; unpack: (text: string) => T },
): Promise<Map<number, T>> {
  const key = `${what}|${CATALOGUE_MARK}|${statuses.join('+')}|${w.window.join(',')}|${w.end}`;
  const [prints, stored] = await Promise.all([countyFingerprints(db, countyIds, periods, statuses), storedCountyFigures(db, countyIds, key)]);
  const result = new Map<number, T>();
  const stale: number[] = [];
  for (const id of countyIds) {
    const row = stored.get(id);
    if (row && row.fingerprint === prints.get(id)) result.set(id, kept.unpack(row.parts));
    else stale.push(id);
  }
  for (let i = 0; i < stale.length; i += RECOMPUTE_BATCH) {
    const computed = await kept.compute(stale.slice(i, i + RECOMPUTE_BATCH));
    for (const [id, value] of computed) result.set(id, value);
    await storeCountyFigures(db, key, [...computed].map(([countyId, value]) => ({ countyId, fingerprint: prints.get(countyId)!, parts: kept.pack(value) })));
  }
  return result;
}

/** Each county's overview parts (see `keptByCounty`). */
function countyPartsFor(db: Kysely<Database>, countyIds: readonly number[], w: ResolvedWindow, trendPeriods: readonly Period[], statuses: readonly ReportStatus[]): Promise<Map<number, CountyParts>> {
  const periods = periodsFor(w, TREND_QUARTERS);
  return keptByCounty(db, countyIds, 'overview', w, periods, statuses, {
    compute: async (batch) => {
      const of = await countyData(db, batch, periods, statuses);
      return new Map(
        batch.map((countyId) => {
          const { schools, reports } = of(countyId);
          return [countyId, countyParts(schools, reports, windowFrame(schoolsOfWindow(schools, reports, w.window), reports, w.window), trendPeriods)];
        }),
      );
    },
    pack: (parts) => packParts(parts, trendPeriods),
    unpack: (text) => unpackParts(text, trendPeriods),
  });
}

/** One school in a league table before ranking: who it is, its figures, and its figure part for the group's figure. */
interface LeagueEntry {
  school: AnalyticsSchoolRow;
  value: IndicatorValue;
  now: number | null;
  before: number | null;
  part: FigurePart | null;
}

type PackedEntry = [AnalyticsSchoolRow, IndicatorValue, number | null, number | null, PackedPart | null];

/**
 * Each county's league entries for one indicator: every school the window speaks for to which the indicator applies,
 * read with only the values the indicator needs, kept like the overview parts.
 */
function leagueEntriesFor(db: Kysely<Database>, countyIds: readonly number[], ind: Indicator, w: ResolvedWindow, statuses: readonly ReportStatus[]): Promise<Map<number, LeagueEntry[]>> {
  const periods = [...new Set([...w.window, ...shiftWindow(w.window, -1)])];
  return keptByCounty(db, countyIds, `league|${ind.code}`, w, periods, statuses, {
    compute: async (batch) => {
      const of = await countyData(db, batch, periods, statuses, indicatorInputs(ind));
      return new Map(
        batch.map((countyId) => {
          const { schools, reports } = of(countyId);
          const members = schoolsOfWindow(schools, reports, w.window).filter((s) => applies(ind, s));
          const frame = windowFrame(members, reports, w.window);
          const index = indexFrame(frame);
          return [
            countyId,
            members.map((school): LeagueEntry => {
              const own = index.windows.get(school.id);
              return { school, ...schoolValues(ind, school, index), part: own ? figurePart(ind, [own]) : null };
            }),
          ];
        }),
      );
    },
    pack: (entries) => JSON.stringify(entries.map((e): PackedEntry => [e.school, e.value, e.now, e.before, e.part ? pack(e.part) : null])),
    unpack: (text) => (JSON.parse(text) as PackedEntry[]).map(([school, value, now, before, part]) => ({ school, value, now, before, part: part ? unpack(ind, part) : null })),
  });
}

// ── league table ──

export interface PeerGroup {
  type?: SchoolType | undefined;
  location?: Location | undefined;
}

export interface RankingRow {
  schoolId: number;
  countyId: number;
  code: string;
  name: string;
  type: SchoolType;
  location: Location;
  value: IndicatorValue;
  change: Change | null;
  target: TargetBrief | null;
  met: boolean | null;
  /** How far from its target, in the target's unit (0 when met). */
  shortfall: number | null;
  /** 1 = best, by the indicator's better direction (higher when it has none); null without a value. */
  rank: number | null;
  /** 1 = best quarter of the group. */
  band: QuartileBand | null;
}

export interface Ranking {
  indicator: string;
  countyIds: number[];
  year: number;
  quarter: number | null;
  window: Period[];
  includeSubmitted: boolean;
  peerGroup: PeerGroup;
  better: 'higher' | 'lower';
  /** The group's figure (ratio of sums for rates). */
  figure: GroupFigure;
  distribution: Distribution | null;
  /** The general each-school target value, for the line on a distribution chart (one county only). */
  targetLine: number | null;
  /** Applicable schools in the group, and how many have a value. */
  schools: number;
  reported: number;
  rows: RankingRow[];
}

/**
 * A league table: every applicable school of the county (or of a city's counties) in the peer group, with its
 * value, change on last year, target and whether it meets it, rank and quartile band. Ranked schools first.
 */
export async function ranking(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { countyId?: number | undefined; unitId?: number | undefined; indicator: string; peerGroup?: PeerGroup | undefined },
): Promise<Ranking> {
  const ind = checkIndicator(input.indicator);
  const countyIds = await countiesFor(db, scope, input);
  const w = await resolveWindow(db, countyIds, input);
  const [entries, targets] = await Promise.all([leagueEntriesFor(db, countyIds, ind, w, figureStatuses(input.includeSubmitted)), targetsOf(db, countyIds, input.year)]);
  const peer = input.peerGroup ?? {};
  const members = countyIds
    .flatMap((id) => entries.get(id) ?? [])
    .filter((e) => (!peer.type || e.school.type === peer.type) && (!peer.location || e.school.location === peer.location));
  const better = ind.better ?? 'higher';
  const rows = members.map(({ school: s, ...values }): RankingRow => ({
    schoolId: s.id,
    countyId: s.countyId,
    code: s.code,
    name: s.name,
    type: s.type,
    location: s.location,
    ...standingOf(ind, s, values, targets),
    rank: null,
    band: null,
  }));
  const values = rows.flatMap((r) => (typeof r.value === 'number' ? [r.value] : []));
  const d = distribution(values);
  const ranks = rank(rows, (r) => numberOf(r.value), better);
  for (const r of rows) {
    r.rank = ranks.get(r) ?? null;
    r.band = d && typeof r.value === 'number' ? quartileBand(r.value, d, better) : null;
  }
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code));
  const general = countyIds.length === 1 ? targets.find((t) => t.indicator === ind.code && t.kind === 'each_school' && t.measure === 'value' && t.schoolId === null && (!t.schoolTypes || (peer.type !== undefined && t.schoolTypes.includes(peer.type)))) : undefined;
  return {
    indicator: ind.code,
    countyIds,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    includeSubmitted: Boolean(input.includeSubmitted),
    peerGroup: peer,
    better,
    figure: figureOfParts(ind, members.flatMap((e) => e.part ?? [])),
    distribution: d,
    targetLine: general && typeof general.value === 'number' ? general.value : null,
    schools: members.length,
    reported: rows.filter((r) => r.value !== null).length,
    rows,
  };
}

// ── trend ──

export interface TrendPoint {
  period: Period;
  /** The county's figure (a number, or null for statuses) or the school's value. */
  value: IndicatorValue;
  /** County, status indicators: schools per value. */
  counts: Record<string, number> | null;
  /** County: schools the figure rests on. */
  schools: number | null;
  /** The median of the county's schools (numbers, at least three schools). */
  countyMedian: number | null;
}

export const MAX_TREND_QUARTERS = 40;

/** An indicator quarter by quarter, for a county (its figure and its schools' median) or one school. */
export async function trend(
  db: Kysely<Database>,
  scope: Scope,
  input: FigureOptions & { countyId?: number | undefined; schoolId?: number | undefined; indicator: string; from: Period; to: Period },
): Promise<{ indicator: string; countyId: number; schoolId: number | null; points: TrendPoint[] }> {
  const ind = checkIndicator(input.indicator);
  if ((input.countyId === undefined) === (input.schoolId === undefined)) throw badRequest('countyId', '请指定县（countyId）或学校（schoolId）其中之一。');
  const periods = quarterRange(input.from, input.to);
  if (!periods.length) throw badRequest('to', '结束季度不能早于开始季度。');
  if (periods.length > MAX_TREND_QUARTERS) throw badRequest('from', `一次最多查看${MAX_TREND_QUARTERS}个季度。`);
  const school = input.schoolId !== undefined ? await schoolInScope(db, scope, input.schoolId) : null;
  if (!school) requireBureauCounty(scope, input.countyId!);
  const countyId = school?.countyId ?? input.countyId!;
  const [schools, reports] = await Promise.all([
    analyticsSchools(db, [countyId], undefined, { periods, statuses: figureStatuses(input.includeSubmitted) }),
    analyticsReports(db, [countyId], periods, figureStatuses(input.includeSubmitted)),
  ]);
  const members = schools.filter((s) => applies(ind, s));
  const points = periods.map((p): TrendPoint => {
    const windows = aggregateSchools(members, reports, [p]);
    const countyMedian = groupMedian(windows.flatMap((w) => (typeof indicatorValue(ind, w) === 'number' ? [indicatorValue(ind, w) as number] : [])));
    if (school) {
      const own = windows.find((w) => w.school.id === school.id);
      return { period: p, value: own ? indicatorValue(ind, own) : null, counts: null, schools: null, countyMedian };
    }
    const figure = groupFigure(ind, windows);
    return { period: p, value: figureValue(figure), counts: figure.type === 'counts' ? figure.counts : null, schools: figure.schools, countyMedian };
  });
  return { indicator: ind.code, countyId, schoolId: school?.id ?? null, points };
}

// ── one school against its peers (principal-safe: no other school's figures or names) ──

export interface Standing {
  indicator: string;
  value: IndicatorValue;
  change: Change | null;
  target: TargetBrief | null;
  met: boolean | null;
  shortfall: number | null;
  /** Medians of the county's and the peer group's schools (null below three schools). */
  countyMedian: number | null;
  peerMedian: number | null;
  /** County, status indicators: how many schools hold each value. */
  countyCounts: Record<string, number> | null;
  /** Place in the peer group (1 = best), of how many schools with a value; null for statuses. */
  rank: number | null;
  of: number;
  band: QuartileBand | null;
}

export type PeerBasis = 'type' | 'location' | 'type_and_location';
const PEER_LABELS: Record<PeerBasis, string> = { type: '同类型学校', location: '同城乡分类学校', type_and_location: '同类型、同城乡分类学校' };

function isPeer(basis: PeerBasis, a: AnalyticsSchoolRow, b: AnalyticsSchoolRow): boolean {
  return (basis === 'location' || a.type === b.type) && (basis === 'type' || a.location === b.location);
}

function standings(school: AnalyticsSchoolRow, schools: readonly AnalyticsSchoolRow[], frame: Frame, targets: readonly Target[], basis: PeerBasis, indicators: readonly Indicator[]): Standing[] {
  const peers = new Set(schools.filter((s) => isPeer(basis, s, school)).map((s) => s.id));
  const index = indexFrame(frame);
  return indicators
    .filter((ind) => applies(ind, school))
    .map((ind) => {
      const own = schoolStanding(ind, school, index, targets);
      const applicable = frame.windows.filter((w) => applies(ind, w.school));
      const values = applicable.map((w) => ({ id: w.school.id, v: numberOf(indicatorValue(ind, w)) }));
      const peerValues = values.filter((x) => peers.has(x.id));
      const better = ind.better ?? 'higher';
      const d = distribution(peerValues.flatMap((x) => (x.v === null ? [] : [x.v])));
      const ranks = rank(peerValues, (x) => x.v, better);
      const mine = peerValues.find((x) => x.id === school.id);
      const figure = isNumeric(ind) ? null : groupFigure(ind, applicable);
      return {
        indicator: ind.code,
        ...own,
        countyMedian: groupMedian(values.flatMap((x) => (x.v === null ? [] : [x.v]))),
        peerMedian: groupMedian(peerValues.flatMap((x) => (x.v === null ? [] : [x.v]))),
        countyCounts: figure?.type === 'counts' ? figure.counts : null,
        rank: mine ? (ranks.get(mine) ?? null) : null,
        of: d?.count ?? 0,
        band: d && typeof own.value === 'number' ? quartileBand(own.value, d, better) : null,
      };
    });
}

async function schoolContext(db: Kysely<Database>, scope: Scope, schoolId: number, choice: WindowChoice, trendLength: number) {
  const found = await schoolInScope(db, scope, schoolId);
  const w = await resolveWindow(db, [found.countyId], choice);
  const data = await load(db, [found.countyId], periodsFor(w, trendLength), choice.year, choice);
  const present = schoolsOfWindow(data.schools, data.reports, w.window);
  const school = present.find((s) => s.id === found.id);
  if (!school) throw badRequest('schoolId', `${found.name}已停用，所选期间没有统计数据。`);
  return { school, w, present, data, frame: windowFrame(present, data.reports, w.window) };
}

export interface MyStanding {
  schoolId: number;
  year: number;
  quarter: number | null;
  window: Period[];
  peerGroup: { basis: PeerBasis; label: string; schools: number };
  indicators: Standing[];
}

/**
 * A school's place among its peers on every rankable indicator (those with a better direction): its value,
 * target, rank in the peer group, quartile band and the county and peer medians. Safe for principals: it
 * names no other school and shows no other school's figure.
 */
export async function myStanding(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { schoolId: number; peerGroup?: PeerBasis | undefined },
): Promise<MyStanding> {
  const { school, w, present, data, frame } = await schoolContext(db, scope, input.schoolId, input, 0);
  const basis = input.peerGroup ?? 'type';
  const rankable = FIGURE_INDICATORS.filter((i) => i.better && isNumeric(i));
  return {
    schoolId: school.id,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    peerGroup: { basis, label: PEER_LABELS[basis], schools: present.filter((s) => isPeer(basis, s, school)).length },
    indicators: standings(school, present, frame, data.targets, basis, rankable),
  };
}

export interface SchoolProfile extends Omit<MyStanding, 'indicators'> {
  school: AnalyticsSchoolRow;
  upToQuarter: number | null;
  indicators: (Standing & { series: { period: Period; value: IndicatorValue }[] })[];
}

/**
 * One page per school: every applicable indicator for the year so far (or a quarter) against its target, the
 * county and peer-group medians, and quarter by quarter over the last 12 quarters.
 */
export async function schoolProfile(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { schoolId: number; peerGroup?: PeerBasis | undefined },
): Promise<SchoolProfile> {
  const { school, w, present, data, frame } = await schoolContext(db, scope, input.schoolId, input, TREND_QUARTERS);
  const basis = input.peerGroup ?? 'type';
  const series = quartersEndingAt(w.end, TREND_QUARTERS);
  const own = data.reports.filter((r) => r.schoolId === school.id);
  const quarterly = new Map(series.map((p) => [p, aggregateSchools([school], own, [p])[0]]));
  return {
    schoolId: school.id,
    school,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    upToQuarter: w.upToQuarter,
    peerGroup: { basis, label: PEER_LABELS[basis], schools: present.filter((s) => isPeer(basis, s, school)).length },
    indicators: standings(school, present, frame, data.targets, basis, FIGURE_INDICATORS).map((s) => {
      const ind = indicator(s.indicator);
      return { ...s, series: series.map((p) => ({ period: p, value: quarterly.get(p) ? indicatorValue(ind, quarterly.get(p)!) : null })) };
    }),
  };
}

// ── county against county (city and province officers) ──

export interface CountyRowFigure {
  countyId: number;
  code: string;
  name: string;
  figure: GroupFigure;
  change: Change | null;
  targets: TargetCheck[];
  rank: number | null;
  /** Reports behind the figure: approved (and submitted, if included) over active schools × quarters. */
  completeness: { schools: number; reported: number; expected: number };
}

function groupByCounty<T extends { countyId: number }>(items: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const item of items) {
    const list = map.get(item.countyId);
    if (list) list.push(item);
    else map.set(item.countyId, [item]);
  }
  return map;
}

/** Every county under a unit (by default all the caller sees) on one indicator, ranked, each against its own targets. */
export async function compareCounties(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & { unitId?: number | undefined; indicator: string },
): Promise<{ indicator: string; year: number; quarter: number | null; window: Period[]; counties: CountyRowFigure[] }> {
  const ind = checkIndicator(input.indicator);
  const countyIds = await countiesFor(db, scope, { unitId: input.unitId });
  const w = await resolveWindow(db, countyIds, input);
  const statuses = figureStatuses(input.includeSubmitted);
  // Each county's figure and change come from its kept overview parts; completeness from the grouped counts.
  const [kept, counties, targets, completeness] = await Promise.all([
    countyPartsFor(db, countyIds, w, quartersEndingAt(w.end, TREND_QUARTERS), statuses),
    countiesByIds(db, countyIds),
    targetsOf(db, countyIds, input.year).then((all) => all.filter((t) => t.indicator === ind.code && t.kind === 'county_total')),
    completenessCounts(db, countyIds, w.window.length ? w.window : [w.end]),
  ]);
  // Counties with a county-wide target on the indicator are measured on their school windows (only theirs are read).
  const targeted = [...new Set(targets.map((t) => t.countyId))];
  const frames = targeted.length ? await targetFrames(db, targeted, w, statuses, targets) : new Map<number, { present: AnalyticsSchoolRow[]; frame: Frame }>();
  const rows = counties.map((c): CountyRowFigure => {
    const parts = kept.get(c.id);
    const figureOf = (part: FigurePart | undefined) => figureOfParts(ind, part ? [part] : []);
    const figure = figureOf(parts?.window[ind.code]);
    const own = completeness.filter((r) => r.countyId === c.id);
    const active = own[0]?.schools ?? 0;
    const reported = w.window.length ? own.reduce((t, r) => t + r.approved + (input.includeSubmitted ? r.submitted : 0), 0) : 0;
    const measured = frames.get(c.id);
    const countyTargets = targets.filter((t) => t.countyId === c.id);
    return {
      countyId: c.id,
      code: c.code,
      name: c.name,
      figure,
      change: figure.type === 'number' ? change(figureValue(figureOf(parts?.current[ind.code])), figureValue(figureOf(parts?.previous[ind.code]))) : null,
      targets: measured
        ? countyTargets.map((t) => {
            const r = evaluateTarget(t, countyTargets, measured.present, measured.frame);
            return { ...brief(t), actual: r.actual, met: r.met, schoolsNotMet: null, schools: r.schools, reported: r.reported };
          })
        : [],
      rank: null,
      completeness: { schools: active, reported, expected: active * w.window.length },
    };
  });
  const ranks = rank(rows, (r) => figureValue(r.figure), ind.better ?? 'higher');
  for (const r of rows) r.rank = ranks.get(r) ?? null;
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code));
  return { indicator: ind.code, year: input.year, quarter: input.quarter ?? null, window: w.window, counties: rows };
}

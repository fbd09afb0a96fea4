import {
  ADJUSTED_INDICATORS,
  applies,
  badRequest,
  isAdjustedIndicator,
  distribution,
  figureIndicator,
  figureOfParts,
  figurePart,
  figureStatuses,
  indicatorInputs,
  numeric,
  packLeagueEntries,
  quartileBand,
  rank,
  schoolsOfWindow,
  unpackLeagueEntries,
  windowFrame,
  type Change,
  type Distribution,
  type GroupFigure,
  type Indicator,
  type IndicatorValue,
  type LeagueEntry,
  type Location,
  type Period,
  type QuartileBand,
  type SchoolType,
  type Scope,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { AnalyticsSchoolRow } from '../../queries/analytics.js';
import { targetsOf } from '../../queries/targets.js';
import type { Database, ReportStatus } from '../../schema.js';
import { countyData } from './county-data.js';
import { comparisonsFor } from './fair-comparison.js';
import { keptByCounty } from './kept-figures.js';
import { indexFrame, schoolValues, standingOf, type TargetBrief } from './school-figures.js';
import { countiesFor } from './scope.js';
import { comparedPeriods, resolveWindow, type ResolvedWindow, type WindowChoice } from './window.js';

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
  /**
   * With `adjusted`: the fair comparison of the year (the province's model, over `adjustment.window`): the use
   * expected of a school like this one, actual / expected, the score 1–100 (null with `scoreReason`), and whether the
   * school is far outside the model.
   */
  expected?: number | null;
  actualToExpected?: number | null;
  score?: number | null;
  scoreReason?: string | null;
  outlier?: boolean;
}

/** With `adjusted`: what the comparison rests on. */
export interface Adjustment {
  window: Period[];
  province: string;
  /** Schools the model rests on, of how many in the province; R²; why there is no model (too few schools). */
  n: number;
  considered: number;
  r2: number | null;
  reason: string | null;
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
  adjustment: Adjustment | null;
  sortBy: 'rank' | 'score';
}

/**
 * Each county's league entries for one indicator: every school the window speaks for to which the indicator applies,
 * read with only the values the indicator needs, kept like the overview parts.
 */
function leagueEntriesFor(
  db: Kysely<Database>,
  countyIds: readonly number[],
  ind: Indicator,
  w: ResolvedWindow,
  statuses: readonly ReportStatus[],
): Promise<Map<number, LeagueEntry<AnalyticsSchoolRow>[]>> {
  const periods = comparedPeriods(w);
  return keptByCounty(db, countyIds, `league|${ind.code}`, w, periods, statuses, {
    compute: async (batch) => {
      const of = await countyData(db, batch, periods, statuses, indicatorInputs(ind));
      return new Map(
        batch.map((countyId) => {
          const { schools, reports } = of(countyId);
          const members = schoolsOfWindow(schools, reports, w.window).filter((s) => applies(ind, s));
          const index = indexFrame(windowFrame(members, reports, w.window));
          return [
            countyId,
            members.map((school): LeagueEntry<AnalyticsSchoolRow> => {
              const own = index.windows.get(school.id);
              return { school, ...schoolValues(ind, school, index), part: own ? figurePart(ind, [own]) : null };
            }),
          ];
        }),
      );
    },
    pack: packLeagueEntries,
    unpack: (text) => unpackLeagueEntries<AnalyticsSchoolRow>(ind, text),
  });
}

/**
 * A league table: every applicable school of the county (or of a city's counties) in the peer group, with its
 * value, change on last year, target and whether it meets it, rank and quartile band. Ranked schools first.
 */
export async function ranking(
  db: Kysely<Database>,
  scope: Scope,
  input: WindowChoice & {
    countyId?: number | undefined;
    unitId?: number | undefined;
    indicator: string;
    peerGroup?: PeerGroup | undefined;
    /** Add the fair comparison's columns (electricity, water, energy; the year so far, not a single quarter). */
    adjusted?: boolean | undefined;
    /** `score`: best score first, schools without one last (needs `adjusted`). */
    sortBy?: 'rank' | 'score' | undefined;
  },
): Promise<Ranking> {
  const ind = figureIndicator(input.indicator);
  if (input.adjusted && !isAdjustedIndicator(ind.code)) {
    throw badRequest('indicator', `按特征调整的比较只适用于${ADJUSTED_INDICATORS.map((c) => figureIndicator(c).name.zh).join('、')}。`);
  }
  if (input.adjusted && input.quarter !== undefined) {
    throw badRequest('quarter', '按特征调整的比较以年度（第一季度至最近已报季度）为口径，请不要选择单个季度。');
  }
  if (input.sortBy === 'score' && !input.adjusted) throw badRequest('sortBy', '按能效得分排序需要同时选择按特征调整的比较。');
  const countyIds = await countiesFor(db, scope, input);
  const w = await resolveWindow(db, countyIds, input);
  const [entries, targets] = await Promise.all([
    leagueEntriesFor(db, countyIds, ind, w, figureStatuses(input.includeSubmitted)),
    targetsOf(db, countyIds, input.year),
  ]);
  const peer = input.peerGroup ?? {};
  const members = countyIds
    .flatMap((id) => entries.get(id) ?? [])
    .filter((e) => (!peer.type || e.school.type === peer.type) && (!peer.location || e.school.location === peer.location));
  const better = ind.better ?? 'higher';
  const rows = members.map(
    ({ school: s, ...values }): RankingRow => ({
      schoolId: s.id,
      countyId: s.countyId,
      code: s.code,
      name: s.name,
      type: s.type,
      location: s.location,
      ...standingOf(ind, s, values, targets),
      rank: null,
      band: null,
    }),
  );
  const values = rows.flatMap((r) => (typeof r.value === 'number' ? [r.value] : []));
  const d = distribution(values);
  const ranks = rank(rows, (r) => numeric(r.value), better);
  for (const r of rows) {
    r.rank = ranks.get(r) ?? null;
    r.band = d && typeof r.value === 'number' ? quartileBand(r.value, d, better) : null;
  }
  const comparisons = input.adjusted ? await comparisonsFor(db, countyIds, input.year, ind.code) : null;
  if (comparisons) {
    for (const r of rows) {
      const e = comparisons.get(r.countyId)?.entries.get(r.schoolId);
      r.expected = e?.expected ?? null;
      r.actualToExpected = e?.ratio ?? null;
      r.score = e?.score ?? null;
      r.scoreReason = e ? e.reason : '本年度该校不在比较范围内';
      r.outlier = e?.outlier ?? false;
    }
  }
  const sortBy = input.sortBy ?? 'rank';
  rows.sort((a, b) =>
    sortBy === 'score'
      ? (b.score ?? -Infinity) - (a.score ?? -Infinity) || (a.actualToExpected ?? Infinity) - (b.actualToExpected ?? Infinity) || a.code.localeCompare(b.code)
      : (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code),
  );
  const first = comparisons?.get(countyIds[0]!);
  const general =
    countyIds.length === 1
      ? targets.find(
          (t) =>
            t.indicator === ind.code &&
            t.kind === 'each_school' &&
            t.measure === 'value' &&
            t.schoolId === null &&
            (!t.schoolTypes || (peer.type !== undefined && t.schoolTypes.includes(peer.type))),
        )
      : undefined;
  return {
    indicator: ind.code,
    countyIds,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    includeSubmitted: Boolean(input.includeSubmitted),
    peerGroup: peer,
    better,
    figure: figureOfParts(
      ind,
      members.flatMap((e) => e.part ?? []),
    ),
    distribution: d,
    targetLine: general && typeof general.value === 'number' ? general.value : null,
    schools: members.length,
    reported: rows.filter((r) => r.value !== null).length,
    rows,
    sortBy,
    adjustment: first
      ? {
          window: first.window,
          province: first.province.name,
          n: first.model.n,
          considered: first.model.considered,
          r2: first.model.r2,
          reason: first.model.reason,
        }
      : null,
  };
}

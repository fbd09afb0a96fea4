import {
  ADJUSTED_INDICATORS,
  aggregateSchools,
  applies,
  badRequest,
  distribution,
  FIGURE_INDICATORS,
  figureStatuses,
  groupFigure,
  groupMedian,
  indicator,
  indicatorValue,
  isNumeric,
  isPeer,
  numeric,
  PEER_LABELS,
  quartersEndingAt,
  quartileBand,
  rank,
  schoolsOfWindow,
  windowFrame,
  type Change,
  type Frame,
  type Indicator,
  type IndicatorValue,
  type PeerBasis,
  type Period,
  type QuartileBand,
  type Scope,
  type Target,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { AnalyticsSchoolRow } from '../../queries/analytics.js';
import { targetsOf } from '../../queries/targets.js';
import type { Database } from '../../schema.js';
import { countyData } from './county-data.js';
import { comparisonsFor } from './fair-comparison.js';
import { indexFrame, schoolValues, standingOf, type TargetBrief } from './school-figures.js';
import { schoolFor } from '../scope.js';
import { periodsFor, resolveWindow, TREND_QUARTERS, type WindowChoice } from './window.js';

// One school against its peers (principal-safe: no other school's figures or names).

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

function standings(
  school: AnalyticsSchoolRow,
  schools: readonly AnalyticsSchoolRow[],
  frame: Frame,
  targets: readonly Target[],
  basis: PeerBasis,
  indicators: readonly Indicator[],
): Standing[] {
  const peers = new Set(schools.filter((s) => isPeer(basis, s, school)).map((s) => s.id));
  const index = indexFrame(frame);
  return indicators
    .filter((ind) => applies(ind, school))
    .map((ind) => {
      const own = standingOf(ind, school, schoolValues(ind, school, index), targets);
      const applicable = frame.windows.filter((w) => applies(ind, w.school));
      const values = applicable.map((w) => ({ id: w.school.id, v: numeric(indicatorValue(ind, w)) }));
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

/** A school in scope with its county's schools, reports and targets over the window (and `trendLength` quarters). */
async function schoolContext(db: Kysely<Database>, scope: Scope, schoolId: number, choice: WindowChoice, trendLength: number) {
  const found = await schoolFor(db, scope, schoolId);
  const w = await resolveWindow(db, [found.countyId], choice);
  const periods = periodsFor(w, trendLength);
  const statuses = figureStatuses(choice.includeSubmitted);
  const [of, targets] = await Promise.all([countyData(db, [found.countyId], periods, statuses), targetsOf(db, [found.countyId], choice.year)]);
  const { schools, reports } = of(found.countyId);
  const present = schoolsOfWindow(schools, reports, w.window);
  const school = present.find((s) => s.id === found.id);
  if (!school) throw badRequest('schoolId', `${found.name}已停用，所选期间没有统计数据。`);
  return { school, w, present, reports, targets, frame: windowFrame(present, reports, w.window) };
}

export interface MyStanding {
  schoolId: number;
  year: number;
  quarter: number | null;
  window: Period[];
  peerGroup: { basis: PeerBasis; label: string; schools: number };
  indicators: Standing[];
  /** The fair comparison of the year (electricity, water, energy): expected use, actual / expected, score. */
  fair: FairStanding[];
}

/** A school's place in the fair comparison of a year: against the province's schools, adjusted for what it is. */
export interface FairStanding {
  indicator: string;
  window: Period[];
  actual: number | null;
  expected: number | null;
  ratio: number | null;
  score: number | null;
  reason: string | null;
  /** Schools of the province the model rests on. */
  n: number;
}

async function fairStandings(db: Kysely<Database>, school: { id: number; countyId: number }, year: number): Promise<FairStanding[]> {
  const result: FairStanding[] = [];
  for (const code of ADJUSTED_INDICATORS) {
    const kept = (await comparisonsFor(db, [school.countyId], year, code)).get(school.countyId);
    if (!kept) continue;
    const e = kept.entries.get(school.id);
    result.push({
      indicator: code,
      window: kept.window,
      actual: e?.actual ?? null,
      expected: e?.expected ?? null,
      ratio: e?.ratio ?? null,
      score: e?.score ?? null,
      reason: e ? e.reason : (kept.model.reason ?? '本年度尚无已审核的报表'),
      n: kept.model.n,
    });
  }
  return result;
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
  const { school, w, present, targets, frame } = await schoolContext(db, scope, input.schoolId, input, 0);
  const basis = input.peerGroup ?? 'type';
  const rankable = FIGURE_INDICATORS.filter((i) => i.better && isNumeric(i));
  return {
    schoolId: school.id,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    peerGroup: { basis, label: PEER_LABELS[basis], schools: present.filter((s) => isPeer(basis, s, school)).length },
    indicators: standings(school, present, frame, targets, basis, rankable),
    fair: await fairStandings(db, school, input.year),
  };
}

export interface SchoolProfile extends Omit<MyStanding, 'indicators' | 'fair'> {
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
  const { school, w, present, reports, targets, frame } = await schoolContext(db, scope, input.schoolId, input, TREND_QUARTERS);
  const basis = input.peerGroup ?? 'type';
  const series = quartersEndingAt(w.end, TREND_QUARTERS);
  const own = reports.filter((r) => r.schoolId === school.id);
  const quarterly = new Map(series.map((p) => [p, aggregateSchools([school], own, [p])[0]]));
  return {
    schoolId: school.id,
    school,
    year: input.year,
    quarter: input.quarter ?? null,
    window: w.window,
    upToQuarter: w.upToQuarter,
    peerGroup: { basis, label: PEER_LABELS[basis], schools: present.filter((s) => isPeer(basis, s, school)).length },
    indicators: standings(school, present, frame, targets, basis, FIGURE_INDICATORS).map((s) => {
      const ind = indicator(s.indicator);
      return { ...s, series: series.map((p) => ({ period: p, value: quarterly.get(p) ? indicatorValue(ind, quarterly.get(p)!) : null })) };
    }),
  };
}

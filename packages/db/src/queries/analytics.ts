import { isPeriod, type AnalyticsSchool, type Completeness, type Period, type QuarterReport, type ReportValues } from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { Database, ReportStatus } from '../schema.js';

/**
 * The reads behind targets and analytics. Every one filters (and where it groups, groups) by county_id first,
 * so each runs on one county's rows — and, with school data distributed by county (issue 7), on one shard.
 */

/** A school with what analytics shows and groups by. */
export interface AnalyticsSchoolRow extends AnalyticsSchool {
  countyId: number;
  code: string;
  name: string;
  active: boolean;
}

export interface CountyReport extends QuarterReport {
  countyId: number;
}

const none = [-1];

/**
 * The active schools of some counties (optionally one school), ordered by code. With `reportedIn`, also the
 * schools since closed that have a report among those quarters and statuses: their past figures still count.
 */
export function analyticsSchools(
  db: Kysely<Database>,
  countyIds: readonly number[],
  schoolId?: number,
  reportedIn?: { periods: readonly Period[]; statuses: readonly ReportStatus[] },
): Promise<AnalyticsSchoolRow[]> {
  return db
    .selectFrom('schools')
    .select(['id', 'countyId', 'code', 'name', 'type', 'location', 'hasCanteen', 'buildingAreaM2', 'siteAreaM2', 'active'])
    .where('countyId', 'in', countyIds.length ? countyIds : none)
    .where((eb) => {
      if (!reportedIn?.periods.length) return eb('active', '=', true);
      const reported = eb.exists(
        eb
          .selectFrom('reports')
          .select('reports.id')
          .whereRef('reports.schoolId', '=', 'schools.id')
          .whereRef('reports.countyId', '=', 'schools.countyId')
          .where('reports.period', 'in', [...reportedIn.periods])
          .where('reports.status', 'in', [...reportedIn.statuses]),
      );
      return eb.or([eb('active', '=', true), reported]);
    })
    .$if(schoolId !== undefined, (q) => q.where('id', '=', schoolId!))
    .orderBy('code')
    .execute();
}

/**
 * The counties' reports of the given quarters in the given statuses (optionally of one school). With `codes`, each
 * report's values are cut down to those indicators in the database: a league table of one indicator then reads a
 * few numbers per report instead of the whole form.
 */
export async function analyticsReports(
  db: Kysely<Database>,
  countyIds: readonly number[],
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
  schoolId?: number,
  codes?: readonly string[],
): Promise<CountyReport[]> {
  if (!periods.length || !countyIds.length) return [];
  const values = codes
    ? sql<ReportValues>`jsonb_strip_nulls(jsonb_build_object(${sql.join(codes.map((c) => sql`${c}::text, "values" -> ${c}::text`))}))`.as('values')
    : sql.ref<ReportValues>('values').as('values');
  const rows = await db
    .selectFrom('reports')
    .select(['countyId', 'schoolId', 'period', values])
    .where('countyId', 'in', countyIds)
    .where('period', 'in', [...periods])
    .where('status', 'in', [...statuses])
    .$if(schoolId !== undefined, (q) => q.where('schoolId', '=', schoolId!))
    .execute();
  return rows.flatMap((r) => (isPeriod(r.period) ? [{ countyId: r.countyId, schoolId: r.schoolId, period: r.period, values: r.values }] : []));
}

/** The latest quarter of a year with a report in the given statuses, per county (counties without one are absent). */
export async function lastReportedPeriods(
  db: Kysely<Database>,
  countyIds: readonly number[],
  year: number,
  statuses: readonly ReportStatus[],
): Promise<Map<number, Period>> {
  if (!countyIds.length) return new Map();
  const rows = await db
    .selectFrom('reports')
    .select(['countyId', (eb) => eb.fn.max('period').as('period')])
    .where('countyId', 'in', countyIds)
    .where(
      'period',
      'in',
      [1, 2, 3, 4].map((q) => `${year}Q${q}`),
    )
    .where('status', 'in', [...statuses])
    .groupBy('countyId')
    .execute();
  return new Map(rows.flatMap((r) => (r.period && isPeriod(r.period) ? [[r.countyId, r.period] as const] : [])));
}

/** One county's completeness in one quarter (of its active schools). */
export interface CompletenessCount extends Completeness {
  countyId: number;
}

/** How many of each county's active schools stand where, per quarter: grouped counts, no per-report rows. */
export async function completenessCounts(db: Kysely<Database>, countyIds: readonly number[], periods: readonly Period[]): Promise<CompletenessCount[]> {
  if (!countyIds.length || !periods.length) return [];
  // Reports are counted from the index alone; those of closed schools (few) are then taken off.
  const [schools, reports, closed] = await Promise.all([
    db
      .selectFrom('schools')
      .select(['countyId', (eb) => eb.fn.countAll<number>().as('count')])
      .where('countyId', 'in', countyIds)
      .where('active', '=', true)
      .groupBy('countyId')
      .execute(),
    db
      .selectFrom('reports')
      .select(['countyId', 'period', 'status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('countyId', 'in', countyIds)
      .where('period', 'in', [...periods])
      .groupBy(['countyId', 'period', 'status'])
      .execute(),
    db
      .selectFrom('schools')
      // Joined on the county too, so the join stays within one county's shard when distributed.
      .innerJoin('reports', (join) => join.onRef('reports.schoolId', '=', 'schools.id').onRef('reports.countyId', '=', 'schools.countyId'))
      .select(['reports.countyId', 'reports.period', 'reports.status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('schools.countyId', 'in', countyIds)
      .where('schools.active', '=', false)
      .where('reports.period', 'in', [...periods])
      .groupBy(['reports.countyId', 'reports.period', 'reports.status'])
      .execute(),
  ]);
  const schoolsOf = new Map(schools.map((s) => [s.countyId, Number(s.count)]));
  const keyOf = (r: { countyId: number; period: string; status: string }) => `${r.countyId}|${r.period}|${r.status}`;
  const counted = new Map(reports.map((r) => [keyOf(r), Number(r.count)]));
  for (const r of closed) counted.set(keyOf(r), (counted.get(keyOf(r)) ?? 0) - Number(r.count));
  const result: CompletenessCount[] = [];
  for (const countyId of countyIds) {
    const total = schoolsOf.get(countyId) ?? 0;
    for (const period of periods) {
      const count = (status: ReportStatus) => counted.get(`${countyId}|${period}|${status}`) ?? 0;
      const approved = count('approved');
      const submitted = count('submitted');
      const inProgress = count('draft') + count('returned');
      result.push({ countyId, period, schools: total, approved, submitted, inProgress, missing: Math.max(0, total - approved - submitted - inProgress) });
    }
  }
  return result;
}

export interface CountyRow {
  id: number;
  code: string;
  name: string;
}

export function countiesByIds(db: Kysely<Database>, countyIds: readonly number[]): Promise<CountyRow[]> {
  return db
    .selectFrom('orgUnits')
    .select(['id', 'code', 'name'])
    .where('id', 'in', countyIds.length ? countyIds : none)
    .where('level', '=', 'county')
    .orderBy('code')
    .execute();
}

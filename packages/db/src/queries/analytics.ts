import {
  indicator,
  isPeriod,
  type AnalyticsSchool,
  type Completeness,
  type Period,
  type QuarterReport,
  type ReportValues,
  type SchoolWindow,
} from '@oversight/domain';
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

/** A school of some counties with its window aggregated in the database (see `windowedSchools`). */
export interface WindowedSchool extends AnalyticsSchool {
  countyId: number;
  code: string;
  boarding: boolean;
  active: boolean;
  /** The school's window (its reports of the window's quarters aggregated), or undefined when it reported none. */
  window: SchoolWindow | undefined;
}

/**
 * The schools of some counties a window speaks for (active ones, and closed ones with a report in the window), in
 * code order, each with its window aggregated in the database for some input indicators only, per the catalogue's
 * rules: flows added up over the quarters in period order, stocks and statuses the latest quarter holding a value.
 * A value that is not a number is left out (figures read numbers only). The same windows as `aggregateSchools` over
 * `analyticsReports` and `schoolsOfWindow`, without sending every report's values to be added up here: one row per
 * school instead of one per report, and each report's values read in one pass (`jsonb_to_record`).
 */
export async function windowedSchools(
  db: Kysely<Database>,
  countyIds: readonly number[],
  window: readonly Period[],
  statuses: readonly ReportStatus[],
  codes: readonly string[],
): Promise<WindowedSchool[]> {
  if (!countyIds.length) return [];
  const counties = sql.join(countyIds.map((id) => sql`${id}`));
  const columns = codes.map((code, i) => ({ code, alias: `v${i}`, flow: indicator(code).kind === 'flow' }));
  const value = (c: (typeof columns)[number]) => sql`j.${sql.id(c.code)}`;
  const aggregates = columns.map((c) =>
    c.flow
      ? sql`sum(${value(c)}::float8 order by rep.period) filter (where jsonb_typeof(${value(c)}) = 'number') as ${sql.id(c.alias)}`
      : sql`(array_agg(${value(c)} order by rep.period desc) filter (where jsonb_typeof(${value(c)}) <> 'null'))[1] as ${sql.id(c.alias)}`,
  );
  const outputs = columns.map((c) =>
    c.flow
      ? sql`r.${sql.id(c.alias)}`
      : sql`case when jsonb_typeof(r.${sql.id(c.alias)}) = 'number' then r.${sql.id(c.alias)}::float8 end as ${sql.id(c.alias)}`,
  );
  const reported = window.length
    ? sql`left join (
        select rep.school_id, string_agg(rep.period, ',' order by rep.period) as periods${sql.join(
          aggregates.map((a) => sql`, ${a}`),
          sql``,
        )}
        from reports rep
        cross join lateral jsonb_to_record(rep.values) as j(${sql.join(columns.map((c) => sql`${sql.id(c.code)} jsonb`))})
        where rep.county_id in (${counties})
          and rep.period in (${sql.join(window.map((p) => sql`${p}`))})
          and rep.status in (${sql.join(statuses.map((s) => sql`${s}`))})
        group by rep.school_id
      ) r on r.school_id = s.id`
    : sql`left join (select null::int as school_id, null::text as periods${sql.join(
        columns.map((c) => (c.flow ? sql`, null::float8 as ${sql.id(c.alias)}` : sql`, null::jsonb as ${sql.id(c.alias)}`)),
        sql``,
      )}) r on false`;
  const rows = await sql<
    Omit<WindowedSchool, 'window'> & { periods: string | null } & Record<string, number | null>
  >`select s.id, s.county_id, s.code, s.type, s.location, s.boarding, s.has_canteen, s.building_area_m2, s.site_area_m2, s.active, r.periods${sql.join(
    outputs.map((o) => sql`, ${o}`),
    sql``,
  )}
    from schools s
    ${reported}
    where s.county_id in (${counties}) and (s.active or r.school_id is not null)
    order by s.code`.execute(db);
  const end = [...window].sort().at(-1);
  return rows.rows.map((r) => {
    const school: WindowedSchool = {
      id: r.id,
      countyId: r.countyId,
      code: r.code,
      type: r.type,
      location: r.location,
      boarding: r.boarding,
      hasCanteen: r.hasCanteen,
      buildingAreaM2: Number(r.buildingAreaM2),
      siteAreaM2: Number(r.siteAreaM2),
      active: r.active,
      window: undefined,
    };
    if (r.periods && end) {
      const values: ReportValues = {};
      for (const c of columns) {
        const v = r[c.alias];
        if (v !== null && v !== undefined) values[c.code] = Number(v);
      }
      school.window = { school, periods: r.periods.split(',').filter(isPeriod), values, end, projected: false };
    }
    return school;
  });
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

import { INDICATORS, type Period } from '@oversight/domain';
import type { Database, Kysely } from '@oversight/db';
import { raw } from './raw.js';

/**
 * Raw-SQL baselines on the same data: the least work a database can do to produce a dashboard's numbers, so the
 * bench can say how far the procedures are from it. Each returns numbers the bench checks against the procedure.
 */

/** Input indicators summed per quarter across schools (a one-quarter figure of a number indicator is that sum). */
const NUMERIC_INPUTS = INDICATORS.filter((i) => i.kind !== 'derived' && (i.valueType === 'integer' || i.valueType === 'decimal')).map((i) => i.code);
const FLOWS = INDICATORS.filter((i) => i.kind === 'flow').map((i) => i.code);

/**
 * County overview: per quarter (window and trend) every numeric input's sum over the county's approved reports and
 * every status's counts, plus the window's flow totals: jsonb aggregates in one statement.
 */
export async function overviewBaseline(db: Kysely<Database>, countyId: number, periods: readonly Period[], window: readonly Period[]) {
  const rows = await raw<{ period: string | null; code: string; total: number | null; status: string | null; schools: number }>(
    db,
    `with r as (
       select r.period, e.key as code, e.value
       from reports r cross join lateral jsonb_each(r.values) e
       where r.county_id = $1 and r.period = any($2::text[]) and r.status = 'approved')
     select period, code, sum((value)::text::numeric) filter (where jsonb_typeof(value) = 'number') as total,
            case when jsonb_typeof(value) = 'number' then null else value #>> '{}' end as status, count(*) as schools
     from r group by period, code, 4
     union all
     select null, code, sum((value)::text::numeric), null, count(*) from r where code = any($3::text[]) and period = any($4::text[]) group by code`,
    [countyId, periods, FLOWS, window],
  );
  return rows.map((r) => ({ ...r, total: r.total === null ? null : Number(r.total), schools: Number(r.schools) }));
}

export const checkedInputs = NUMERIC_INPUTS;

/**
 * County league table of water per person over a window: each school's water (a flow: summed) over its persons
 * (stocks: the latest quarter), ranked, lowest first — what analytics.ranking returns for water_m3_per_person.
 */
export async function leagueBaseline(db: Kysely<Database>, countyIds: readonly number[], window: readonly Period[]) {
  const rows = await raw<{ schoolId: number; value: number | null; rank: number }>(
    db,
    `with w as (
       select r.school_id,
              sum((r.values ->> 'water_m3')::numeric) as water,
              (array_agg((r.values ->> 'students_enrolled')::numeric order by r.period desc) filter (where r.values ? 'students_enrolled'))[1] as students,
              (array_agg((r.values ->> 'staff_count')::numeric order by r.period desc) filter (where r.values ? 'staff_count'))[1] as staff
       from reports r
       where r.county_id = any($1::int[]) and r.period = any($2::text[]) and r.status = 'approved'
       group by r.school_id)
     select s.id as school_id, w.water / nullif(w.students + w.staff, 0) as value,
            rank() over (order by w.water / nullif(w.students + w.staff, 0) asc nulls last) as rank
     from schools s join w on w.school_id = s.id
     where s.county_id = any($1::int[])`,
    [countyIds, window],
  );
  return rows.map((r) => ({ schoolId: r.schoolId, value: r.value === null ? null : Number(r.value), rank: Number(r.rank) }));
}

import { sql, type Kysely } from 'kysely';
import type { Database, OrgUnit } from '../schema.js';

export function getOrgUnit(db: Kysely<Database>, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom('orgUnits').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getOrgUnitByCode(db: Kysely<Database>, code: string): Promise<OrgUnit | undefined> {
  return db.selectFrom('orgUnits').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listOrgUnits(db: Kysely<Database>): Promise<OrgUnit[]> {
  return db.selectFrom('orgUnits').selectAll().orderBy('code').execute();
}

/** The ids of every county at or below a unit (a county itself, a city's counties, a province's counties). */
export async function countyIdsUnder(db: Kysely<Database>, unitId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    with recursive below as (
      select id, level from org_units where id = ${unitId}
      union all
      select o.id, o.level from org_units o join below b on o.parent_id = b.id where b.level <> 'county'
    )
    select id from below where level = 'county' order by id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** A unit and every unit above it, from the unit up to its province. */
export async function orgUnitWithAncestors(db: Kysely<Database>, unitId: number): Promise<OrgUnit[]> {
  const rows = await sql<OrgUnit>`
    with recursive up as (
      select * from org_units where id = ${unitId}
      union all
      select o.* from org_units o join up on o.id = up.parent_id
    )
    select id, parent_id as "parentId", level, code, name, created_at as "createdAt" from up`.execute(db);
  return rows.rows;
}

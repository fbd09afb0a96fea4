import { sql, type Kysely } from 'kysely';
import type { Scope } from '@oversight/domain';
import type { Database, School } from '../schema.js';

export function getSchool(db: Kysely<Database>, id: number): Promise<School | undefined> {
  return db.selectFrom('schools').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface SchoolFilter {
  countyId?: number | undefined;
  search?: string | undefined;
  includeInactive?: boolean | undefined;
}

/** Schools the scope may see, optionally narrowed to one county or a name/code search. */
export function listSchools(db: Kysely<Database>, scope: Scope, filter: SchoolFilter = {}): Promise<School[]> {
  let query = db.selectFrom('schools').selectAll();
  if (scope.kind === 'counties') query = query.where('countyId', 'in', scope.countyIds.length ? scope.countyIds : [-1]);
  if (scope.kind === 'school') query = query.where('id', '=', scope.schoolId);
  if (filter.countyId !== undefined) query = query.where('countyId', '=', filter.countyId);
  if (!filter.includeInactive) query = query.where('active', '=', true);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('name', 'like', pattern), eb(sql`code::text`, 'like', pattern)]));
  }
  return query.orderBy('code').execute();
}

/** The names of these schools by id (for documents that list the schools behind a figure). */
export async function schoolNames(db: Kysely<Database>, ids: Iterable<number>): Promise<Map<number, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('schools').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((s) => [s.id, s.name]));
}

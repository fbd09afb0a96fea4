import { missing, schoolInScope, scopeIncludesCounty, type RecordKind, type Scope } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { countyIdsUnder, getOrgUnit } from '../queries/org.js';
import { getSchool } from '../queries/schools.js';
import type { Database, OrgUnit, School } from '../schema.js';

/** A school the scope sees; missing and out of scope answer alike (NOT_FOUND, the domain's rule). */
export async function schoolFor(db: Kysely<Database>, scope: Scope, schoolId: number): Promise<School> {
  return schoolInScope(scope, await getSchool(db, schoolId));
}

/**
 * Whether a scope sees every county of a unit, for what speaks for all of them (a city's summary, a city's
 * account): the system admin sees every unit; a bureau, a unit with counties that are all its own (a unit without
 * any is nobody's).
 */
export function seesEvery(scope: Scope, countyIds: readonly number[]): boolean {
  return scope.kind === 'all' || (countyIds.length > 0 && countyIds.every((id) => scopeIncludesCounty(scope, id)));
}

/**
 * A unit the scope sees, with the counties at or below it: a county (or a township of one) in the scope, or a city
 * or province whose counties all are. Anything else answers as a missing record of `kind`, before its name is used.
 */
export async function unitInScope(
  db: Kysely<Database>,
  scope: Scope,
  unitId: number,
  kind: RecordKind = 'unit',
): Promise<{ unit: OrgUnit; countyIds: number[] }> {
  const unit = await getOrgUnit(db, unitId);
  if (!unit) throw missing(kind);
  const countyIds = unit.level === 'township' ? (unit.parentId === null ? [] : [unit.parentId]) : await countyIdsUnder(db, unit.id);
  if (!seesEvery(scope, countyIds)) throw missing(kind);
  return { unit, countyIds };
}

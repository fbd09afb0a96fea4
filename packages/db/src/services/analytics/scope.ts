import { countyInScope, forbidden, missing, scopeIncludesCounty, type Scope } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { countyIdsUnder } from '../../queries/org.js';
import type { Database } from '../../schema.js';

/**
 * The counties a call covers: one county, every county under a unit (a city, a province), or by default every
 * county the caller sees. Always within the caller's scope: a county or unit outside it answers as missing.
 * County-wide figures name schools, so a school account is refused for its role.
 */
export async function countiesFor(
  db: Kysely<Database>,
  scope: Scope,
  where: { countyId?: number | undefined; unitId?: number | undefined },
): Promise<number[]> {
  if (where.countyId !== undefined) {
    countyInScope(scope, where.countyId);
    return [where.countyId];
  }
  if (scope.kind === 'school') throw forbidden('学校账号只能查看本校的数据。');
  const all =
    where.unitId !== undefined
      ? await countyIdsUnder(db, where.unitId)
      : scope.kind === 'all'
        ? (await db.selectFrom('orgUnits').select('id').where('level', '=', 'county').orderBy('id').execute()).map((r) => r.id)
        : [...scope.countyIds];
  const visible = all.filter((id) => scopeIncludesCounty(scope, id));
  if (!visible.length) {
    if (where.unitId !== undefined) throw missing('unit');
    throw forbidden('您的账号没有可查看的县（市、区）。');
  }
  return visible;
}

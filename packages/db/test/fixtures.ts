import type { Kysely } from 'kysely';
import { createOrgUnit, createSchool, createUser, SYSTEM_ACTOR, type Database } from '../src/index.js';
import { schoolInput } from '../src/testing.js';

export const PASSWORD = 'secret123';

/** Two cities of one province, with one county each (and a second county in the first city). */
export async function smallHierarchy(db: Kysely<Database>) {
  const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', code: '510000', name: '四川省' });
  const cityA = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
  const cityB = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511700', name: '乙市' });
  const countyA = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: cityA.id, level: 'county', code: '511681', name: '甲县' });
  const countyA2 = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: cityA.id, level: 'county', code: '511682', name: '丙县' });
  const countyB = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: cityB.id, level: 'county', code: '511781', name: '乙县' });
  return { province, cityA, cityB, countyA, countyA2, countyB };
}

export function school(db: Kysely<Database>, countyId: number, overrides: Partial<Parameters<typeof createSchool>[2]> = {}) {
  return createSchool(db, SYSTEM_ACTOR, { ...schoolInput(countyId), ...overrides });
}

export function bureauAccount(db: Kysely<Database>, orgUnitId: number, username: string, role: 'bureau_admin' | 'bureau_officer' = 'bureau_admin') {
  return createUser(db, SYSTEM_ACTOR, { role, username, displayName: username, password: PASSWORD, orgUnitId });
}

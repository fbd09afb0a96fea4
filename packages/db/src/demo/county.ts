import { SCHOOL_CATEGORY_CODE } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { createUser } from '../services/accounts.js';
import { SYSTEM_ACTOR, type Actor } from '../services/actor.js';
import { describeUser } from '../services/auth.js';
import { createOrgUnit } from '../services/org.js';
import { createSchool } from '../services/schools.js';
import { getUser } from '../queries/users.js';
import { DEMO_PLACES, demoPersonName, demoSchoolPlans } from './places.js';
import { seededRandom } from './random.js';

export const DEMO_ACCOUNTS = {
  admin: { username: 'admin', role: 'system_admin', displayName: '系统管理员' },
  bureau: { username: 'bureau', role: 'bureau_admin', displayName: '青石县教育局（管理员）' },
  officer: { username: 'officer', role: 'bureau_officer', displayName: '青石县教育局后勤管理中心' },
} as const;

export interface DemoSummary {
  countyId: number;
  countyName: string;
  schools: number;
  principals: { username: string; school: string }[];
}

/**
 * Fills an empty database with the demo county through the same services a user's input takes:
 * the system admin sets up the hierarchy and the bureau accounts, the bureau admin registers its schools
 * and their principals.
 */
export async function seedDemoCounty(db: Kysely<Database>, options: { password: string }): Promise<DemoSummary> {
  const random = seededRandom(20261122);
  const { password } = options;
  const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', ...DEMO_PLACES.province });
  const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', ...DEMO_PLACES.city });
  const county = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', ...DEMO_PLACES.county });
  const townships = new Map<string, number>();
  for (const t of DEMO_PLACES.townships) {
    const unit = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: county.id, level: 'township', code: t.code, name: t.name });
    townships.set(t.name, unit.id);
  }

  await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.admin, password });
  const bureau = await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.bureau, password, orgUnitId: county.id });
  await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.officer, password, orgUnitId: county.id });
  const bureauActor: Actor = {
    userId: bureau.id,
    role: 'bureau_admin',
    scope: (await describeUser(db, (await getUser(db, bureau.id))!)).scope,
  };

  const plans = demoSchoolPlans(random);
  const principals: DemoSummary['principals'] = [];
  let sequence = 0;
  for (const plan of plans) {
    sequence += 1;
    const code = `${SCHOOL_CATEGORY_CODE[plan.type]}${DEMO_PLACES.province.code.slice(0, 2)}9921${String(sequence).padStart(2, '0')}`;
    const perPupil = plan.type === 'kindergarten' ? 7 : plan.boarding ? 9 : 6;
    const buildingAreaM2 = Math.round(plan.students * perPupil * (0.85 + random.next() * 0.3) + 300);
    const siteAreaM2 = Math.round(buildingAreaM2 * (plan.location === 'urban' ? 1.8 : 2.8) * (0.8 + random.next() * 0.4));
    const school = await createSchool(db, bureauActor, {
      countyId: county.id,
      townshipId: townships.get(plan.township) ?? null,
      code,
      name: plan.name,
      type: plan.type,
      ownership: plan.ownership,
      location: plan.location,
      boarding: plan.boarding,
      buildingAreaM2,
      siteAreaM2,
      hasCanteen: plan.hasCanteen,
    });
    await createUser(db, bureauActor, {
      role: 'principal',
      username: school.code,
      displayName: demoPersonName(random),
      password,
      schoolId: school.id,
    });
    principals.push({ username: school.code, school: school.name });
  }
  return { countyId: county.id, countyName: county.name, schools: plans.length, principals };
}

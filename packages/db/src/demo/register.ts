import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Actor } from '../services/actor.js';
import { describeUser } from '../services/auth.js';
import { createSchool } from '../services/schools.js';
import { getUser } from '../queries/users.js';
import type { DemoSchoolPlan } from './places.js';
import type { DemoSchool } from './profiles.js';
import type { Random } from './random.js';

/** An account as the services see it when it acts: its role and what it may see. */
export async function demoActor(db: Kysely<Database>, userId: number): Promise<Actor> {
  const user = await describeUser(db, (await getUser(db, userId))!);
  return { userId: user.id, role: user.role, scope: user.scope };
}

/**
 * Registers a planned school through the schools service, as the bureau would: its building and site areas estimated
 * from its size and kind (two draws from `random`).
 */
export async function registerDemoSchool(
  db: Kysely<Database>,
  actor: Actor,
  plan: DemoSchoolPlan,
  where: { countyId: number; townshipId: number | null; code: string },
  random: Random,
): Promise<DemoSchool> {
  const perPupil = plan.type === 'kindergarten' ? 7 : plan.boarding ? 9 : 6;
  const buildingAreaM2 = Math.round(plan.students * perPupil * (0.85 + random.next() * 0.3) + 300);
  const siteAreaM2 = Math.round(buildingAreaM2 * (plan.location === 'urban' ? 1.8 : 2.8) * (0.8 + random.next() * 0.4));
  const school = await createSchool(db, actor, {
    ...where,
    name: plan.name,
    type: plan.type,
    ownership: plan.ownership,
    location: plan.location,
    boarding: plan.boarding,
    hasCanteen: plan.hasCanteen,
    buildingAreaM2,
    siteAreaM2,
  });
  return { ...plan, id: school.id, code: school.code, countyId: where.countyId, buildingAreaM2, siteAreaM2 };
}

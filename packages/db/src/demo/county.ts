import { SCHOOL_CATEGORY_CODE, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database, ReportStatus } from '../schema.js';
import { createUser } from '../services/accounts.js';
import { SYSTEM_ACTOR, type Actor } from '../services/actor.js';
import { setDegreeDays } from '../services/analytics/fair-comparison.js';
import { createOrgUnit } from '../services/org.js';
import { hashOncePerPassword } from '../services/passwords.js';
import { DEMO_CURRENT_PERIOD, DEMO_PERIODS, DEMO_TODAY } from './calendar.js';
import { simulateSchool } from './figures.js';
import { DEMO_PLACES, demoPersonName, demoSchoolPlans } from './places.js';
import { playDemoReports } from './play.js';
import { addDemoPractices, recordDemoMeasures } from './practices.js';
import { demoProfiles, type DemoSchool } from './profiles.js';
import { seededRandom } from './random.js';
import { demoActor, registerDemoSchool } from './register.js';
import { setDemoTargets } from './targets.js';
import { demoScenario } from './scenario.js';

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
  /** The day the demo was generated as of, its closed quarters and the quarter in progress. */
  today: Date;
  periods: Period[];
  currentPeriod: Period;
  /** How many reports the demo holds, by status. */
  reports: Record<ReportStatus, number>;
}

/**
 * Fills an empty database with the demo county through the same services a user's input takes:
 * the system admin sets up the hierarchy and the bureau accounts, the bureau admin registers its schools
 * and their principals, then three years of quarterly reports are saved and submitted by the principals (or,
 * for paper returns, the officer) and approved or returned by the bureau, each at its time (see ./scenario.ts).
 */
export async function seedDemoCounty(db: Kysely<Database>, options: { password: string }): Promise<DemoSummary> {
  const random = seededRandom(20261122);
  const { password } = options;
  // Every demo account has the one password printed at start-up, so it is hashed once for the whole county.
  const hash = hashOncePerPassword();
  const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', ...DEMO_PLACES.province });
  const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', ...DEMO_PLACES.city });
  const county = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', ...DEMO_PLACES.county });
  const townships = new Map<string, number>();
  for (const t of DEMO_PLACES.townships) {
    const unit = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: county.id, level: 'township', code: t.code, name: t.name });
    townships.set(t.name, unit.id);
  }

  await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.admin, password }, { hash });
  const bureau = await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.bureau, password, orgUnitId: county.id }, { hash });
  const officer = await createUser(db, SYSTEM_ACTOR, { ...DEMO_ACCOUNTS.officer, password, orgUnitId: county.id }, { hash });
  const bureauActor = await demoActor(db, bureau.id);

  const plans = demoSchoolPlans(random);
  const principals: DemoSummary['principals'] = [];
  const schools: DemoSchool[] = [];
  const principalActors = new Map<number, Actor>();
  let sequence = 0;
  for (const plan of plans) {
    sequence += 1;
    const code = `${SCHOOL_CATEGORY_CODE[plan.type]}${DEMO_PLACES.province.code.slice(0, 2)}9921${String(sequence).padStart(2, '0')}`;
    const school = await registerDemoSchool(db, bureauActor, plan, { countyId: county.id, townshipId: townships.get(plan.township) ?? null, code }, random);
    const principal = await createUser(
      db,
      bureauActor,
      { role: 'principal', username: school.code, displayName: demoPersonName(random), password, schoolId: school.id },
      { hash, mustChangePassword: false },
    );
    principals.push({ username: school.code, school: school.name });
    schools.push(school);
    principalActors.set(school.id, { userId: principal.id, role: 'principal', scope: { kind: 'school', schoolId: school.id, countyId: county.id } });
  }

  // Separate seeded streams: the story of the reports does not disturb the county above, nor one school another.
  const profiles = demoProfiles(schools, seededRandom(20261123));
  const figures = profiles.map((profile, i) => simulateSchool(profile, seededRandom(20261124 + i)));
  // Some schools write their main practice of the quarter (本季度主要做法) in the last six quarters.
  addDemoPractices(profiles, figures, seededRandom(20261126), DEMO_PERIODS[DEMO_PERIODS.length - 6]!);
  await playDemoReports(db, demoScenario(profiles, figures, seededRandom(20261125)), {
    principalOf: (school) => principalActors.get(school.id)!,
    officer: await demoActor(db, officer.id),
    bureau: bureauActor,
  });

  // Targets for every demo year and the next, so dashboards and the annual summary have something to measure.
  const firstYear = Number(DEMO_PERIODS[0]!.slice(0, 4));
  const lastYear = Number(DEMO_CURRENT_PERIOD.slice(0, 4));
  await setDemoTargets(
    db,
    bureauActor,
    county.id,
    Array.from({ length: lastYear - firstYear + 2 }, (_, i) => firstYear + i),
  );

  // Degree days of each demo year, entered by the bureau like any county's (the fair comparison's climate).
  for (let year = firstYear; year <= lastYear; year++) {
    const i = year - firstYear;
    await setDegreeDays(db, bureauActor, { countyId: county.id, year, hdd: [1580, 1650, 1520, 1610][i % 4]!, cdd: [185, 160, 210, 175][i % 4]! });
  }

  // The bureau's measures of the last two years, and the schools' practices it quotes (the annual summary's part 一).
  await recordDemoMeasures(db, await demoActor(db, officer.id), county.id, [lastYear - 1, lastYear]);

  const counts = await db
    .selectFrom('reports')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('countyId', '=', county.id)
    .groupBy('status')
    .execute();
  const reports: Record<ReportStatus, number> = { draft: 0, submitted: 0, approved: 0, returned: 0 };
  for (const row of counts) reports[row.status] = Number(row.count);
  return {
    countyId: county.id,
    countyName: county.name,
    schools: plans.length,
    principals,
    today: DEMO_TODAY,
    periods: [...DEMO_PERIODS],
    currentPeriod: DEMO_CURRENT_PERIOD,
    reports,
  };
}

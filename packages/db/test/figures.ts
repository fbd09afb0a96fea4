import type { Period, ReportValues } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { approveReport, saveReport, submitReport, SYSTEM_ACTOR, type Database, type School } from '../src/index.js';
import { completeValues } from '../src/testing.js';

export { completeValues };

/**
 * Files a school's quarter the way a principal and an officer would: save, explain every warning, submit,
 * and (unless asked to stop earlier) approve. Goes through the same services as a user's input.
 */
export async function fileReport(
  db: Kysely<Database>,
  school: School,
  period: Period,
  figures: ReportValues,
  until: 'draft' | 'submitted' | 'approved' = 'approved',
): Promise<void> {
  const saved = await saveReport(db, SYSTEM_ACTOR, { schoolId: school.id, period, version: 0, values: completeValues(school, period, figures) });
  let version = saved.version;
  const warnings = saved.issues.filter((i) => i.severity === 'warning');
  if (warnings.length) {
    const explanations = Object.fromEntries(warnings.map((w) => [w.code, '测试数据，已核实。']));
    version = (await saveReport(db, SYSTEM_ACTOR, { schoolId: school.id, period, version, values: {}, explanations }, { returning: 'version' })).version;
  }
  if (until === 'draft') return;
  version = (await submitReport(db, SYSTEM_ACTOR, { schoolId: school.id, period, version }, { returning: 'version' })).version;
  if (until === 'submitted') return;
  await approveReport(db, SYSTEM_ACTOR, { schoolId: school.id, period, version }, { returning: 'version' });
}

/**
 * The hand-computed county of the targets and analytics tests (county A of `smallHierarchy`):
 * - p1 primary, rural, canteen: 200 students + 20 staff, 200 liability-insured, 190 accident-insured;
 * - p2 primary, urban, canteen: 300 + 30, 290 and 290;
 * - j3 junior, town, no canteen: 400 + 40, 400 and 380;
 * - v4 vocational, urban, canteen: 100 + 20, 100 and 90, 50 interns all insured.
 * 2025, all four quarters approved: electricity per quarter x, x, 2x, 2x with x = 1200, 2000, 2400, 600 kWh;
 * every school “in progress” for green status, canteens graded B.
 * 2026 Q1 and Q2, approved: electricity per quarter 1000, 1500, 2200, 500 kWh; p1 and j3 certified, p2 in
 * progress, v4 not started; p1 and p2 graded A, v4 B; p2 had one food-safety incident in Q1.
 * Except: v4's 2026 Q2 is only submitted, and a 2026 Q3 draft of p1 exists (neither counts by default).
 */
export const PEOPLE = {
  p1: { students_enrolled: 200, staff_count: 20, liability_insured: 200, accident_insured: 190 },
  p2: { students_enrolled: 300, staff_count: 30, liability_insured: 290, accident_insured: 290 },
  j3: { students_enrolled: 400, staff_count: 40, liability_insured: 400, accident_insured: 380 },
  v4: { students_enrolled: 100, staff_count: 20, liability_insured: 100, accident_insured: 90, interns: 50, internship_insured: 50 },
} as const;
const X = { p1: 1200, p2: 2000, j3: 2400, v4: 600 } as const;
const KWH_2026 = { p1: 1000, p2: 1500, j3: 2200, v4: 500 } as const;
const STATUS_2026: Record<keyof typeof PEOPLE, ReportValues> = {
  p1: { green_school_status: 'certified', green_school_level: 'county', food_safety_grade: 'A' },
  p2: { green_school_status: 'in_progress', food_safety_grade: 'A' },
  j3: { green_school_status: 'certified', green_school_level: 'city' },
  v4: { green_school_status: 'none', food_safety_grade: 'B' },
};

export type CountySchools = Record<keyof typeof PEOPLE, School>;

export async function fileHandComputedCounty(db: Kysely<Database>, schools: CountySchools): Promise<void> {
  for (const key of Object.keys(PEOPLE) as (keyof typeof PEOPLE)[]) {
    const s = schools[key];
    const canteen: ReportValues = s.hasCanteen ? { food_safety_grade: 'B' } : {};
    for (const q of [1, 2, 3, 4]) {
      await fileReport(db, s, `2025Q${q}` as Period, {
        ...PEOPLE[key],
        ...canteen,
        green_school_status: 'in_progress',
        electricity_kwh: q <= 2 ? X[key] : 2 * X[key],
      });
    }
    for (const q of [1, 2]) {
      const incidents: ReportValues = key === 'p2' && q === 1 ? { food_incidents: 1 } : {};
      const until = key === 'v4' && q === 2 ? 'submitted' : 'approved';
      await fileReport(db, s, `2026Q${q}` as Period, { ...PEOPLE[key], ...STATUS_2026[key], electricity_kwh: KWH_2026[key], ...incidents }, until);
    }
  }
  await fileReport(db, schools.p1, '2026Q3', { ...PEOPLE.p1, electricity_kwh: 99_999 }, 'draft');
}

import { createHash } from 'node:crypto';
import {
  deadlineOf,
  periodEndDate,
  previousPeriod,
  SCHOOL_TYPES,
  sameQuarterLastYear,
  validateReport,
  type Period,
  type ReportValues,
} from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PERIODS, DEMO_TODAY } from '../src/demo/calendar.js';
import { simulateSchool } from '../src/demo/figures.js';
import { demoSchoolPlans } from '../src/demo/places.js';
import { demoProfiles, type DemoSchool } from '../src/demo/profiles.js';
import { seededRandom } from '../src/demo/random.js';
import { demoScenario } from '../src/demo/scenario.js';
import {
  completeness,
  SYSTEM_ACTOR,
  listSchools,
  listTargets,
  login,
  seedDemoCounty,
  targetAttainment,
  type Database,
  type DatabaseHandle,
  type DemoSummary,
  type Kysely,
} from '../src/index.js';
import { createTestDatabase, databaseKinds, describeEachDatabase } from '../src/testing.js';

/** Everything the demo stored about its reports, in a stable order, as one SHA-256. */
async function reportsDigest(db: Kysely<Database>): Promise<string> {
  const reports = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select([
      'schools.code',
      'reports.period',
      'reports.status',
      'reports.version',
      'reports.values',
      'reports.explanations',
      'reports.late',
      'reports.submittedAt',
      'reports.reviewedAt',
      'reports.returnReason',
    ])
    .orderBy('schools.code')
    .orderBy('reports.period')
    .execute();
  const audit = await db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select(['auditLog.at', 'auditLog.action', 'users.username', 'auditLog.after'])
    .where('auditLog.entity', '=', 'report')
    .orderBy('auditLog.id')
    .execute();
  const sorted = (value: unknown): unknown =>
    value && typeof value === 'object' && !(value instanceof Date)
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
  return createHash('sha256')
    .update(JSON.stringify(sorted({ reports, audit })))
    .digest('hex');
}

const digests = new Map<string, string>();

await describeEachDatabase('demo county', (kind) => {
  let handle: DatabaseHandle;
  let summary: DemoSummary;
  let seconds: number;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const started = Date.now();
    summary = await seedDemoCounty(handle.db, { password: 'demo123456' });
    seconds = (Date.now() - started) / 1000;
    digests.set(kind, await reportsDigest(handle.db));
  }, 180_000);
  afterAll(() => handle.close());

  const load = () =>
    handle.db
      .selectFrom('reports')
      .innerJoin('schools', 'schools.id', 'reports.schoolId')
      .selectAll('reports')
      .select(['schools.type', 'schools.hasCanteen', 'schools.buildingAreaM2', 'schools.siteAreaM2', 'schools.name'])
      .execute();

  it('holds at least 60 schools of every type, each with its principal', async () => {
    console.info(
      `[demo] seeded ${summary.schools} schools and ${Object.values(summary.reports).reduce((a, b) => a + b)} reports on ${kind} in ${seconds.toFixed(1)} s`,
    );
    const schools = await listSchools(handle.db, { kind: 'all' });
    expect(schools.length).toBeGreaterThanOrEqual(60);
    expect(new Set(schools.map((s) => s.type))).toEqual(new Set(SCHOOL_TYPES));
    expect(new Set(schools.map((s) => s.location))).toEqual(new Set(['urban', 'town', 'rural']));
    expect(summary.principals.map((p) => p.username).sort()).toEqual(schools.map((s) => s.code).sort());
  });

  it('holds three years of quarters in every state: mostly approved, some submitted, returned, draft, missing, late', async () => {
    expect(summary.periods).toEqual([...DEMO_PERIODS]);
    expect(summary.periods[0]).toBe('2023Q4');
    expect(summary.currentPeriod).toBe('2026Q4');
    const { approved, submitted, returned, draft } = summary.reports;
    const total = approved + submitted + returned + draft;
    expect(total).toBeGreaterThanOrEqual(summary.schools * summary.periods.length - 10);
    expect(approved / total).toBeGreaterThan(0.9);
    expect(submitted).toBeGreaterThanOrEqual(3);
    expect(returned).toBeGreaterThanOrEqual(3);
    expect(draft).toBeGreaterThanOrEqual(3);

    const last = summary.periods.at(-1)!;
    const rows = await completeness(handle.db, SYSTEM_ACTOR, summary.countyId, last, { now: summary.today });
    const by = (status: string) => rows.filter((r) => r.status === status);
    for (const status of ['approved', 'submitted', 'returned', 'draft', 'missing']) expect(by(status).length, status).toBeGreaterThan(0);
    // The deadline has passed: whoever has not submitted is late, and some submitted late.
    expect(by('missing').every((r) => r.late)).toBe(true);
    expect(rows.some((r) => r.status === 'approved' && r.late)).toBe(true);
    // The current quarter is open: some schools have begun, nobody is late yet.
    const current = await completeness(handle.db, SYSTEM_ACTOR, summary.countyId, summary.currentPeriod, { now: summary.today });
    expect(current.some((r) => r.status === 'draft')).toBe(true);
    expect(current.every((r) => r.status === 'draft' || r.status === 'missing')).toBe(true);
    expect(current.some((r) => r.late)).toBe(false);
  });

  it('returns reports with the officer’s reason, and the corrected ones end approved', async () => {
    const reports = await load();
    const pending = reports.filter((r) => r.status === 'returned');
    expect(pending.length).toBeGreaterThan(0);
    for (const r of pending) expect(r.returnReason, r.name).toMatch(/请.*更正|请.*补报/);
    const corrected = await handle.db
      .selectFrom('auditLog')
      .innerJoin('reports', (join) => join.on((eb) => eb(eb.cast('reports.id', 'text'), '=', eb.ref('auditLog.entityId'))))
      .select(['reports.status', 'auditLog.action'])
      .where('auditLog.action', 'in', ['report.return', 'report.reopen'])
      .execute();
    expect(corrected.some((c) => c.action === 'report.reopen')).toBe(true);
    expect(corrected.filter((c) => c.action === 'report.return' && c.status === 'approved').length).toBeGreaterThan(3);
  });

  it('has figures that pass validation, with every warning explained, and stay internally consistent', async () => {
    const reports = await load();
    const byKey = new Map(reports.map((r) => [`${r.schoolId}|${r.period}`, r]));
    let warnings = 0;
    for (const r of reports.filter((x) => x.status === 'submitted' || x.status === 'approved')) {
      const reported = (period: Period) => {
        const other = byKey.get(`${r.schoolId}|${period}`);
        return other?.status === 'submitted' || other?.status === 'approved' ? other.values : null;
      };
      const period = r.period as Period;
      const issues = validateReport(r.values, {
        school: r,
        period,
        forSubmission: true,
        lastYear: reported(sameQuarterLastYear(period)),
        previousQuarter: reported(previousPeriod(period)),
      });
      expect(
        issues.filter((i) => i.severity === 'error'),
        `${r.name} ${r.period}`,
      ).toEqual([]);
      for (const w of issues.filter((i) => i.severity === 'warning')) {
        warnings += 1;
        expect(r.explanations[w.code], `${r.name} ${r.period}: ${w.message}`).toBeTruthy();
      }
    }
    expect(warnings).toBeGreaterThan(5);

    const approved = (period: string) => reports.filter((r) => r.period === period && r.status === 'approved');
    const sum = (list: typeof reports, code: string) => list.reduce((total, r) => total + ((r.values[code] as number | undefined) ?? 0), 0);
    for (const period of summary.periods) {
      const list = approved(period);
      const enrolled = sum(list, 'students_enrolled');
      expect(sum(list, 'liability_insured') / enrolled, period).toBeGreaterThan(0.995);
      expect(sum(list, 'accident_insured') / enrolled, period).toBeGreaterThan(0.92);
      expect(sum(list, 'accident_insured') / enrolled, period).toBeLessThan(0.98);
      expect(sum(list, 'medical_insured') / enrolled, period).toBeGreaterThan(0.85);
      expect(sum(list, 'medical_insured') / enrolled, period).toBeLessThan(0.95);
      expect(sum(list, 'internship_insured') / sum(list, 'interns'), period).toBeLessThan(0.75);
    }
    // Energy and water fall year on year (like for like: schools approved in both years), summer below winter.
    for (const period of summary.periods.slice(4)) {
      const now = approved(period);
      const before = approved(sameQuarterLastYear(period as Period)).filter((b) => now.some((n) => n.schoolId === b.schoolId));
      const same = now.filter((n) => before.some((b) => b.schoolId === n.schoolId));
      for (const code of ['electricity_kwh', 'water_m3']) {
        const change = sum(same, code) / sum(before, code) - 1;
        expect(change, `${code} ${period}`).toBeLessThan(-0.03);
        expect(change, `${code} ${period}`).toBeGreaterThan(-0.16);
      }
    }
    expect(sum(approved('2025Q3'), 'electricity_kwh')).toBeLessThan(sum(approved('2025Q4'), 'electricity_kwh'));
    // Green schools created over time: 11 certified by the last quarter; canteens mostly graded A, a few C early.
    const count = (period: string, code: string, value: unknown) =>
      reports.filter((r) => r.period === period && r.status !== 'draft' && r.values[code] === value).length;
    expect(count(summary.periods[0]!, 'green_school_status', 'certified')).toBeLessThan(6);
    expect(count(summary.periods.at(-2)!, 'green_school_status', 'certified')).toBe(11);
    expect(count(summary.periods[0]!, 'food_safety_grade', 'C')).toBeGreaterThan(0);
    for (const period of summary.periods)
      expect(count(period, 'food_safety_grade', 'A') / count(period, 'canteen_operation', 'self_run'), period).toBeGreaterThan(0.6);
  });

  it('went through the services at the right times, as the right people', async () => {
    const entries = await handle.db
      .selectFrom('auditLog')
      .innerJoin('users', 'users.id', 'auditLog.actorId')
      .innerJoin('reports', (join) => join.on((eb) => eb(eb.cast('reports.id', 'text'), '=', eb.ref('auditLog.entityId'))))
      .select(['auditLog.action', 'auditLog.at', 'users.role', 'users.username', 'reports.id', 'reports.period', 'reports.schoolId'])
      .where('auditLog.entity', '=', 'report')
      .execute();
    const reports = await load();
    expect(entries.filter((e) => e.action === 'report.save').length).toBeGreaterThanOrEqual(reports.length);
    for (const e of entries) {
      expect(e.at.getTime(), e.action).toBeLessThanOrEqual(DEMO_TODAY.getTime());
      if (e.action !== 'report.save') expect(e.at.toISOString().slice(0, 10) >= periodEndDate(e.period as Period), `${e.action} ${e.period}`).toBe(true);
    }
    const roles = (action: string) => new Set(entries.filter((e) => e.action === action).map((e) => e.role));
    expect(roles('report.approve')).toEqual(new Set(['bureau_officer', 'bureau_admin']));
    expect(roles('report.return')).toEqual(new Set(['bureau_officer']));
    // Mostly principals; the officer typed in the paper returns of two village schools.
    expect(roles('report.submit')).toEqual(new Set(['principal', 'bureau_officer']));
    const onBehalf = new Set(entries.filter((e) => e.action === 'report.submit' && e.role === 'bureau_officer').map((e) => e.schoolId));
    expect(onBehalf.size).toBe(2);
    // Late means the first submission came after the deadline (15 days after the quarter), whatever happened next.
    for (const r of reports.filter((x) => x.submittedAt)) {
      const first = Math.min(...entries.filter((e) => e.id === r.id && e.action === 'report.submit').map((e) => e.at.getTime()));
      expect(r.late, `${r.name} ${r.period}`).toBe(first > deadlineOf(r.period as Period, 15).getTime());
    }
  });

  it('has the bureau’s targets for every year and the next, some met and some missed', async () => {
    const scope = { kind: 'counties' as const, countyIds: [summary.countyId] };
    const lastYear = Number(summary.currentPeriod.slice(0, 4));
    for (let year = Number(summary.periods[0]!.slice(0, 4)); year <= lastYear + 1; year++) {
      expect((await listTargets(handle.db, scope, { countyId: summary.countyId, year })).length).toBeGreaterThan(5);
    }
    const attainment = await targetAttainment(handle.db, scope, { countyId: summary.countyId, year: lastYear - 1 });
    const verdicts = new Set(attainment.items.map((i) => i.fullYear.met));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  it('holds practice texts written by schools, the bureau’s measures of the last two years and the practices it quotes (issue 16)', async () => {
    const reports = await load();
    const withPractice = reports.filter((r) =>
      ['insurance_practice', 'energy_practice', 'green_practice', 'canteen_practice'].some((c) => typeof r.values[c] === 'string'),
    );
    expect(withPractice.length).toBeGreaterThan(50);
    expect(withPractice.every((r) => r.hasCanteen || r.values.canteen_practice === undefined)).toBe(true);
    const measures = await handle.db.selectFrom('bureauMeasures').select(['year', 'domain']).where('countyId', '=', summary.countyId).execute();
    const lastYear = Number(summary.currentPeriod.slice(0, 4));
    expect(new Set(measures.map((m) => m.year))).toEqual(new Set([lastYear - 1, lastYear]));
    expect(new Set(measures.map((m) => m.domain))).toEqual(new Set(['insurance', 'energy', 'green', 'canteen']));
    const chosen = await handle.db.selectFrom('typicalPractices').select(['year', 'domain', 'position']).where('countyId', '=', summary.countyId).execute();
    expect(
      chosen
        .filter((c) => c.year === lastYear - 1 && c.domain === 'canteen')
        .map((c) => c.position)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('signs in the demo accounts with the demo password, none of them asked to change it first', async () => {
    for (const username of ['admin', 'bureau', 'officer', summary.principals[0]!.username]) {
      const { user } = await login(handle.db, { username, password: 'demo123456', address: '127.0.0.1' });
      expect(user.username).toBe(username);
    }
    const flagged = await handle.db.selectFrom('users').select('username').where('mustChangePassword', '=', true).execute();
    expect(flagged).toEqual([]);
  });

  it('records every created school in the audit log as the bureau admin', async () => {
    const entries = await handle.db
      .selectFrom('auditLog')
      .innerJoin('users', 'users.id', 'auditLog.actorId')
      .select(['users.username'])
      .where('action', '=', 'school.create')
      .execute();
    expect(entries).toHaveLength(summary.schools);
    expect(new Set(entries.map((e) => e.username))).toEqual(new Set(['bureau']));
  });
});

describe('the demo generator', () => {
  const schools = (): DemoSchool[] =>
    demoSchoolPlans(seededRandom(7)).map((plan, i) => ({
      ...plan,
      id: i + 1,
      code: String(i + 1),
      countyId: 1,
      buildingAreaM2: plan.students * 7 + 300,
      siteAreaM2: plan.students * 20 + 1500,
    }));
  const story = () => {
    const profiles = demoProfiles(schools(), seededRandom(1));
    return demoScenario(
      profiles,
      profiles.map((p, i) => simulateSchool(p, seededRandom(100 + i))),
      seededRandom(2),
    );
  };

  it('tells the same story on every run', () => {
    expect(JSON.stringify(story())).toBe(JSON.stringify(story()));
  });

  it('fills every indicator the catalogue asks of a school, within its rules', () => {
    for (const plan of story()) {
      const values: ReportValues = plan.figures.values;
      const issues = validateReport(values, { school: plan.school, period: plan.period, forSubmission: true });
      expect(
        issues.filter((i) => i.severity === 'error'),
        `${plan.school.name} ${plan.period}`,
      ).toEqual([]);
    }
  });

  it('is the same county on every run and every database', async () => {
    const kinds = await databaseKinds();
    expect([...digests.keys()].sort()).toEqual([...kinds].sort());
    expect(new Set(digests.values()).size).toBe(1);
  });
});

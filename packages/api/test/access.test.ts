import type { Role } from '@oversight/domain';
import { draftSchoolSummary } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { setTarget, SYSTEM_ACTOR, type Database, type DatabaseHandle, type Kysely, type SignedInUser } from '@oversight/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRouter, type Meta } from '../src/index.js';
import { callerFor, PASSWORD, schoolInput, signedInAs, unique, world } from './support.js';

/**
 * The authorisation matrix, generated from the router: every procedure × every kind of caller × targets in and
 * out of scope. Allowed roles are written here, independently of the router's own declarations, so a loosened
 * rule fails; a procedure missing from this table fails too.
 */
type Target = 'own' | 'sibling' | 'otherCounty' | 'otherCity';
type World = Awaited<ReturnType<typeof world>>;
type Caller = ReturnType<typeof callerFor>;

const ALL: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer', 'principal'];
const ADMINS: readonly Role[] = ['system_admin', 'bureau_admin'];
const BUREAU: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer'];
const Q = '2026Q1';

interface Rule {
  roles: readonly Role[] | 'public';
  /** Whether the call names a school (or a principal's account) or a county that must be in the caller's scope. */
  targeted: false | 'school' | 'county';
  call: (caller: Caller, w: World, target: Target) => Promise<unknown>;
}

const schoolOf = (w: World, t: Target) => ({ own: w.schools.a1, sibling: w.schools.a2, otherCounty: w.schools.c, otherCity: w.schools.b })[t];
const countyOf = (w: World, t: Target) => ({ own: w.countyA, sibling: w.countyA, otherCounty: w.countyA2, otherCity: w.countyB })[t];

const RULES: Record<string, Rule> = {
  'auth.login': { roles: 'public', targeted: false, call: (c) => c.auth.login({ username: unique('nobody'), password: 'x' }).catch(swallow('UNAUTHORIZED')) },
  'auth.me': { roles: 'public', targeted: false, call: (c) => c.auth.me() },
  'auth.logout': { roles: ALL, targeted: false, call: (c) => c.auth.logout() },
  'org.tree': { roles: ALL, targeted: false, call: (c) => c.org.tree() },
  'org.createUnit': {
    roles: ['system_admin'],
    targeted: false,
    call: (c, w) => c.org.createUnit({ parentId: w.cityB.id, level: 'county', code: `5117${String(10 + (counter++ % 89))}`, name: unique('县') }),
  },
  'schools.list': { roles: ALL, targeted: 'county', call: (c, w, t) => c.schools.list({ countyId: countyOf(w, t).id }) },
  'schools.get': { roles: ALL, targeted: 'school', call: (c, w, t) => c.schools.get({ schoolId: schoolOf(w, t).id }) },
  'schools.create': { roles: ADMINS, targeted: 'county', call: (c, w, t) => c.schools.create(schoolInput(countyOf(w, t).id)) },
  'schools.update': {
    roles: ADMINS,
    targeted: 'school',
    call: (c, w, t) => c.schools.update({ schoolId: schoolOf(w, t).id, boarding: counter++ % 2 === 0 }),
  },
  'users.list': { roles: ADMINS, targeted: false, call: (c) => c.users.list() },
  'users.create': {
    roles: ADMINS,
    targeted: 'school',
    call: (c, w, t) =>
      c.users.create({ role: 'principal', username: unique('u'), displayName: '校长', password: PASSWORD, schoolId: schoolOf(w, t).id }),
  },
  'users.createPrincipal': {
    roles: ADMINS,
    targeted: 'school',
    call: (c, w, t) => c.users.createPrincipal({ schoolId: schoolOf(w, t).id, username: unique('cp'), displayName: '校长', password: PASSWORD }),
  },
  'users.resetPassword': {
    roles: ADMINS,
    targeted: 'school',
    call: async (c, w, t) => c.users.resetPassword({ userId: (await w.principalFor(schoolOf(w, t).id, countyOf(w, t).id)).id, password: 'another123' }),
  },
  'users.setActive': {
    roles: ADMINS,
    targeted: 'school',
    call: async (c, w, t) => c.users.setActive({ userId: (await w.principalFor(schoolOf(w, t).id, countyOf(w, t).id)).id, active: false }),
  },
  'catalogue.list': { roles: ALL, targeted: false, call: (c) => c.catalogue.list() },
  'reports.get': { roles: ALL, targeted: 'school', call: (c, w, t) => c.reports.get({ schoolId: schoolOf(w, t).id, period: Q }) },
  'reports.save': { roles: ALL, targeted: 'school', call: (c, w, t) => c.reports.save({ schoolId: schoolOf(w, t).id, period: Q, version: 0, values: { staff_count: 40 } }) },
  'reports.autosave': {
    roles: ALL,
    targeted: 'school',
    call: (c, w, t) => c.reports.autosave({ schoolId: schoolOf(w, t).id, period: '2025Q3', version: 0, values: { staff_count: 40 } }),
  },
  'reports.submit': { roles: ALL, targeted: 'school', call: (c, w, t) => c.reports.submit({ schoolId: schoolOf(w, t).id, period: Q, version: 1 }) },
  'reports.approve': { roles: BUREAU, targeted: 'school', call: (c, w, t) => c.reports.approve({ schoolId: schoolOf(w, t).id, period: Q, version: 1 }) },
  'reports.returnForRevision': { roles: BUREAU, targeted: 'school', call: (c, w, t) => c.reports.returnForRevision({ schoolId: schoolOf(w, t).id, period: Q, version: 1, reason: '数据有误' }) },
  'reports.reopen': { roles: BUREAU, targeted: 'school', call: (c, w, t) => c.reports.reopen({ schoolId: schoolOf(w, t).id, period: Q, reason: '需要更正' }) },
  'reports.history': { roles: ALL, targeted: 'school', call: (c, w, t) => c.reports.history({ schoolId: schoolOf(w, t).id, period: Q }) },
  'reports.completeness': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.reports.completeness({ countyId: countyOf(w, t).id, period: Q }) },
  'reports.matrix': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.reports.matrix({ countyId: countyOf(w, t).id, periods: [Q] }) },
  'reports.reviewQueue': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.reports.reviewQueue({ countyId: countyOf(w, t).id }) },
  'reports.approveMany': {
    roles: BUREAU,
    targeted: 'county',
    call: (c, w, t) => c.reports.approveMany({ countyId: countyOf(w, t).id, items: [{ schoolId: schoolOf(w, t).id, period: Q, version: 1 }] }),
  },
  'reports.remindMissing': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.reports.remindMissing({ countyId: countyOf(w, t).id, period: Q }) },
  'reports.reminders': { roles: ALL, targeted: 'school', call: (c, w, t) => c.reports.reminders({ schoolId: schoolOf(w, t).id }) },
  'reports.dismissReminder': { roles: ['principal'], targeted: 'school', call: (c, w, t) => c.reports.dismissReminder({ schoolId: schoolOf(w, t).id, reminderId: 1 }) },
  'reports.deadline': { roles: ALL, targeted: 'county', call: (c, w, t) => c.reports.deadline({ countyId: countyOf(w, t).id }) },
  'reports.setDeadline': { roles: ADMINS, targeted: 'county', call: (c, w, t) => c.reports.setDeadline({ countyId: countyOf(w, t).id, days: 20 }) },
  'targets.list': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.targets.list({ countyId: countyOf(w, t).id, year: 2026 }) },
  'targets.set': {
    roles: BUREAU,
    targeted: 'county',
    call: (c, w, t) => c.targets.set({ countyId: countyOf(w, t).id, year: 2026, indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 90 }),
  },
  'targets.remove': {
    roles: BUREAU,
    targeted: 'county',
    call: async (c, w, t) => {
      const target = await setTarget(seedDb, SYSTEM_ACTOR, { countyId: countyOf(w, t).id, year: 2031, indicator: 'medical_rate', kind: 'county_total', comparator: 'gte', value: 80 });
      return c.targets.remove({ id: target.id });
    },
  },
  'targets.copyFromPreviousYear': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.targets.copyFromPreviousYear({ countyId: countyOf(w, t).id, year: 2027 }) },
  'targets.attainment': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.targets.attainment({ countyId: countyOf(w, t).id, year: 2026 }) },
  'analytics.overview': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.analytics.overview({ countyId: countyOf(w, t).id, year: 2026 }) },
  'analytics.ranking': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.analytics.ranking({ countyId: countyOf(w, t).id, indicator: 'liability_rate', year: 2026 }) },
  'analytics.trend': { roles: ALL, targeted: 'school', call: (c, w, t) => c.analytics.trend({ schoolId: schoolOf(w, t).id, indicator: 'electricity_kwh', from: '2025Q1', to: Q }) },
  'analytics.schoolProfile': { roles: ALL, targeted: 'school', call: (c, w, t) => c.analytics.schoolProfile({ schoolId: schoolOf(w, t).id, year: 2026 }) },
  'analytics.myStanding': { roles: ALL, targeted: 'school', call: (c, w, t) => c.analytics.myStanding({ schoolId: schoolOf(w, t).id, year: 2026 }) },
  'analytics.compareCounties': { roles: BUREAU, targeted: false, call: (c) => c.analytics.compareCounties({ indicator: 'liability_rate', year: 2026 }) },
  'summaries.draft': { roles: BUREAU, targeted: 'county', call: (c, w, t) => c.summaries.draft({ countyId: countyOf(w, t).id, year: 2026 }) },
  'summaries.schoolDraft': { roles: ALL, targeted: 'school', call: (c, w, t) => c.summaries.schoolDraft({ schoolId: schoolOf(w, t).id, year: 2026 }) },
  'summaries.list': { roles: ALL, targeted: 'county', call: (c, w, t) => c.summaries.list({ countyId: countyOf(w, t).id }) },
  // A school's summary, drafted beforehand: reading and changing it follows the school's scope.
  'summaries.get': { roles: ALL, targeted: 'school', call: async (c, w, t) => c.summaries.get({ id: await schoolSummary(w, t) }) },
  'summaries.save': {
    roles: ALL,
    targeted: 'school',
    call: async (c, w, t) => c.summaries.save({ id: await schoolSummary(w, t), version: 1, sections: [{ id: 's', title: '', paragraphs: [{ id: 'p', text: '正文。' }], children: [] }] }),
  },
  'summaries.finalize': { roles: ALL, targeted: 'school', call: async (c, w, t) => c.summaries.finalize({ id: await schoolSummary(w, t), version: 1 }) },
  'summaries.drift': { roles: ALL, targeted: 'school', call: async (c, w, t) => c.summaries.drift({ id: await schoolSummary(w, t) }) },
};
async function schoolSummary(w: World, t: Target): Promise<number> {
  return (await draftSchoolSummary(seedDb, SYSTEM_ACTOR, { schoolId: schoolOf(w, t).id, year: 2026 })).id;
}
/** The database of the run in progress, for calls that first need something to act on (a target to remove). */
let seedDb: Kysely<Database>;
let counter = 0;

function swallow(code: TRPCError['code']) {
  return (error: unknown) => {
    if (error instanceof TRPCError && error.code === code) return null;
    throw error;
  };
}

type Who = 'anonymous' | 'systemAdmin' | 'bureauAdmin' | 'officer' | 'cityOfficer' | 'principal';
const WHO: Who[] = ['anonymous', 'systemAdmin', 'bureauAdmin', 'officer', 'cityOfficer', 'principal'];
const ROLE_OF: Record<Exclude<Who, 'anonymous'>, Role> = {
  systemAdmin: 'system_admin',
  bureauAdmin: 'bureau_admin',
  officer: 'bureau_officer',
  cityOfficer: 'bureau_officer',
  principal: 'principal',
};
/**
 * Which targets each caller's scope covers: the county bureau sees its county, the city officer its city,
 * a principal its own school (and, for county-level calls, its own county, where it sees only itself).
 */
const SEES: Record<Exclude<Who, 'anonymous'>, readonly Target[]> = {
  systemAdmin: ['own', 'sibling', 'otherCounty', 'otherCity'],
  bureauAdmin: ['own', 'sibling'],
  officer: ['own', 'sibling'],
  cityOfficer: ['own', 'sibling', 'otherCounty'],
  principal: ['own'],
};
const sees = (who: Exclude<Who, 'anonymous'>, target: Target, level: 'school' | 'county') =>
  SEES[who].includes(target) || (level === 'county' && who === 'principal' && target === 'sibling');

it('every procedure declares an access rule and has a row in the matrix', () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  for (const [path, procedure] of Object.entries(procedures)) {
    expect(procedure._def.meta?.access, `${path} declares no access rule`).toBeDefined();
    expect(RULES[path], `${path} has no row in the authorisation matrix`).toBeDefined();
  }
  expect(Object.keys(RULES).sort()).toEqual(Object.keys(procedures).sort());
});

await describeEachDatabase('authorisation matrix', (kind) => {
  let handle: DatabaseHandle;
  let w: World;
  const users = {} as Record<Who, SignedInUser | null>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    seedDb = handle.db;
    w = await world(handle.db);
    users.anonymous = null;
    for (const who of WHO.slice(1) as Exclude<Who, 'anonymous'>[]) users[who] = await signedInAs(handle.db, w.users[who].id);
  }, 60_000);
  afterAll(() => handle.close());

  for (const [path, rule] of Object.entries(RULES)) {
    it(`${path}: allowed and refused as designed`, async () => {
      const targets: Target[] = rule.targeted ? ['own', 'sibling', 'otherCounty', 'otherCity'] : ['own'];
      for (const who of WHO) {
        for (const target of targets) {
          const roleOk = rule.roles === 'public' || (who !== 'anonymous' && rule.roles.includes(ROLE_OF[who]));
          const scopeOk = !rule.targeted || (who !== 'anonymous' && sees(who, target, rule.targeted));
          const expected = roleOk && scopeOk;
          const outcome = await rule.call(callerFor(handle.db, users[who]), w, target).then(
            () => 'allowed',
            (error: unknown) => {
              if (!(error instanceof TRPCError) || error.code === 'INTERNAL_SERVER_ERROR') throw error;
              // A business refusal (a missing value, a stale version) means the call got past access control.
              return ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'].includes(error.code) ? 'refused' : 'allowed';
            },
          );
          expect(outcome, `${path} as ${who} on ${target}`).toBe(expected ? 'allowed' : 'refused');
        }
      }
    }, 60_000);
  }

  it('list queries only return what the caller may see', async () => {
    const ids = async (who: Who) => (await callerFor(handle.db, users[who]).schools.list()).map((s) => s.id).sort();
    const { a1, a2, c, b } = w.schools;
    expect(await ids('officer')).toEqual(expect.arrayContaining([a1.id, a2.id]));
    expect(await ids('officer')).not.toContain(c.id);
    expect(await ids('officer')).not.toContain(b.id);
    expect(await ids('cityOfficer')).toContain(c.id);
    expect(await ids('cityOfficer')).not.toContain(b.id);
    expect(await ids('principal')).toEqual([a1.id]);
    const accounts = (await callerFor(handle.db, users.bureauAdmin).users.list()).map((u) => u.countyId);
    expect(new Set(accounts)).toEqual(new Set([w.countyA.id]));
    const tree = await callerFor(handle.db, users.officer).org.tree();
    const names = JSON.stringify(tree);
    expect(names).toContain('甲县');
    expect(names).not.toContain('乙县');
    expect(names).not.toContain('丙县');
  });
});

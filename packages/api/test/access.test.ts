import { draftSchoolSummary } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { addMeasure, setTarget, SYSTEM_ACTOR, type Database, type DatabaseHandle, type Kysely, type SignedInUser } from '@oversight/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRouter, type Meta } from '../src/index.js';
import { ACCESS_RULES, countyOf, type Expected, expectedAccess, REFUSALS, schoolOf, SIGNED_IN, type SignedIn, type Target, TARGETS } from './authorisation.js';
import { callerFor, PASSWORD, schoolInput, signedInAs, unique, world } from './support.js';

/**
 * The authorisation matrix, generated from the router: every procedure × every kind of caller × targets in and
 * out of scope. Who may call what comes from the rule table shared with the file routes' matrix
 * (`authorisation.ts`), written independently of the router's own declarations, so a loosened rule fails; a
 * procedure without a row there or a call here fails too. A refusal must be the right one: 401 without a sign-in,
 * FORBIDDEN for the role, NOT_FOUND (exactly as missing) out of scope.
 */
type World = Awaited<ReturnType<typeof world>>;
type Caller = ReturnType<typeof callerFor>;
type Call = (caller: Caller, w: World, target: Target) => Promise<unknown>;
const Q = '2026Q1';

const CALLS: Record<string, Call> = {
  'auth.login': (c) => c.auth.login({ username: unique('nobody'), password: 'x' }).catch(swallow('UNAUTHORIZED')),
  'auth.me': (c) => c.auth.me(),
  'auth.logout': (c) => c.auth.logout(),
  // A wrong current password: refused by the service, so the call got past access.
  'auth.changePassword': (c) => c.auth.changePassword({ currentPassword: 'not-the-password-1', newPassword: 'brand-new-pass-2' }).catch(swallow('BAD_REQUEST')),
  'org.tree': (c) => c.org.tree(),
  'org.createUnit': (c, w) => c.org.createUnit({ parentId: w.cityB.id, level: 'county', code: `5117${String(10 + (counter++ % 89))}`, name: unique('县') }),
  'schools.list': (c, w, t) => c.schools.list({ countyId: countyOf(w, t).id }),
  'schools.get': (c, w, t) => c.schools.get({ schoolId: schoolOf(w, t).id }),
  'schools.create': (c, w, t) => c.schools.create(schoolInput(countyOf(w, t).id)),
  'schools.update': (c, w, t) => c.schools.update({ schoolId: schoolOf(w, t).id, boarding: counter++ % 2 === 0 }),
  'users.list': (c) => c.users.list(),
  'users.create': (c, w, t) =>
    c.users.create({ role: 'principal', username: unique('u'), displayName: '校长', password: PASSWORD, schoolId: schoolOf(w, t).id }),
  'users.createPrincipal': (c, w, t) =>
    c.users.createPrincipal({ schoolId: schoolOf(w, t).id, username: unique('cp'), displayName: '校长', password: PASSWORD }),
  'users.resetPassword': async (c, w, t) =>
    c.users.resetPassword({ userId: (await w.principalFor(schoolOf(w, t).id, countyOf(w, t).id)).id, password: 'another123' }),
  'users.setActive': async (c, w, t) => c.users.setActive({ userId: (await w.principalFor(schoolOf(w, t).id, countyOf(w, t).id)).id, active: false }),
  'catalogue.list': (c) => c.catalogue.list(),
  'reports.get': (c, w, t) => c.reports.get({ schoolId: schoolOf(w, t).id, period: Q }),
  'reports.save': (c, w, t) => c.reports.save({ schoolId: schoolOf(w, t).id, period: Q, version: 0, values: { staff_count: 40 } }),
  'reports.autosave': (c, w, t) => c.reports.autosave({ schoolId: schoolOf(w, t).id, period: '2025Q3', version: 0, values: { staff_count: 40 } }),
  'reports.submit': (c, w, t) => c.reports.submit({ schoolId: schoolOf(w, t).id, period: Q, version: 1 }),
  'reports.approve': (c, w, t) => c.reports.approve({ schoolId: schoolOf(w, t).id, period: Q, version: 1 }),
  'reports.returnForRevision': (c, w, t) => c.reports.returnForRevision({ schoolId: schoolOf(w, t).id, period: Q, version: 1, reason: '数据有误' }),
  'reports.reopen': (c, w, t) => c.reports.reopen({ schoolId: schoolOf(w, t).id, period: Q, reason: '需要更正' }),
  'reports.history': (c, w, t) => c.reports.history({ schoolId: schoolOf(w, t).id, period: Q }),
  'reports.completeness': (c, w, t) => c.reports.completeness({ countyId: countyOf(w, t).id, period: Q }),
  'reports.matrix': (c, w, t) => c.reports.matrix({ countyId: countyOf(w, t).id, periods: [Q] }),
  'reports.reviewQueue': (c, w, t) => c.reports.reviewQueue({ countyId: countyOf(w, t).id }),
  'reports.approveMany': (c, w, t) => c.reports.approveMany({ countyId: countyOf(w, t).id, items: [{ schoolId: schoolOf(w, t).id, period: Q, version: 1 }] }),
  'reports.remindMissing': (c, w, t) => c.reports.remindMissing({ countyId: countyOf(w, t).id, period: Q }),
  'reports.workbench': (c, w, t) => c.reports.workbench({ countyId: countyOf(w, t).id, period: Q }),
  'reports.reminders': (c, w, t) => c.reports.reminders({ schoolId: schoolOf(w, t).id }),
  'reports.dismissReminder': (c, w, t) => c.reports.dismissReminder({ schoolId: schoolOf(w, t).id, reminderId: 1 }),
  'reports.deadline': (c, w, t) => c.reports.deadline({ countyId: countyOf(w, t).id }),
  'reports.setDeadline': (c, w, t) => c.reports.setDeadline({ countyId: countyOf(w, t).id, days: 20 }),
  'summaries.issuingUnit': (c, w, t) => c.summaries.issuingUnit({ countyId: countyOf(w, t).id }),
  'summaries.setIssuingUnit': (c, w, t) => c.summaries.setIssuingUnit({ countyId: countyOf(w, t).id, issuingUnit: `${countyOf(w, t).name}教育局` }),
  'targets.list': (c, w, t) => c.targets.list({ countyId: countyOf(w, t).id, year: 2026 }),
  'targets.set': (c, w, t) =>
    c.targets.set({ countyId: countyOf(w, t).id, year: 2026, indicator: 'accident_rate', kind: 'county_total', comparator: 'gte', value: 90 }),
  'targets.remove': async (c, w, t) => {
    const target = await setTarget(seedDb, SYSTEM_ACTOR, {
      countyId: countyOf(w, t).id,
      year: 2031,
      indicator: 'medical_rate',
      kind: 'county_total',
      comparator: 'gte',
      value: 80,
    });
    return c.targets.remove({ id: target.id });
  },
  'targets.copyFromPreviousYear': (c, w, t) => c.targets.copyFromPreviousYear({ countyId: countyOf(w, t).id, year: 2027 }),
  'targets.attainment': (c, w, t) => c.targets.attainment({ countyId: countyOf(w, t).id, year: 2026 }),
  'targets.propose': (c, w, t) => c.targets.propose({ countyId: countyOf(w, t).id, year: 2027 }),
  'targets.warnings': (c, w, t) => c.targets.warnings({ countyId: countyOf(w, t).id, year: 2026 }),
  'targets.decideProposal': (c, w, t) => c.targets.decideProposal({ countyId: countyOf(w, t).id, year: 2027, key: 'x|y', declined: false }),
  'targets.remindAtRisk': (c, w, t) => c.targets.remindAtRisk({ countyId: countyOf(w, t).id, year: 2026 }),
  'analytics.overview': (c, w, t) => c.analytics.overview({ countyId: countyOf(w, t).id, year: 2026 }),
  'analytics.ranking': (c, w, t) => c.analytics.ranking({ countyId: countyOf(w, t).id, indicator: 'liability_rate', year: 2026 }),
  'analytics.trend': (c, w, t) => c.analytics.trend({ schoolId: schoolOf(w, t).id, indicator: 'electricity_kwh', from: '2025Q1', to: Q }),
  'analytics.schoolProfile': (c, w, t) => c.analytics.schoolProfile({ schoolId: schoolOf(w, t).id, year: 2026 }),
  'analytics.myStanding': (c, w, t) => c.analytics.myStanding({ schoolId: schoolOf(w, t).id, year: 2026 }),
  'analytics.compareCounties': (c) => c.analytics.compareCounties({ indicator: 'liability_rate', year: 2026 }),
  'analytics.model': (c, w, t) => c.analytics.model({ countyId: countyOf(w, t).id, year: 2026, indicator: 'electricity_kwh' }),
  'analytics.schoolExpectations': (c, w, t) => c.analytics.schoolExpectations({ schoolId: schoolOf(w, t).id, toYear: 2026 }),
  'analytics.degreeDays': (c, w, t) => c.analytics.degreeDays({ countyId: countyOf(w, t).id }),
  'analytics.setDegreeDays': (c, w, t) => c.analytics.setDegreeDays({ countyId: countyOf(w, t).id, year: 2026, hdd: 1500, cdd: 150 }),
  'summaries.draft': (c, w, t) => c.summaries.draft({ countyId: countyOf(w, t).id, year: 2026 }),
  'summaries.schoolDraft': (c, w, t) => c.summaries.schoolDraft({ schoolId: schoolOf(w, t).id, year: 2026 }),
  'summaries.list': (c, w, t) => c.summaries.list({ countyId: countyOf(w, t).id }),
  // A school's summary, drafted beforehand: reading and changing it follows the school's scope.
  'summaries.get': async (c, w, t) => c.summaries.get({ id: await schoolSummary(w, t) }),
  'summaries.save': async (c, w, t) =>
    c.summaries.save({
      id: await schoolSummary(w, t),
      version: 1,
      sections: [{ id: 's', title: '', paragraphs: [{ id: 'p', text: '正文。' }], children: [] }],
    }),
  'summaries.finalize': async (c, w, t) => c.summaries.finalize({ id: await schoolSummary(w, t), version: 1 }),
  'summaries.drift': async (c, w, t) => c.summaries.drift({ id: await schoolSummary(w, t) }),
  'measures.list': (c, w, t) => c.measures.list({ countyId: countyOf(w, t).id, year: 2026 }),
  'measures.add': (c, w, t) => c.measures.add({ countyId: countyOf(w, t).id, domain: 'energy', date: '2026-03-10', kind: 'meeting', text: '全县节能工作会议' }),
  'measures.update': async (c, w, t) =>
    c.measures.update({ id: (await seedMeasure(w, t)).id, domain: 'energy', date: '2026-03-11', kind: 'document', text: '《节能工作方案》' }),
  'measures.remove': async (c, w, t) => c.measures.remove({ id: (await seedMeasure(w, t)).id }),
  'measures.practices': (c, w, t) => c.measures.practices({ countyId: countyOf(w, t).id, year: 2026 }),
  // Choosing none clears the domain's 典型做法: allowed without a report to quote.
  'measures.choosePractices': (c, w, t) => c.measures.choosePractices({ countyId: countyOf(w, t).id, year: 2026, domain: 'green', picks: [] }),
  'evidence.list': (c, w, t) => c.evidence.list({ schoolId: schoolOf(w, t).id, period: Q }),
  'evidence.requiredFrom': (c, w, t) => c.evidence.requiredFrom({ countyId: countyOf(w, t).id }),
  // Lifting the requirement (null) leaves the other procedures' reports as they were.
  'evidence.setRequiredFrom': (c, w, t) => c.evidence.setRequiredFrom({ countyId: countyOf(w, t).id, from: null }),
};
function seedMeasure(w: World, t: Target) {
  return addMeasure(seedDb, SYSTEM_ACTOR, { countyId: countyOf(w, t).id, domain: 'green', date: '2026-03-12', kind: 'inspection', text: '校园绿化专项检查' });
}
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

type Who = SignedIn | 'anonymous';
const WHO: readonly Who[] = ['anonymous', ...SIGNED_IN];

it('every procedure declares an access rule and has a row in the rule table and a call in the matrix', () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  for (const [path, procedure] of Object.entries(procedures)) {
    expect(procedure._def.meta?.access, `${path} declares no access rule`).toBeDefined();
    expect(ACCESS_RULES[path], `${path} has no row in the authorisation rule table`).toBeDefined();
  }
  const paths = Object.keys(procedures).sort();
  expect(Object.keys(CALLS).sort()).toEqual(paths);
  expect(
    Object.keys(ACCESS_RULES)
      .filter((key) => !key.includes(' '))
      .sort(),
  ).toEqual(paths);
});

/** What a call met: allowed (a business refusal such as a stale version means it got past access), or which refusal. */
function outcomeOf(error: unknown): Expected {
  if (!(error instanceof TRPCError) || error.code === 'INTERNAL_SERVER_ERROR') throw error;
  if (error.code === REFUSALS['sign-in'].code) return 'sign-in';
  if (error.code === 'FORBIDDEN' && error.message === REFUSALS['password-change'].message) return 'password-change';
  if (error.code === REFUSALS.role.code) return 'role';
  if (error.code === 'NOT_FOUND') return 'scope';
  return 'allowed';
}

await describeEachDatabase('authorisation matrix', (kind) => {
  let handle: DatabaseHandle;
  let w: World;
  const users = {} as Record<Who, SignedInUser | null>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    seedDb = handle.db;
    w = await world(handle.db);
    users.anonymous = null;
    for (const who of SIGNED_IN) users[who] = await signedInAs(handle.db, w.users[who].id);
  }, 180_000);
  afterAll(() => handle.close());

  for (const [path, call] of Object.entries(CALLS)) {
    it(`${path}: allowed and refused as designed`, async () => {
      const rule = ACCESS_RULES[path]!;
      const targets = rule.target ? TARGETS : (['own'] as const);
      for (const who of WHO) {
        for (const target of targets) {
          const expected = expectedAccess(rule, who === 'anonymous' ? null : who, target);
          const outcome = await call(callerFor(handle.db, users[who]), w, target).then(() => 'allowed' as const, outcomeOf);
          expect(outcome, `${path} as ${who} on ${target}`).toBe(expected);
        }
      }
      // The same callers whose password someone else chose: refused everything but what comes before the change.
      for (const who of SIGNED_IN) {
        const mustChange = { ...users[who]!, mustChangePassword: true };
        const expected = expectedAccess(rule, who, 'own', true);
        const outcome = await call(callerFor(handle.db, mustChange), w, 'own').then(() => 'allowed' as const, outcomeOf);
        expect(outcome, `${path} as ${who} before changing an admin-set password`).toBe(expected);
      }
    }, 180_000);
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

import { AppError, deadlineOf, type Period, type ReportValues } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  approveReport,
  completeness,
  completenessMatrix,
  createUser,
  dismissReminder,
  getReport,
  remindMissing,
  reopenReport,
  reportHistory,
  returnReport,
  reviewQueue,
  saveReport,
  schoolReminders,
  setDeadlineDays,
  submitReport,
  SYSTEM_ACTOR,
  updateSchool,
  type Actor,
  type DatabaseHandle,
  type School,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { completeValues } from './figures.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** China time, as the county lives it. */
const at = (iso: string) => new Date(`${iso}+08:00`);
const P: Period = '2025Q1';
const BEFORE = { now: at('2025-04-10T10:00:00') };
const AFTER = { now: at('2025-04-20T10:00:00') };

await describeEachDatabase('quarterly reports', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let officer: Actor;
  let officerName: string;
  let foreignOfficer: Actor;
  let sequence = 0;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await smallHierarchy(handle.db);
    const account = await bureauAccount(handle.db, places.countyA.id, `officer-${kind}`, 'bureau_officer');
    officer = { userId: account.id, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyA.id, places.countyA2.id] } };
    officerName = account.displayName;
    const other = await bureauAccount(handle.db, places.countyB.id, `officer-b-${kind}`, 'bureau_officer');
    foreignOfficer = { userId: other.id, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyB.id] } };
  });
  afterAll(() => handle.close());

  /** A new school of county A (or another county) with its principal. */
  async function schoolWithPrincipal(countyId = places.countyA.id, overrides: Parameters<typeof school>[2] = {}) {
    const s = await school(handle.db, countyId, overrides);
    sequence += 1;
    const user = await createUser(handle.db, SYSTEM_ACTOR, {
      role: 'principal',
      username: `p${sequence}-${kind}`,
      displayName: `校长${sequence}`,
      password: PASSWORD,
      schoolId: s.id,
    });
    const principal: Actor = { userId: user.id, role: 'principal', scope: { kind: 'school', schoolId: s.id, countyId } };
    return { school: s, principal, user };
  }

  const key = (s: School, period: Period = P) => ({ schoolId: s.id, period });

  /** Saves complete values (plus `figures`) and submits, as the given actor; returns the submitted version. */
  async function submitted(actor: Actor, s: School, figures: ReportValues = {}, period: Period = P, clock = BEFORE) {
    const saved = await saveReport(
      handle.db,
      actor,
      { ...key(s, period), version: (await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).version, values: completeValues(s, period, figures) },
      clock,
    );
    return submitReport(handle.db, actor, { ...key(s, period), version: saved.version }, clock);
  }

  it('gives an empty draft for a quarter never saved, with its deadline; late only once the deadline has passed', async () => {
    const { school: s } = await schoolWithPrincipal();
    const view = await getReport(handle.db, SYSTEM_ACTOR, s.id, P, BEFORE);
    expect(view).toMatchObject({ status: 'draft', version: 0, values: {}, explanations: {}, issues: [], late: false, prefilled: false, lastYear: null });
    expect(view.deadline).toEqual(deadlineOf(P, 15));
    expect(view.deadline.toISOString()).toBe('2025-04-15T15:59:59.999Z');
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, P, AFTER)).late).toBe(true);
    const bad = await rejection(getReport(handle.db, SYSTEM_ACTOR, s.id, '2025-1'));
    expect(bad.field).toBe('period');
    expect(bad.message).toContain('2026Q1');
  });

  it('saves a draft with its errors shown, refuses a stale version with CONFLICT and unreadable values, changing nothing', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const first = await saveReport(handle.db, principal, { ...key(s), version: 0, values: { students_enrolled: 500, liability_insured: 600 } }, BEFORE);
    expect(first.version).toBe(1);
    expect(first.issues.map((i) => `${i.code}:${i.rule}:${i.severity}`)).toEqual(['liability_insured:at_most:error']);
    expect(first.derived.liability_rate).toBe(120);

    const stale = await rejection(saveReport(handle.db, principal, { ...key(s), version: 0, values: { students_enrolled: 1 } }, BEFORE));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.field).toBe('version');
    expect(stale.message).toContain('当前版本 1');
    const unreadable = await rejection(
      saveReport(handle.db, principal, { ...key(s), version: 1, values: { staff_count: '很多', students_enrolled: 2 } }, BEFORE),
    );
    expect(unreadable.code).toBe('BAD_REQUEST');
    expect(unreadable.field).toBe('staff_count');
    expect(unreadable.message).toBe('教职工数必须是数字。');
    const unknownExplanation = await rejection(
      saveReport(handle.db, principal, { ...key(s), version: 1, values: {}, explanations: { nonsense: '说明' } }, BEFORE),
    );
    expect(unknownExplanation.field).toBe('explanations.nonsense');

    const stored = await getReport(handle.db, SYSTEM_ACTOR, s.id, P);
    expect(stored.version).toBe(1);
    expect(stored.values).toEqual({ students_enrolled: 500, liability_insured: 600 });
  });

  it('merges saves, clears a value set to null and an explanation set to empty', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const one = await saveReport(handle.db, principal, {
      ...key(s),
      version: 0,
      values: { students_enrolled: 300, staff_count: 30 },
      explanations: { staff_count: '新调入教师' },
    });
    const two = await saveReport(handle.db, principal, { ...key(s), version: one.version, values: { staff_count: null, electricity_kwh: '1,200' } });
    expect(two.values).toEqual({ students_enrolled: 300, electricity_kwh: 1200 });
    expect(two.explanations).toEqual({ staff_count: '新调入教师' });
    const three = await saveReport(handle.db, principal, { ...key(s), version: two.version, values: {}, explanations: { staff_count: '  ' } });
    expect(three.explanations).toEqual({});
  });

  it('blocks submission on errors, requires an explanation of every warning, then submits on time', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    let version = (
      await saveReport(
        handle.db,
        principal,
        { ...key(s), version: 0, values: completeValues(s, P, { students_enrolled: 400, liability_insured: 401, open_kitchen: false }) },
        BEFORE,
      )
    ).version;
    const errors = await rejection(submitReport(handle.db, principal, { ...key(s), version }, BEFORE));
    expect(errors.code).toBe('BAD_REQUEST');
    expect(errors.message).toContain('报表有1处错误');
    expect(errors.issues?.map((i) => i.code)).toEqual(['liability_insured']);

    version = (await saveReport(handle.db, principal, { ...key(s), version, values: { liability_insured: 400 } }, BEFORE)).version;
    const warnings = await rejection(submitReport(handle.db, principal, { ...key(s), version }, BEFORE));
    expect(warnings.message).toContain('需要填写情况说明');
    expect(warnings.issues).toEqual([expect.objectContaining({ code: 'open_kitchen', severity: 'warning' })]);
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, P)).status).toBe('draft');

    version = (await saveReport(handle.db, principal, { ...key(s), version, values: {}, explanations: { open_kitchen: '改造工程已立项，暑期施工。' } }, BEFORE))
      .version;
    const done = await submitReport(handle.db, principal, { ...key(s), version }, BEFORE);
    expect(done).toMatchObject({ status: 'submitted', version: version + 1, late: false, submittedAt: BEFORE.now });
  });

  it('locks a submitted report for the school, lets the officer correct it on its behalf (named in the audit log), and locks an approved one for everyone', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const sent = await submitted(principal, s);
    const locked = await rejection(saveReport(handle.db, principal, { ...key(s), version: sent.version, values: { meal_days: 50 } }));
    expect(locked.code).toBe('CONFLICT');
    expect(locked.message).toContain('等待教育局审核');

    const corrected = await saveReport(handle.db, officer, { ...key(s), version: sent.version, values: { meal_days: 50 } });
    expect(corrected).toMatchObject({ status: 'submitted', version: sent.version + 1 });
    const history = await reportHistory(handle.db, SYSTEM_ACTOR, s.id, P);
    expect(history.at(-1)).toMatchObject({ action: 'report.save', actor: officerName, actorRole: 'bureau_officer', after: { values: { meal_days: 50 } } });
    const audit = await handle.db
      .selectFrom('auditLog')
      .select(['actorId', 'schoolId'])
      .where('entity', '=', 'report')
      .where('entityId', '=', String(corrected.id))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actorId: officer.userId, schoolId: s.id });

    const approved = await approveReport(handle.db, officer, { ...key(s), version: corrected.version });
    expect(approved.status).toBe('approved');
    for (const actor of [principal, officer]) {
      const refused = await rejection(saveReport(handle.db, actor, { ...key(s), version: approved.version, values: { meal_days: 40 } }));
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toContain('已审核通过并锁定');
    }
  });

  it('refuses review to principals, and reports outside the actor’s scope', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const { school: other } = await schoolWithPrincipal();
    const sent = await submitted(principal, s);
    const approve = await rejection(approveReport(handle.db, principal, { ...key(s), version: sent.version }));
    expect(approve.code).toBe('FORBIDDEN');
    expect(approve.message).toContain('审核通过');
    expect((await rejection(returnReport(handle.db, principal, { ...key(s), version: sent.version, reason: '自己退回' }))).code).toBe('FORBIDDEN');
    expect((await rejection(saveReport(handle.db, principal, { ...key(other), version: 0, values: { students_enrolled: 1 } }))).code).toBe('NOT_FOUND');
    expect((await rejection(approveReport(handle.db, foreignOfficer, { ...key(s), version: sent.version }))).code).toBe('NOT_FOUND');
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, P)).status).toBe('submitted');
  });

  it('answers a school or county out of the actor’s scope exactly as one that does not exist', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const { school: other } = await schoolWithPrincipal();
    const answer = async (call: Promise<unknown>) => {
      const error = await rejection(call);
      return { code: error.code, message: error.message };
    };
    const noSchool = { code: 'NOT_FOUND', message: '学校不存在。' };
    for (const schoolId of [other.id, 999_999]) {
      expect(await answer(getReport(handle.db, principal, schoolId, P))).toEqual(noSchool);
      expect(await answer(reportHistory(handle.db, principal, schoolId, P))).toEqual(noSchool);
      expect(await answer(schoolReminders(handle.db, principal, schoolId))).toEqual(noSchool);
      expect(await answer(dismissReminder(handle.db, principal, schoolId, 1))).toEqual(noSchool);
      expect(await answer(saveReport(handle.db, principal, { schoolId, period: P, version: 0, values: {} }))).toEqual(noSchool);
    }
    expect(await answer(getReport(handle.db, foreignOfficer, s.id, P))).toEqual(noSchool);
    const noCounty = { code: 'NOT_FOUND', message: '县（市、区）不存在。' };
    for (const countyId of [places.countyA.id, 999_999]) {
      expect(await answer(completeness(handle.db, foreignOfficer, countyId, P))).toEqual(noCounty);
      expect(await answer(completenessMatrix(handle.db, foreignOfficer, countyId, [P]))).toEqual(noCounty);
      expect(await answer(reviewQueue(handle.db, foreignOfficer, countyId))).toEqual(noCounty);
      expect(await answer(remindMissing(handle.db, foreignOfficer, countyId, P))).toEqual(noCounty);
      expect(await answer(setDeadlineDays(handle.db, foreignOfficer, countyId, 20))).toEqual(noCounty);
    }
    // A school account is refused county-wide figures for its role.
    expect((await rejection(completeness(handle.db, principal, places.countyA.id, P))).code).toBe('FORBIDDEN');
  });

  it('returns a report with a reason; the school corrects and resubmits, and the reason clears', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const sent = await submitted(principal, s, { electricity_kwh: 90_000 });
    const noReason = await rejection(returnReport(handle.db, officer, { ...key(s), version: sent.version, reason: ' ' }));
    expect(noReason.field).toBe('reason');
    const stale = await rejection(returnReport(handle.db, officer, { ...key(s), version: sent.version - 1, reason: '用电量疑似多录一位' }));
    expect(stale.code).toBe('CONFLICT');

    const returned = await returnReport(handle.db, officer, { ...key(s), version: sent.version, reason: '用电量疑似多录一位，请核实。' });
    expect(returned).toMatchObject({ status: 'returned', returnReason: '用电量疑似多录一位，请核实。' });
    const edited = await saveReport(handle.db, principal, { ...key(s), version: returned.version, values: { electricity_kwh: 9_000 } });
    const again = await submitReport(handle.db, principal, { ...key(s), version: edited.version });
    expect(again).toMatchObject({ status: 'submitted', returnReason: null, values: expect.objectContaining({ electricity_kwh: 9_000 }) });
    const approved = await approveReport(handle.db, officer, { ...key(s), version: again.version });
    expect(approved.status).toBe('approved');
    const twice = await rejection(approveReport(handle.db, officer, { ...key(s), version: approved.version }));
    expect(twice.message).toContain('“已审核通过”，不能审核通过');
  });

  it('reopens an approved report with a reason, making it editable again', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const sent = await submitted(principal, s);
    const notYet = await rejection(reopenReport(handle.db, officer, { ...key(s), reason: '审计抽查' }));
    expect(notYet.code).toBe('CONFLICT');
    const approved = await approveReport(handle.db, officer, { ...key(s), version: sent.version });
    expect((await rejection(reopenReport(handle.db, officer, { ...key(s), reason: '' }))).field).toBe('reason');
    const reopened = await reopenReport(handle.db, officer, { ...key(s), reason: '审计发现用水量漏计食堂分表。' });
    expect(reopened).toMatchObject({ status: 'returned', version: approved.version + 1, returnReason: '审计发现用水量漏计食堂分表。' });
    const fixed = await saveReport(handle.db, principal, { ...key(s), version: reopened.version, values: { water_m3: 120 } });
    expect((await submitReport(handle.db, principal, { ...key(s), version: fixed.version })).status).toBe('submitted');
    expect((await reportHistory(handle.db, SYSTEM_ACTOR, s.id, P)).map((h) => h.action)).toEqual([
      'report.save',
      'report.submit',
      'report.approve',
      'report.reopen',
      'report.save',
      'report.submit',
    ]);
  });

  it('marks a late submission; a report returned after an on-time submission stays on time', async () => {
    const late = await schoolWithPrincipal();
    const lateView = await submitted(late.principal, late.school, {}, P, AFTER);
    expect(lateView.late).toBe(true);

    const onTime = await schoolWithPrincipal();
    const sent = await submitted(onTime.principal, onTime.school, {}, P, BEFORE);
    const returned = await returnReport(
      handle.db,
      officer,
      { ...key(onTime.school), version: sent.version, reason: '请补充说明。' },
      { now: at('2025-04-14T09:00:00') },
    );
    const again = await submitReport(handle.db, onTime.principal, { ...key(onTime.school), version: returned.version }, AFTER);
    expect(again).toMatchObject({ late: false, submittedAt: AFTER.now });

    const rows = await completeness(handle.db, SYSTEM_ACTOR, places.countyA.id, P, AFTER);
    expect(rows.find((r) => r.schoolId === late.school.id)).toMatchObject({ status: 'submitted', late: true, submittedAt: AFTER.now });
    expect(rows.find((r) => r.schoolId === onTime.school.id)).toMatchObject({ status: 'submitted', late: false });
  });

  it('uses the county’s own deadline, set by its bureau and recorded in the audit log', async () => {
    const { school: s, principal } = await schoolWithPrincipal(places.countyA2.id);
    const bad = await rejection(setDeadlineDays(handle.db, officer, places.countyA2.id, 91));
    expect(bad.message).toContain('0至90天');
    await setDeadlineDays(handle.db, officer, places.countyA2.id, 30);
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, P)).deadline).toEqual(deadlineOf(P, 30));
    expect((await submitted(principal, s, {}, P, AFTER)).late).toBe(false);
    const audit = await handle.db
      .selectFrom('auditLog')
      .select(['before', 'after', 'actorId'])
      .where('action', '=', 'settings.deadline')
      .where('countyId', '=', places.countyA2.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ before: { deadlineDays: 15 }, after: { deadlineDays: 30 }, actorId: officer.userId });
    // Other counties keep the default.
    const { school: elsewhere, principal: p2 } = await schoolWithPrincipal();
    expect((await submitted(p2, elsewhere, {}, P, AFTER)).late).toBe(true);
  });

  it('pre-fills a new draft with the previous quarter’s stocks and statuses, and shows last year’s same quarter', async () => {
    const { school: s, principal } = await schoolWithPrincipal();
    const previous = completeValues(s, '2024Q4', { students_enrolled: 640, staff_count: 41, green_school_status: 'in_progress', electricity_kwh: 30_000 });
    const sent = await submitted(principal, s, previous, '2024Q4');
    await approveReport(handle.db, officer, { ...key(s, '2024Q4'), version: sent.version });
    const draft = await getReport(handle.db, SYSTEM_ACTOR, s.id, '2025Q1');
    expect(draft.prefilled).toBe(true);
    expect(draft.version).toBe(0);
    expect(draft.values).toMatchObject({ students_enrolled: 640, staff_count: 41, green_school_status: 'in_progress' });
    expect(draft.values).not.toHaveProperty('electricity_kwh');
    expect(draft.values).not.toHaveProperty('meal_days');
    // The first save keeps what was pre-filled.
    const saved = await saveReport(handle.db, principal, { ...key(s, '2025Q1'), version: 0, values: { electricity_kwh: 31_000 } });
    expect(saved.values).toMatchObject({ students_enrolled: 640, electricity_kwh: 31_000 });
    expect(saved.prefilled).toBe(false);

    const nextYear = await getReport(handle.db, SYSTEM_ACTOR, s.id, '2025Q4');
    expect(nextYear.lastYear).toMatchObject({ electricity_kwh: 30_000, students_enrolled: 640 });
    // Only what was submitted counts as last year's figure, not a draft.
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, '2026Q1')).lastYear).toBeNull();
  });

  it('warns about a big move on last year and an outlier among three or more same-type peers', async () => {
    const period: Period = '2023Q2';
    const people = { students_enrolled: 900, staff_count: 100 };
    const junior = () => schoolWithPrincipal(places.countyA.id, { type: 'junior', code: `31510${String(80000 + ++sequence)}` });
    const odd = await junior();
    // Last year: an ordinary quarter, with nobody to compare with.
    expect((await submitted(odd.principal, odd.school, { ...people, electricity_kwh: 40_000 }, '2022Q2')).issues).toEqual([]);
    const alone = await saveReport(handle.db, odd.principal, {
      ...key(odd.school, period),
      version: 0,
      values: completeValues(odd.school, period, { ...people, electricity_kwh: 400_000 }),
    });
    expect(alone.issues.map((i) => `${i.code}:${i.rule}`)).toEqual(['electricity_kwh:jump']);
    expect(alone.issues[0]!.message).toBe('用电量较上年同期增加900.0%（上年同期40,000），超过50%，请说明原因。');

    for (let i = 0; i < 3; i++) {
      const peer = await junior();
      await submitted(peer.principal, peer.school, { ...people, electricity_kwh: 40_000 }, period);
    }
    const compared = await getReport(handle.db, SYSTEM_ACTOR, odd.school.id, period);
    // Per person and per m² of floor area: both point at the figure to check.
    expect(compared.issues.map((i) => `${i.code}:${i.rule}`)).toEqual(['electricity_kwh:jump', 'electricity_kwh:peer_outlier', 'electricity_kwh:peer_outlier']);
    expect(compared.issues[1]!.message).toContain('是同类学校中位数（4.92千克标准煤/人）的10.0倍');
    const refused = await rejection(submitReport(handle.db, odd.principal, { ...key(odd.school, period), version: compared.version }));
    expect(refused.issues?.map((i) => i.code)).toEqual(['electricity_kwh', 'electricity_kwh', 'electricity_kwh']);
    // One explanation of the figure answers all three.
    const explained = await saveReport(handle.db, odd.principal, {
      ...key(odd.school, period),
      version: compared.version,
      values: {},
      explanations: { electricity_kwh: '新建学生宿舍投入使用。' },
    });
    expect((await submitReport(handle.db, odd.principal, { ...key(odd.school, period), version: explained.version })).status).toBe('submitted');
  });

  it('compares stocks with the previous quarter: a headcount that halves needs an explanation, and the queue shows it', async () => {
    const { school: s, principal } = await schoolWithPrincipal(places.countyA2.id);
    await submitted(principal, s, { students_enrolled: 900, staff_count: 60 }, '2022Q4');
    const draft = await saveReport(handle.db, principal, {
      ...key(s, '2023Q1'),
      version: 0,
      values: completeValues(s, '2023Q1', { students_enrolled: 450, staff_count: 60 }),
    });
    expect(draft.issues).toEqual([
      { code: 'students_enrolled', rule: 'jump_quarter', severity: 'warning', message: '在校学生数较上季度减少50.0%（上季度900），超过30%，请说明原因。' },
    ]);
    const explained = await saveReport(handle.db, principal, {
      ...key(s, '2023Q1'),
      version: draft.version,
      values: {},
      explanations: { students_enrolled: '初三学生分流至新建中学。' },
    });
    await submitReport(handle.db, principal, { ...key(s, '2023Q1'), version: explained.version });
    const queued = (await reviewQueue(handle.db, SYSTEM_ACTOR, places.countyA2.id, '2023Q1')).find((q) => q.schoolId === s.id);
    expect(queued).toMatchObject({ warnings: 1, errors: 0 });
  });

  it('reminds only the schools that have not submitted: a notice for the school and an outbox message per principal', async () => {
    const period: Period = '2024Q3';
    const missing = await schoolWithPrincipal(places.countyB.id);
    const draft = await schoolWithPrincipal(places.countyB.id);
    const sent = await schoolWithPrincipal(places.countyB.id);
    const approved = await schoolWithPrincipal(places.countyB.id);
    const returned = await schoolWithPrincipal(places.countyB.id);
    await saveReport(handle.db, draft.principal, { ...key(draft.school, period), version: 0, values: { students_enrolled: 10 } });
    await submitted(sent.principal, sent.school, {}, period);
    const a = await submitted(approved.principal, approved.school, {}, period);
    await approveReport(handle.db, foreignOfficer, { ...key(approved.school, period), version: a.version });
    const r = await submitted(returned.principal, returned.school, {}, period);
    await returnReport(handle.db, foreignOfficer, { ...key(returned.school, period), version: r.version, reason: '请核实。' });

    const now = at('2024-10-20T09:00:00');
    expect(await remindMissing(handle.db, foreignOfficer, places.countyB.id, period, { now })).toEqual({ reminded: 3 });
    const reminded = await handle.db.selectFrom('reminders').select('schoolId').where('period', '=', period).execute();
    expect(reminded.map((x) => x.schoolId).sort()).toEqual([missing.school.id, draft.school.id, returned.school.id].sort());
    const outbox = await handle.db.selectFrom('outbox').select(['userId', 'body', 'channel']).where('countyId', '=', places.countyB.id).execute();
    expect(outbox.map((o) => o.userId).sort()).toEqual([missing.user.id, draft.user.id, returned.user.id].sort());
    expect(outbox.find((o) => o.userId === missing.user.id)!.body).toContain(missing.school.name);
    expect(outbox[0]!.body).toContain('2024年第三季度');
    // Not again within a day; the principal sees the notice and can dismiss it.
    expect(await remindMissing(handle.db, foreignOfficer, places.countyB.id, period, { now: at('2024-10-20T15:00:00') })).toEqual({ reminded: 0 });
    const notices = await schoolReminders(handle.db, SYSTEM_ACTOR, missing.school.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain('截止日期为2024/10/15');
    await dismissReminder(handle.db, SYSTEM_ACTOR, missing.school.id, notices[0]!.id);
    expect(await schoolReminders(handle.db, SYSTEM_ACTOR, missing.school.id)).toEqual([]);
    expect(await schoolReminders(handle.db, SYSTEM_ACTOR, sent.school.id)).toEqual([]);
  });

  it('queues submitted reports for review with their warnings, and shows completeness per school and in a matrix', async () => {
    const period: Period = '2024Q2';
    const clean = await schoolWithPrincipal(places.countyB.id);
    const flagged = await schoolWithPrincipal(places.countyB.id);
    const done = await schoolWithPrincipal(places.countyB.id);
    const closed = await schoolWithPrincipal(places.countyB.id);
    await updateSchool(handle.db, SYSTEM_ACTOR, { schoolId: closed.school.id, active: false });
    await submitted(clean.principal, clean.school, {}, period, { now: at('2024-07-02T09:00:00') });
    const f = await saveReport(handle.db, flagged.principal, {
      ...key(flagged.school, period),
      version: 0,
      values: completeValues(flagged.school, period, { open_kitchen: false }),
      explanations: { open_kitchen: '正在改造。' },
    });
    await submitReport(handle.db, flagged.principal, { ...key(flagged.school, period), version: f.version }, { now: at('2024-07-01T09:00:00') });
    const d = await submitted(done.principal, done.school, {}, period, { now: at('2024-07-03T09:00:00') });
    await approveReport(handle.db, foreignOfficer, { ...key(done.school, period), version: d.version });

    const queue = await reviewQueue(handle.db, SYSTEM_ACTOR, places.countyB.id, period);
    expect(queue.map((q) => [q.schoolId, q.warnings, q.errors])).toEqual([
      [flagged.school.id, 1, 0],
      [clean.school.id, 0, 0],
    ]);
    expect(await reviewQueue(handle.db, SYSTEM_ACTOR, places.countyB.id, '2019Q1')).toEqual([]);
    expect((await reviewQueue(handle.db, SYSTEM_ACTOR, places.countyB.id)).map((q) => q.period)).toContain(period);

    const rows = await completeness(handle.db, SYSTEM_ACTOR, places.countyB.id, period, { now: at('2024-07-20T09:00:00') });
    const row = (id: number) => rows.find((x) => x.schoolId === id);
    expect(row(closed.school.id)).toBeUndefined();
    expect(row(clean.school.id)).toMatchObject({ status: 'submitted', late: false, submittedAt: at('2024-07-02T09:00:00') });
    expect(row(done.school.id)).toMatchObject({ status: 'approved', late: false });
    const missing = rows.filter((x) => x.status === 'missing');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((x) => x.late && x.submittedAt === null && x.version === 0)).toBe(true);

    const matrix = await completenessMatrix(handle.db, SYSTEM_ACTOR, places.countyB.id, ['2024Q1', period], { now: at('2024-07-20T09:00:00') });
    expect(matrix.periods).toEqual(['2024Q1', period]);
    expect(matrix.schools.map((x) => x.schoolId)).toEqual(rows.map((x) => x.schoolId));
    expect(matrix.cells[flagged.school.id]).toEqual({ '2024Q1': { status: 'missing', late: true }, [period]: { status: 'submitted', late: false } });
  });

  it('keeps the history of a report: who did what, when, with the values before and after', async () => {
    const { school: s, principal, user } = await schoolWithPrincipal();
    const period: Period = '2024Q1';
    const one = await saveReport(
      handle.db,
      principal,
      { ...key(s, period), version: 0, values: { students_enrolled: 100 } },
      { now: at('2024-04-02T09:00:00') },
    );
    await saveReport(
      handle.db,
      principal,
      { ...key(s, period), version: one.version, values: { students_enrolled: 120, staff_count: 9 } },
      { now: at('2024-04-03T09:00:00') },
    );
    const history = await reportHistory(handle.db, SYSTEM_ACTOR, s.id, period);
    expect(history).toEqual([
      {
        at: at('2024-04-02T09:00:00'),
        action: 'report.save',
        actor: user.displayName,
        actorRole: 'principal',
        before: { version: 0, values: { students_enrolled: null } },
        after: { version: 1, values: { students_enrolled: 100 } },
      },
      {
        at: at('2024-04-03T09:00:00'),
        action: 'report.save',
        actor: user.displayName,
        actorRole: 'principal',
        before: { version: 1, values: { students_enrolled: 100, staff_count: null } },
        after: { version: 2, values: { students_enrolled: 120, staff_count: 9 } },
      },
    ]);
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, period, { withHistory: true })).history).toEqual(history);
    expect(await reportHistory(handle.db, SYSTEM_ACTOR, s.id, '2020Q1')).toEqual([]);
  });
});

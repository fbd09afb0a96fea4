import { deadlineOf, draftFindings } from '@oversight/domain';
import type { DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
// The data layer's catalogue-driven complete report, shared rather than copied.
import { completeValues as complete } from '@oversight/db/testing';
import { callerFor, failure, signedInAs, world } from './support.js';

/** The reports.* contract of issue 3, called as the SPA calls it (tRPC caller, signed-in users). */
await describeEachDatabase('reports procedures', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
  }, 60_000);
  afterAll(() => handle.close());

  const as = async (who: keyof typeof w.users) => callerFor(handle.db, await signedInAs(handle.db, w.users[who].id));

  it('gets a report in the contract’s shape, an empty draft at first', async () => {
    const principal = await as('principal');
    const report = await principal.reports.get({ schoolId: w.schools.a1.id, period: '2025Q3' });
    expect(report).toMatchObject({ status: 'draft', version: 0, values: {}, explanations: {}, issues: [], late: true });
    expect(report.deadline).toEqual(deadlineOf('2025Q3', 15));
    expect(report).not.toHaveProperty('history');
    expect((await principal.reports.get({ schoolId: w.schools.a1.id, period: '2025Q3', withHistory: true })).history).toEqual([]);
    const bad = await failure(principal.reports.get({ schoolId: w.schools.a1.id, period: '2025-3' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toContain('季度格式应为“2026Q1”');
  });

  it('saves with a version, refuses a stale one with CONFLICT, and a bad value naming the field', async () => {
    const principal = await as('principal');
    const key = { schoolId: w.schools.a1.id, period: '2025Q4' };
    const saved = await principal.reports.save({ ...key, version: 0, values: { students_enrolled: 300, liability_insured: 310 } });
    expect(saved.version).toBe(1);
    expect(saved.issues).toEqual([
      { code: 'liability_insured', rule: 'at_most', severity: 'error', message: '校方责任险参保人数（310）不能大于在校学生数（300）。' },
    ]);
    const stale = await failure(principal.reports.save({ ...key, version: 0, values: { liability_insured: 300 } }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toContain('请刷新后再操作');
    const bad = await failure(principal.reports.save({ ...key, version: 1, values: { open_kitchen: '也许' } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toBe('是否实现明厨亮灶只能填“是”或“否”。');
    expect((await principal.reports.get(key)).values).toEqual({ students_enrolled: 300, liability_insured: 310 });
  });

  it('takes a report from the principal’s submission through return, resubmission and approval, then reopens it', async () => {
    const principal = await as('principal');
    const officer = await as('officer');
    const key = { schoolId: w.schools.a1.id, period: '2026Q1' };
    const draft = await principal.reports.save({ ...key, version: 0, values: complete(w.schools.a1, '2026Q1', { open_kitchen: false }) });
    const refused = await failure(principal.reports.submit({ ...key, version: draft.version }));
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toContain('预警需要填写情况说明');
    const explained = await principal.reports.save({ ...key, version: draft.version, values: {}, explanations: { open_kitchen: '明厨亮灶改造施工中。' } });
    const submitted = await principal.reports.submit({ ...key, version: explained.version });
    expect(submitted).toMatchObject({ status: 'submitted', version: explained.version + 1 });

    expect((await failure(principal.reports.approve({ ...key, version: submitted.version }))).code).toBe('FORBIDDEN');
    const short = await failure(officer.reports.returnForRevision({ ...key, version: submitted.version, reason: '错' }));
    expect(short.code).toBe('BAD_REQUEST');
    expect(short.message).toContain('至少2个字');
    const returned = await officer.reports.returnForRevision({ ...key, version: submitted.version, reason: '明厨亮灶情况请附施工计划。' });
    expect(returned).toMatchObject({ status: 'returned', returnReason: '明厨亮灶情况请附施工计划。' });
    const fixed = await principal.reports.save({
      ...key,
      version: returned.version,
      values: {},
      explanations: { open_kitchen: '明厨亮灶改造施工中，计划8月完工。' },
    });
    const again = await principal.reports.submit({ ...key, version: fixed.version });
    const approved = await officer.reports.approve({ ...key, version: again.version });
    expect(approved.status).toBe('approved');
    const locked = await failure(principal.reports.save({ ...key, version: approved.version, values: { staff_count: 2 } }));
    expect(locked.code).toBe('CONFLICT');

    const reopened = await officer.reports.reopen({ ...key, reason: '抽查发现教职工数有误。' });
    expect(reopened).toMatchObject({ status: 'returned', returnReason: '抽查发现教职工数有误。' });
    const history = await principal.reports.history(key);
    expect(history.map((h) => [h.action, h.actorRole])).toEqual([
      ['report.save', 'principal'],
      ['report.save', 'principal'],
      ['report.submit', 'principal'],
      ['report.return', 'bureau_officer'],
      ['report.save', 'principal'],
      ['report.submit', 'principal'],
      ['report.approve', 'bureau_officer'],
      ['report.reopen', 'bureau_officer'],
    ]);
    expect((await principal.reports.get({ ...key, withHistory: true })).history).toEqual(history);
  });

  it('lets the officer enter a paper return on a school’s behalf', async () => {
    const officer = await as('officer');
    const key = { schoolId: w.schools.a2.id, period: '2026Q1' };
    const saved = await officer.reports.save({ ...key, version: 0, values: complete(w.schools.a2, '2026Q1', {}) });
    const submitted = await officer.reports.submit({ ...key, version: saved.version });
    expect(submitted.status).toBe('submitted');
    const history = await officer.reports.history(key);
    expect(new Set(history.map((h) => h.actorRole))).toEqual(new Set(['bureau_officer']));
  });

  it('shows completeness, the matrix and the review queue for the county, and approves clean reports in bulk', async () => {
    const officer = await as('officer');
    const rows = await officer.reports.completeness({ countyId: w.countyA.id, period: '2026Q1' });
    expect(rows.map((r) => [r.schoolId, r.status])).toEqual(
      expect.arrayContaining([
        [w.schools.a1.id, 'returned'],
        [w.schools.a2.id, 'submitted'],
      ]),
    );
    expect(rows.find((r) => r.schoolId === w.schools.a2.id)).toMatchObject({ late: true, submittedAt: expect.any(Date) });

    const matrix = await officer.reports.matrix({ countyId: w.countyA.id, periods: ['2025Q4', '2026Q1'] });
    expect(matrix.cells[w.schools.a1.id]).toMatchObject({ '2025Q4': { status: 'draft' }, '2026Q1': { status: 'returned' } });

    const queue = await officer.reports.reviewQueue({ countyId: w.countyA.id });
    expect(queue.map((q) => [q.schoolId, q.period, q.warnings, q.errors])).toEqual([[w.schools.a2.id, '2026Q1', 0, 0]]);
    expect(await officer.reports.reviewQueue({ countyId: w.countyA.id, period: '2025Q4' })).toEqual([]);

    const item = { schoolId: w.schools.a2.id, period: '2026Q1', version: queue[0]!.version };
    const foreign = { schoolId: w.schools.c.id, period: '2026Q1', version: 1 };
    const bulk = await officer.reports.approveMany({ countyId: w.countyA.id, items: [item, foreign] });
    expect(bulk.approved).toBe(1);
    expect(bulk.results).toEqual([
      { ...item, ok: true, message: null },
      { ...foreign, ok: false, message: '该学校不在本县。' },
    ]);
    expect(await officer.reports.reviewQueue({ countyId: w.countyA.id })).toEqual([]);
  });

  it('reminds schools that have not submitted; the principal sees and dismisses the reminder', async () => {
    const officer = await as('officer');
    const principal = await as('principal');
    const result = await officer.reports.remindMissing({ countyId: w.countyA.id, period: '2026Q1' });
    expect(result).toEqual({ reminded: 1 });
    const reminders = await principal.reports.reminders({ schoolId: w.schools.a1.id });
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.message).toContain('2026年第一季度');
    await principal.reports.dismissReminder({ schoolId: w.schools.a1.id, reminderId: reminders[0]!.id });
    expect(await principal.reports.reminders({ schoolId: w.schools.a1.id })).toEqual([]);
  });

  it('keeps the deadline per county: the bureau admin sets it, everyone reads it', async () => {
    const admin = await as('bureauAdmin');
    expect(await (await as('principal')).reports.deadline({ countyId: w.countyA.id })).toEqual({ days: 15 });
    expect(await admin.reports.setDeadline({ countyId: w.countyA.id, days: 20 })).toEqual({ days: 20 });
    const report = await (await as('principal')).reports.get({ schoolId: w.schools.a1.id, period: '2026Q2' });
    expect(report.deadline).toEqual(deadlineOf('2026Q2', 20));
    const tooLong = await failure(admin.reports.setDeadline({ countyId: w.countyA.id, days: 120 }));
    expect(tooLong.message).toContain('不能超过季度结束后90天');
    expect(await admin.reports.deadline({ countyId: w.countyA.id })).toEqual({ days: 20 });
  });

  it('autosaves as the form does: the stored report alone, whose findings the form recomputes exactly as the server shows them', async () => {
    const principal = await as('principal');
    const school = w.schools.a1;
    // Last year's same quarter, submitted, so the draft is checked against it.
    const lastYear = await principal.reports.save({
      schoolId: school.id,
      period: '2025Q2',
      version: 0,
      values: complete(school, '2025Q2', { electricity_kwh: 10000 }),
    });
    await principal.reports.submit({ schoolId: school.id, period: '2025Q2', version: lastYear.version });
    const key = { schoolId: school.id, period: '2026Q2' };
    const before = await principal.reports.get(key);
    const values = complete(school, '2026Q2', { electricity_kwh: 60000, students_enrolled: 300, liability_insured: 310 });
    const stored = await principal.reports.autosave({ ...key, version: before.version, values, explanations: { electricity_kwh: ' 新建食堂投入使用 ' } });
    expect(stored).toEqual({
      id: expect.any(Number),
      status: 'draft',
      version: before.version + 1,
      values,
      explanations: { electricity_kwh: '新建食堂投入使用' },
    });

    const view = await principal.reports.get(key);
    expect(view.version).toBe(stored.version);
    expect(view.issues.map((i) => i.rule).sort()).toEqual(expect.arrayContaining(['at_most', 'jump']));
    const recheck = draftFindings(stored.values, {
      school: await principal.schools.get({ schoolId: school.id }),
      period: '2026Q2',
      lastYear: before.lastYear,
      ...before.checks,
    });
    expect(recheck).toEqual({ issues: view.issues, derived: view.derived });

    const stale = await failure(principal.reports.autosave({ ...key, version: before.version, values }));
    expect(stale.code).toBe('CONFLICT');
    const bad = await failure(principal.reports.autosave({ ...key, version: stored.version, values: { open_kitchen: '也许' } }));
    expect(bad.message).toBe('是否实现明厨亮灶只能填“是”或“否”。');
    expect((await principal.reports.get(key)).version).toBe(stored.version);
  });
});

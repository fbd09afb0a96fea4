import type { Period } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  decideProposal,
  listTargets,
  officerWorkbench,
  remindAtRisk,
  remindMissing,
  setTarget,
  SYSTEM_ACTOR,
  targetProposals,
  targetWarnings,
  type Actor,
  type DatabaseHandle,
  type School,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { fileReport } from './figures.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

const at = (iso: string) => new Date(`${iso}+08:00`);

/**
 * Three primary schools of county A, 100 students and 10 staff each:
 * - liability-insured students 2024/2025/2026: s1 90, 92, 94; s2 100, 100, 100; s3 80, 84, 88;
 * - plants planted per quarter in 2025: s1 100, 500, 300, 100; s2 and s3 250 each quarter;
 *   in 2026 (Q1 and Q2 approved): s1 80, 320; s2 300, 300; s3 100, 100.
 * 2024 and 2025 have all four quarters approved; 2026 only Q1 and Q2 (Q3: s1 submitted, s2 a draft, s3 nothing).
 */
const LIABILITY: Record<'s1' | 's2' | 's3', number[]> = { s1: [90, 92, 94], s2: [100, 100, 100], s3: [80, 84, 88] };
const PLANTS: Record<'s1' | 's2' | 's3', { 2025: number[]; 2026: number[] }> = {
  s1: { 2025: [100, 500, 300, 100], 2026: [80, 320] },
  s2: { 2025: [250, 250, 250, 250], 2026: [300, 300] },
  s3: { 2025: [250, 250, 250, 250], 2026: [100, 100] },
};

await describeEachDatabase('target proposals, early warning and the officer’s workbench', (kind) => {
  let handle: DatabaseHandle;
  let officer: Actor;
  let countyId: number;
  const s = {} as Record<'s1' | 's2' | 's3', School>;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const places = await smallHierarchy(handle.db);
    countyId = places.countyA.id;
    const account = await bureauAccount(handle.db, countyId, `officer-${kind}`, 'bureau_officer');
    officer = { userId: account.id, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [countyId] } };
    for (const [i, name] of (['s1', 's2', 's3'] as const).entries()) {
      s[name] = await school(handle.db, countyId, { name: `目标小学${i + 1}`, hasCanteen: false });
      await createUser(handle.db, SYSTEM_ACTOR, {
        role: 'principal',
        username: `tp${i}-${kind}`,
        displayName: `校长${i}`,
        password: PASSWORD,
        schoolId: s[name].id,
      });
    }
    for (const name of ['s1', 's2', 's3'] as const) {
      for (const [y, year] of [2024, 2025, 2026].entries()) {
        const quarters = year === 2026 ? [1, 2] : [1, 2, 3, 4];
        for (const q of quarters) {
          const plants = year === 2024 ? 0 : PLANTS[name][year as 2025 | 2026][q - 1]!;
          await fileReport(handle.db, s[name], `${year}Q${q}` as Period, {
            students_enrolled: 100,
            staff_count: 10,
            liability_insured: LIABILITY[name][y]!,
            plants_planted: plants,
          });
        }
      }
    }
    await fileReport(handle.db, s.s1, '2026Q3', { students_enrolled: 100, staff_count: 10, liability_insured: 94 }, 'submitted');
    await fileReport(handle.db, s.s2, '2026Q3', { students_enrolled: 100, staff_count: 10, liability_insured: 100 }, 'draft');
    await setTarget(handle.db, officer, { countyId, year: 2026, indicator: 'liability_rate', kind: 'each_school', comparator: 'gte', value: 85 });
    await setTarget(handle.db, officer, { countyId, year: 2026, indicator: 'plants_planted', kind: 'each_school', comparator: 'gte', value: 1000 });
  }, 600_000);
  afterAll(() => handle.close());

  describe('targets.propose', () => {
    it('proposes from three years of approved data, with the schools expected to miss, and sets nothing', async () => {
      const report = await targetProposals(handle.db, officer.scope, { countyId, year: 2027 });
      expect(report.dataYears).toEqual([2024, 2025, 2026]);
      expect(report.previous.map((t) => t.indicator).sort()).toEqual(['liability_rate', 'plants_planted']);
      const liability = report.proposals.find((p) => p.proposal.indicator === 'liability_rate')!;
      // County: 270/300 = 90%, 276/300 = 92%, 282/300 = 94% (2026 projected from two quarters).
      expect(liability.trend.points.map((p) => p.value)).toEqual([90, 92, 94]);
      expect(liability.trend.points[2]!.projected).toBe(true);
      // Own trends: s1 96, s2 100, s3 92 → sorted 92, 96, 100 → lower quartile 94.
      expect(liability.proposal).toMatchObject({ kind: 'each_school', comparator: 'gte', value: 94 });
      expect(liability.label).toBe('每所学校校方责任险参保率达到94%以上');
      expect(liability.expectedToMiss.map((m) => m.name)).toEqual(['目标小学3']);
      expect(liability.spread).toMatchObject({ q1: 91, median: 94, q3: 97 });
      expect(liability.attainment).toMatchObject({ met: true, schoolsMet: 3, schools: 3 });
      expect(liability.previous?.value).toBe(85);
      expect(liability.current).toBeNull();
      expect(liability.reasoning.join('')).not.toMatch(/[≥≤=<>]/);
      expect(await listTargets(handle.db, officer.scope, { countyId, year: 2027 })).toEqual([]);
    });

    it('accepting a proposal is setting it: proposed again, it shows as set', async () => {
      const before = await targetProposals(handle.db, officer.scope, { countyId, year: 2027 });
      const p = before.proposals.find((x) => x.proposal.indicator === 'liability_rate')!;
      await setTarget(handle.db, officer, { countyId, year: 2027, ...p.proposal });
      const after = await targetProposals(handle.db, officer.scope, { countyId, year: 2027 });
      const again = after.proposals.find((x) => x.key === p.key)!;
      expect(again.current).toMatchObject({ year: 2027, value: 94, label: '每所学校校方责任险参保率达到94%以上' });
    });

    it('a declined proposal stays declined (kept, audited) until restored; an unknown one is refused and nothing is kept', async () => {
      const before = await targetProposals(handle.db, officer.scope, { countyId, year: 2027 });
      const p = before.proposals.find((x) => x.proposal.indicator === 'plants_planted')!;
      expect(p.declined).toBeNull();
      await decideProposal(handle.db, officer, { countyId, year: 2027, key: p.key, declined: true });
      // Declining twice is one decision and one audit entry.
      await decideProposal(handle.db, officer, { countyId, year: 2027, key: p.key, declined: true });
      const declined = (await targetProposals(handle.db, officer.scope, { countyId, year: 2027 })).proposals.find((x) => x.key === p.key)!;
      expect(declined.declined).toMatchObject({ by: expect.any(String) });
      // Only that county's year: 2028's proposals are not declined.
      const other = (await targetProposals(handle.db, officer.scope, { countyId, year: 2028 })).proposals.find((x) => x.key === p.key);
      expect(other?.declined ?? null).toBeNull();
      await expect(decideProposal(handle.db, officer, { countyId, year: 2027, key: 'liability_rate|nothing', declined: true })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('没有这项目标建议'),
      });
      await decideProposal(handle.db, officer, { countyId, year: 2027, key: p.key, declined: false });
      const restored = (await targetProposals(handle.db, officer.scope, { countyId, year: 2027 })).proposals.find((x) => x.key === p.key)!;
      expect(restored.declined).toBeNull();
      const audit = await handle.db.selectFrom('auditLog').select('action').where('entity', '=', 'target_proposal').orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['target.proposal.decline', 'target.proposal.restore']);
      expect(await listTargets(handle.db, officer.scope, { countyId, year: 2027 })).toHaveLength(1);
      // Another county's officer cannot decline this county's proposals.
      const stranger: Actor = { ...officer, scope: { kind: 'counties', countyIds: [countyId + 1000] } };
      await expect(decideProposal(handle.db, stranger, { countyId, year: 2027, key: p.key, declined: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('targets.warnings and targets.remindAtRisk', () => {
    it('projects each school’s year from the approved quarters and the same quarters of last year', async () => {
      const report = await targetWarnings(handle.db, officer.scope, { countyId, year: 2026 });
      expect(report.upToQuarter).toBe(2);
      expect(report.warnings.map((w) => w.target.indicator)).toEqual(['plants_planted']);
      const [w] = report.warnings;
      // s3: 200 × 1000 ÷ 500 = 400; s1: 400 × 1000 ÷ 600 = 666.67; s2: 600 × 1000 ÷ 500 = 1200 meets.
      expect(w!.atRisk.map((r) => [r.name, Math.round(Number(r.projected)), r.method])).toEqual([
        ['目标小学3', 400, 'seasonal'],
        ['目标小学1', 667, 'seasonal'],
      ]);
      expect(report.schoolsAtRisk).toBe(2);
      expect(w!.atRisk[0]!.message).toBe(
        '根据第一至第二季度已审核数据（按上年同期占全年的比例推算），预计本校2026年全年新植花草树木为400株，达不到新植花草树木1000株的年度目标，请及早采取措施。',
      );
    });

    it('reminds the schools at risk once; a different message to the same school still goes', async () => {
      const now = at('2026-10-20T09:00:00');
      expect(await remindAtRisk(handle.db, officer, { countyId, year: 2026 }, { now })).toEqual({ reminded: 2, skipped: 0 });
      expect(await remindAtRisk(handle.db, officer, { countyId, year: 2026 }, { now: at('2026-10-20T10:00:00') })).toEqual({ reminded: 0, skipped: 2 });
      const notices = await handle.db.selectFrom('reminders').select(['schoolId', 'message', 'period']).where('countyId', '=', countyId).execute();
      expect(notices.map((n) => n.schoolId).sort()).toEqual([s.s1.id, s.s3.id].sort());
      expect(notices.every((n) => n.period === '2026Q2')).toBe(true);
      const outbox = await handle.db.selectFrom('outbox').select(['subject', 'body']).where('countyId', '=', countyId).execute();
      expect(outbox).toHaveLength(2);
      expect(outbox[0]!.subject).toBe('年度目标预警');
      // The missing-report reminder of the same hour is another message: s3 (nothing filed) and s2 (a draft) get it.
      expect(await remindMissing(handle.db, officer, countyId, '2026Q3', { now: at('2026-10-20T10:30:00') })).toEqual({ reminded: 2 });
      const audit = await handle.db.selectFrom('auditLog').select(['action', 'after']).where('action', '=', 'target.remind').orderBy('id').execute();
      expect(audit.map((a) => a.after)).toEqual([
        { year: 2026, upToQuarter: 2, reminded: 2, skipped: 0 },
        { year: 2026, upToQuarter: 2, reminded: 0, skipped: 2 },
      ]);
    });
  });

  describe('reports.workbench', () => {
    it('reports awaiting review, schools not yet reported with the deadline, targets at risk', async () => {
      const bench = await officerWorkbench(handle.db, officer, { countyId }, { now: at('2026-10-20T09:00:00') });
      expect(bench.period).toBe('2026Q3');
      expect(bench.deadline.toISOString()).toBe('2026-10-15T15:59:59.999Z');
      expect(bench.deadlinePassed).toBe(true);
      expect(bench.awaitingReview.map((q) => [q.name, q.period])).toEqual([['目标小学1', '2026Q3']]);
      expect(bench.notReported.map((r) => [r.name, r.status, r.late])).toEqual([
        ['目标小学2', 'draft', true],
        ['目标小学3', 'missing', true],
      ]);
      expect(bench.warnings.schoolsAtRisk).toBe(2);
      const early = await officerWorkbench(handle.db, officer, { countyId, period: '2026Q3' }, { now: at('2026-10-10T09:00:00') });
      expect(early.deadlinePassed).toBe(false);
      expect(early.notReported.every((r) => !r.late)).toBe(true);
    });
  });
});

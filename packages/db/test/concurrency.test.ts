import { AppError } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  approveReport,
  createUser,
  describeUser,
  getReport,
  getUser,
  reportHistory,
  returnReport,
  saveReport,
  submitReport,
  SYSTEM_ACTOR,
  type Actor,
  type DatabaseHandle,
} from '../src/index.js';
import { completeValues, createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

/**
 * Many writers at once on one report: exactly one wins per version, every other gets CONFLICT, and the audit log
 * accounts for every stored change.
 */
const PERIOD = '2026Q1';
const BASE = { students_enrolled: 500, staff_count: 40 };

async function settle<T>(work: Promise<T>[]) {
  const results = await Promise.allSettled(work);
  for (const r of results) {
    if (r.status === 'rejected') {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).code).toBe('CONFLICT');
    }
  }
  return results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map((r) => r.value);
}

await describeEachDatabase('concurrent writers', (kind) => {
  let handle: DatabaseHandle;
  let principal: Actor;
  let officers: Actor[];
  let schoolId: number;

  const actorFor = async (userId: number): Promise<Actor> => {
    const user = await describeUser(handle.db, (await getUser(handle.db, userId))!);
    return { userId, role: user.role, scope: user.scope };
  };

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const places = await smallHierarchy(handle.db);
    schoolId = (await school(handle.db, places.countyA.id)).id;
    principal = await actorFor((await createUser(handle.db, SYSTEM_ACTOR, { role: 'principal', username: `p-${kind}`, displayName: '校长', password: PASSWORD, schoolId })).id);
    officers = await Promise.all(
      [1, 2, 3].map(async (i) => actorFor((await bureauAccount(handle.db, places.countyA.id, `officer${i}-${kind}`, 'bureau_officer')).id)),
    );
  });
  afterAll(() => handle.close());

  it('lets exactly one of many same-version saves win, and loses no update', async () => {
    let version = (await saveReport(handle.db, principal, { schoolId, period: PERIOD, version: 0, values: BASE })).version;
    const writers = [principal, ...officers];
    let stored = 1;
    for (let round = 0; round < 5; round++) {
      const winners = await settle(
        writers.map((actor, i) => saveReport(handle.db, actor, { schoolId, period: PERIOD, version, values: { electricity_kwh: round * 10 + i } })),
      );
      expect(winners).toHaveLength(1);
      const report = await getReport(handle.db, schoolId, PERIOD);
      expect(report.version).toBe(version + 1);
      expect(report.values.electricity_kwh).toBe(winners[0]!.values.electricity_kwh);
      version = report.version;
      stored += 1;
    }
    const saves = (await reportHistory(handle.db, schoolId, PERIOD)).filter((h) => h.action === 'report.save');
    expect(saves).toHaveLength(stored);
  });

  it('lets one of approve and return win when officers act at once, never both', async () => {
    const filled = await saveReport(handle.db, principal, { schoolId, period: PERIOD, version: (await getReport(handle.db, schoolId, PERIOD)).version, values: completeValues({ type: 'primary', hasCanteen: true }, PERIOD, BASE) });
    const current = { version: filled.version };
    const submitted = await submitReport(handle.db, principal, { schoolId, period: PERIOD, version: current.version });
    const outcomes = await settle([
      approveReport(handle.db, officers[0]!, { schoolId, period: PERIOD, version: submitted.version }),
      returnReport(handle.db, officers[1]!, { schoolId, period: PERIOD, version: submitted.version, reason: '用电量偏高，请核实' }),
      approveReport(handle.db, officers[2]!, { schoolId, period: PERIOD, version: submitted.version }),
    ]);
    expect(outcomes).toHaveLength(1);
    const after = await getReport(handle.db, schoolId, PERIOD);
    expect(after.version).toBe(submitted.version + 1);
    expect(after.status).toBe(outcomes[0]!.status);
    const history = await reportHistory(handle.db, schoolId, PERIOD);
    expect(history.filter((h) => h.action === 'report.approve' || h.action === 'report.return')).toHaveLength(1);
  });
});

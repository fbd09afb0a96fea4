import { periodEndDate, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { StoredReport } from '../../domain/test/summary-fixture.js';
import { approveReport, returnReport, saveReport, submitReport, SYSTEM_ACTOR, type Database } from '../src/index.js';

/**
 * Files a summary-fixture report through the services a principal and an officer use: saved, every warning
 * explained, submitted (after the deadline when the fixture says it was late), then approved or returned as the
 * fixture's status says. Shared by the summary tests of the data layer, the API and the server.
 */
const day = 86_400_000;
const after = (p: Period, days: number) => new Date(Date.parse(`${periodEndDate(p)}T12:00:00+08:00`) + days * day);

export async function fileFixtureReport(db: Kysely<Database>, report: StoredReport): Promise<void> {
  const p = report.period;
  const saved = await saveReport(db, SYSTEM_ACTOR, { schoolId: report.schoolId, period: p, version: 0, values: report.values }, { now: after(p, 1) });
  let version = saved.version;
  const warnings = saved.issues.filter((i) => i.severity === 'warning');
  if (warnings.length) {
    const explanations = Object.fromEntries(warnings.map((w) => [w.code, '情况属实，已核实。']));
    version = (
      await saveReport(
        db,
        SYSTEM_ACTOR,
        { schoolId: report.schoolId, period: p, version, values: {}, explanations },
        { returning: 'version', now: after(p, 2) },
      )
    ).version;
  }
  if (report.status === 'draft') return;
  version = (
    await submitReport(db, SYSTEM_ACTOR, { schoolId: report.schoolId, period: p, version }, { returning: 'version', now: after(p, report.late ? 30 : 5) })
  ).version;
  if (report.status === 'returned')
    await returnReport(db, SYSTEM_ACTOR, { schoolId: report.schoolId, period: p, version, reason: '数据需要核实' }, { returning: 'version', now: after(p, 8) });
  if (report.status === 'approved')
    await approveReport(db, SYSTEM_ACTOR, { schoolId: report.schoolId, period: p, version }, { returning: 'version', now: after(p, 8) });
}

/** Files many reports in one transaction (the services join it), as the demo generator does. */
export function fileFixtureReports(db: Kysely<Database>, reports: readonly StoredReport[]): Promise<void> {
  return db.transaction().execute(async (trx) => {
    for (const r of reports) await fileFixtureReport(trx, r);
  });
}

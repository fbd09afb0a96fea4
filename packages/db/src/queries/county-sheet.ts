import type { Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database, Report, School } from '../schema.js';

/** A school of a county sheet (the templates and exports): the school and its reports of the quarters asked for. */
export interface SheetSchool {
  school: School;
  /** The school's reports by quarter (any status). */
  reports: Map<Period, Pick<Report, 'status' | 'values' | 'version'>>;
}

/** A county's active schools (by identifier) with their reports for the given quarters: one query each. */
export async function countySheet(db: Kysely<Database>, countyId: number, periods: readonly Period[]): Promise<SheetSchool[]> {
  const schools = await db.selectFrom('schools').selectAll().where('countyId', '=', countyId).where('active', '=', true).orderBy('code').execute();
  const reports = periods.length
    ? await db
        .selectFrom('reports')
        .select(['schoolId', 'period', 'status', 'values', 'version'])
        .where('countyId', '=', countyId)
        .where('period', 'in', [...periods])
        .execute()
    : [];
  const bySchool = new Map<number, SheetSchool['reports']>();
  for (const r of reports) {
    const map = bySchool.get(r.schoolId) ?? new Map();
    bySchool.set(r.schoolId, map);
    map.set(r.period as Period, { status: r.status, values: r.values, version: r.version });
  }
  return schools.map((school) => ({ school, reports: bySchool.get(school.id) ?? new Map() }));
}

import type { Period } from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { Database, ReportStatus } from '../schema.js';

/**
 * County figures kept by what they were computed from. A county's dashboard figures are a function of its reports
 * in some quarters and statuses and of its schools; their fingerprint sums those rows up — each report by id at its
 * version (every save, submission, approval, return or reopen moves the version), each school at its last update.
 * A stored row is used only while its fingerprint equals the live one, so a figure is never stale: an approval
 * changes the fingerprint in the same transaction that approves. Nothing is rebuilt on a schedule; a county whose
 * data moved is recomputed by the next read that needs it.
 */
export async function countyFingerprints(
  db: Kysely<Database>,
  countyIds: readonly number[],
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
): Promise<Map<number, string>> {
  if (!countyIds.length) return new Map();
  const [reports, schools] = await Promise.all([
    db
      .selectFrom('reports')
      .select([
        'countyId',
        // Integer hashing only (no text per row): the index holds id and version, so this reads the index alone.
        sql<string>`count(*) || ':' || coalesce(sum(hashint8((id::bigint << 32) | version)), 0)`.as('print'),
      ])
      .where('countyId', 'in', countyIds)
      .where('period', 'in', periods.length ? [...periods] : [''])
      .where('status', 'in', [...statuses])
      .groupBy('countyId')
      .execute(),
    db
      .selectFrom('schools')
      .select(['countyId', sql<string>`count(*) || ':' || coalesce(sum(hashtext(id::text || ':' || updated_at::text || ':' || active::text)), 0)`.as('print')])
      .where('countyId', 'in', countyIds)
      .groupBy('countyId')
      .execute(),
  ]);
  const ofReports = new Map(reports.map((r) => [r.countyId, r.print]));
  const ofSchools = new Map(schools.map((r) => [r.countyId, r.print]));
  return new Map(countyIds.map((id) => [id, `r${ofReports.get(id) ?? '0'};s${ofSchools.get(id) ?? '0'}`]));
}

/** The stored figures of some counties under one key, with the fingerprint each was computed at. */
export async function storedCountyFigures(
  db: Kysely<Database>,
  countyIds: readonly number[],
  key: string,
): Promise<Map<number, { fingerprint: string; parts: string }>> {
  if (!countyIds.length) return new Map();
  const rows = await db
    .selectFrom('countyFigures')
    .select(['countyId', 'fingerprint', 'parts'])
    .where('countyId', 'in', countyIds)
    .where('key', '=', key)
    .execute();
  return new Map(rows.map((r) => [r.countyId, { fingerprint: r.fingerprint, parts: r.parts }]));
}

export async function storeCountyFigures(
  db: Kysely<Database>,
  key: string,
  rows: readonly { countyId: number; fingerprint: string; parts: string }[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('countyFigures')
    .values(rows.map((r) => ({ countyId: r.countyId, key, fingerprint: r.fingerprint, parts: r.parts, computedAt: new Date() })))
    .onConflict((oc) =>
      oc
        .columns(['countyId', 'key'])
        .doUpdateSet((eb) => ({ fingerprint: eb.ref('excluded.fingerprint'), parts: eb.ref('excluded.parts'), computedAt: eb.ref('excluded.computedAt') })),
    )
    .execute();
}

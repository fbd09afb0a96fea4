import { targetKey, type Target } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database, TargetRow } from '../schema.js';

/** A stored target as the domain sees it. */
export function toTarget(row: TargetRow): Target {
  return {
    id: row.id,
    countyId: row.countyId,
    year: row.year,
    indicator: row.indicator,
    kind: row.kind,
    measure: row.measure,
    comparator: row.comparator,
    value: row.value,
    statusValue: row.statusValue,
    schoolTypes: row.schoolTypes,
    schoolId: row.schoolId,
  };
}

/** What a target is, as stored: its columns but the county, the year and who wrote it. */
export function targetColumns(t: Omit<Target, 'id' | 'countyId' | 'year'>) {
  return {
    indicator: t.indicator,
    kind: t.kind,
    measure: t.measure,
    comparator: t.comparator,
    value: JSON.stringify(t.value),
    statusValue: t.statusValue === null ? null : JSON.stringify(t.statusValue),
    schoolTypes: t.schoolTypes,
    schoolId: t.schoolId,
    targetKey: targetKey(t),
  };
}

/** The targets of some counties for a year, in a stable order (indicator, then general before narrowed). */
export async function targetsOf(db: Kysely<Database>, countyIds: readonly number[], year: number): Promise<Target[]> {
  if (!countyIds.length) return [];
  const rows = await db
    .selectFrom('targets')
    .selectAll()
    .where('countyId', 'in', countyIds)
    .where('year', '=', year)
    .orderBy('countyId')
    .orderBy('indicator')
    .orderBy('targetKey')
    .execute();
  return rows.map(toTarget);
}

export function targetRow(db: Kysely<Database>, id: number): Promise<TargetRow | undefined> {
  return db.selectFrom('targets').selectAll().where('id', '=', id).executeTakeFirst();
}

import type { Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // The full name of the county's issuing unit (教育局, 教育和体育局, 教育科技局…) as its summaries are titled, signed and
  // named; null: the county's name + 教育局.
  await db.schema.alterTable('county_settings').addColumn('issuing_unit', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('county_settings').dropColumn('issuing_unit').execute();
}

import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // A county's dashboard figures, kept by the content they were computed from (see queries/county-figures.ts):
  // a read uses a row only while its fingerprint still matches the county's reports and schools. The parts are
  // JSON kept as text: read whole, never queried inside, so the database need not parse or print them.
  await db.schema
    .createTable('county_figures')
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('parts', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('county_figures_pkey', ['county_id', 'key'])
    .execute();
  // The fingerprint reads only this index (id and version included): an index-only scan per county and quarter.
  await db.schema.dropIndex('reports_county_period_idx').execute();
  await sql`create index reports_county_period_idx on reports (county_id, period, status) include (id, version)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('county_figures').execute();
  await db.schema.dropIndex('reports_county_period_idx').execute();
  await db.schema.createIndex('reports_county_period_idx').on('reports').columns(['county_id', 'period', 'status']).execute();
}

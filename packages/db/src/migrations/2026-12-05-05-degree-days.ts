import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // A county's heating and cooling degree days of a year (issue 17), entered by the bureau; the fair comparison
  // takes the climate into account when every county of the province has them for the year.
  await db.schema
    .createTable('county_degree_days')
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('hdd', 'double precision', (c) => c.notNull().check(sql`hdd >= 0 and hdd <= 10000`))
    .addColumn('cdd', 'double precision', (c) => c.notNull().check(sql`cdd >= 0 and cdd <= 5000`))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('county_degree_days_pkey', ['county_id', 'year'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('county_degree_days').execute();
}

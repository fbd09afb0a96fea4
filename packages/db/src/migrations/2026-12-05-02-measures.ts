import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // The bureau's own measures per domain and year (issue 16): documents, meetings, inspections and training,
  // dated, that part 一 of the county's annual summary opens each domain with.
  await db.schema
    .createTable('bureau_measures')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('domain', 'text', (c) => c.notNull().check(sql`domain in ('insurance', 'energy', 'green', 'canteen')`))
    .addColumn('date', 'text', (c) => c.notNull().check(sql`date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('document', 'meeting', 'inspection', 'training')`))
    .addColumn('text', 'text', (c) => c.notNull().check(sql`char_length(text) between 1 and 200`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('bureau_measures_date_in_year', sql`substr(date, 1, 4)::integer = year`)
    .execute();
  await db.schema.createIndex('bureau_measures_county_year_idx').on('bureau_measures').columns(['county_id', 'year', 'domain']).execute();

  // The schools' practice texts (a quarter's report value) the bureau chose to quote as 典型做法, in order.
  await db.schema
    .createTable('typical_practices')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('domain', 'text', (c) => c.notNull().check(sql`domain in ('insurance', 'energy', 'green', 'canteen')`))
    .addColumn('school_id', 'integer', (c) => c.notNull().references('schools.id'))
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period ~ '^[0-9]{4}Q[1-4]$'`))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position between 1 and 3`))
    .addColumn('chosen_by', 'integer', (c) => c.references('users.id'))
    .addColumn('chosen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('typical_practices_period_in_year', sql`substr(period, 1, 4)::integer = year`)
    .addUniqueConstraint('typical_practices_school_key', ['county_id', 'year', 'domain', 'school_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['typical_practices', 'bureau_measures']) await db.schema.dropTable(table).execute();
}

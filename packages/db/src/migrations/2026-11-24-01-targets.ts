import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // A county's yearly targets. Distributed by county_id with the rest of the school data (issue 7): every read
  // filters by county and year, and the unique key leads with them.
  await db.schema
    .createTable('targets')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('county_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('each_school', 'county_total')`))
    .addColumn('measure', 'text', (c) => c.notNull().defaultTo('value').check(sql`measure in ('value', 'change_percent', 'status_count', 'status_share')`))
    .addColumn('comparator', 'text', (c) => c.notNull().check(sql`comparator in ('gte', 'lte', 'eq')`))
    // A number (rates and shares in percent, 0–100), or for a status each school must hold, its value.
    .addColumn('value', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(value) in ('number', 'string', 'boolean')`))
    .addColumn('status_value', 'jsonb', (c) => c.check(sql`status_value is null or jsonb_typeof(status_value) in ('string', 'boolean')`))
    .addColumn('school_types', sql`text[]`)
    .addColumn('school_id', 'integer', (c) => c.references('schools.id'))
    // Kind, measure, status value, school and school types in one string: what makes two targets the same one.
    .addColumn('target_key', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('targets_county_year_key_unique', ['county_id', 'year', 'indicator', 'target_key'])
    .addCheckConstraint('targets_school_override_check', sql`school_id is null or (kind = 'each_school' and school_types is null)`)
    .addCheckConstraint('targets_status_value_measure_check', sql`(measure in ('status_count', 'status_share')) = (status_value is not null)`)
    .execute();
  await db.schema.createIndex('targets_school_idx').on('targets').column('school_id').where(sql.ref('school_id'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('targets').execute();
}

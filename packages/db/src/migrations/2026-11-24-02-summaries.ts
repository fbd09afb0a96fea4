import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go into new migration files.
export async function up(db: Kysely<any>): Promise<void> {
  // Annual summaries: a county's (county_id set), a city's across its counties (county_id null), or one school's
  // (school_id set). Sections are the officer's text with {{fig:id}} placeholders; figures and the document's
  // data (basis, appendix tables, charts) are frozen when the summary is finalised.
  await db.schema
    .createTable('summaries')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('county', 'city', 'school')`))
    .addColumn('org_unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('county_id', 'integer', (c) => c.references('org_units.id'))
    .addColumn('school_id', 'integer', (c) => c.references('schools.id'))
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 2000 and 2100`))
    .addColumn('up_to_quarter', 'integer', (c) => c.notNull().check(sql`up_to_quarter between 1 and 4`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'final')`))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('sections', 'jsonb', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .addColumn('finalized_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finalized_at', 'timestamptz')
    .addCheckConstraint(
      'summaries_scope_check',
      sql`(level = 'county' and county_id = org_unit_id and school_id is null)
        or (level = 'city' and county_id is null and school_id is null)
        or (level = 'school' and county_id = org_unit_id and school_id is not null)`,
    )
    .addCheckConstraint('summaries_finalized_check', sql`(status = 'final') = (finalized_at is not null)`)
    .execute();
  await db.schema.createIndex('summaries_unit_year_idx').on('summaries').columns(['org_unit_id', 'year']).execute();
  await db.schema.createIndex('summaries_school_idx').on('summaries').column('school_id').where(sql.ref('school_id'), 'is not', null).execute();

  // Every saved version of a summary's text, so an officer can see and restore what was there before.
  await db.schema
    .createTable('summary_versions')
    .addColumn('summary_id', 'integer', (c) => c.notNull().references('summaries.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'final')`))
    .addColumn('sections', 'jsonb', (c) => c.notNull())
    .addColumn('saved_by', 'integer', (c) => c.references('users.id'))
    .addColumn('saved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('summary_versions_pkey', ['summary_id', 'version'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['summary_versions', 'summaries']) await db.schema.dropTable(table).execute();
}
